import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_REQUEST_BYTES, serializeIngestResponse, validateEnvelope } from '@lib/wire-format';
import { AgentsService } from '../agents/agents.service';
import { AuthThrottle } from '../common/auth-throttle';
import { HintedError, StoreUnavailableError } from '../common/hinted-error';
import { Agent } from '../database/entities';
import { IngestRateLimit } from './ingest-rate-limit';
import { bearerKey, envelopeError, errorBody, ingestStatus, isJsonContentType } from './ingest.dto';
import { IngestService } from './ingest.service';

export const INGEST_PATH = '/api/v1/ingest';

/**
 * `POST /api/v1/ingest`, netwatch-compatible (wire-format.md §4). Registered on Fastify directly rather than
 * through a Nest decorator, because it needs three route options Nest cannot set: its own `bodyLimit`
 * (5 MB, above the global 1 MiB), an `onRequest` hook so steps 1-4 run before the body is read, and an
 * `errorHandler` answering `{"error": ...}` instead of the watchTower envelope. The body is still read by the
 * server-wide legacy parser (legacy-body.ts), under this route's limit.
 */
@Injectable()
export class IngestController implements OnModuleInit {
  private readonly logger = new Logger(IngestController.name);
  private readonly agents = new WeakMap<FastifyRequest, Agent>();

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly ingest: IngestService,
    private readonly keys: AgentsService,
    private readonly throttle: AuthThrottle,
    private readonly rateLimit: IngestRateLimit,
  ) {}

  // Nest registers its own routes before onModuleInit and Fastify takes routes until it listens
  onModuleInit(): void {
    const fastify = this.adapter.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({
      method: 'POST',
      url: INGEST_PATH,
      bodyLimit: MAX_REQUEST_BYTES,
      onRequest: async (request) => this.admit(request),
      errorHandler: (error, request, reply) => this.fail(error, request, reply),
      handler: async (request, reply) => this.handle(request, reply),
    });
  }

  /** Steps 1-4 of §4.2, on headers only. */
  private async admit(request: FastifyRequest): Promise<void> {
    const blocked = await this.throttle.blockedFor(request.ip);
    if (blocked > 0) {
      throw new HintedError(429, 'too many failed authentications', { 'retry-after': String(blocked) });
    }
    const key = bearerKey(request.headers.authorization);
    const agent = key === undefined ? null : await this.verify(key);
    if (!agent) {
      await this.throttle.recordFailure(request.ip);
      throw new HintedError(401, key === undefined ? 'missing bearer token' : 'invalid API key');
    }
    const retryAfter = await this.rateLimit.take(agent.id);
    if (retryAfter > 0) {
      throw new HintedError(429, 'rate limit exceeded', { 'retry-after': String(retryAfter) });
    }
    if (!isJsonContentType(request.headers['content-type'])) {
      throw new HintedError(415, 'Content-Type must be application/json');
    }
    this.agents.set(request, agent);
  }

  // PostgreSQL away is an outage, not a bad key: the agent keeps its batch and retries after Retry-After
  private async verify(key: string): Promise<Agent | null> {
    try {
      return await this.keys.verifyAgentKey(key);
    } catch (error) {
      this.logger.warn(`agent key check failed: ${(error as Error).message}`);
      throw new StoreUnavailableError('the agents table');
    }
  }

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<string> {
    const envelope = validateEnvelope(request.body);
    if (!envelope.ok) {
      throw envelopeError(envelope.error);
    }
    const response = await this.ingest.ingest({ agent: this.agents.get(request)! }, envelope.value);
    // a string, so the envelope serializer leaves the netwatch body alone
    return reply.status(ingestStatus(response)).type('application/json').send(serializeIngestResponse(response));
  }

  private fail(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
    const { status, text, headers } = this.classify(error, request);
    void reply.status(status).headers(headers).type('application/json').send(errorBody(text));
  }

  private classify(error: unknown, request: FastifyRequest): { status: number; text: string; headers: object } {
    if (error instanceof HintedError) {
      return { status: error.status, text: error.hint, headers: error.headers };
    }
    const { code, statusCode } = error as Partial<FastifyError>;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return { status: 413, text: `request body larger than ${MAX_REQUEST_BYTES} bytes`, headers: {} };
    }
    if (code?.startsWith('FST_ERR_CTP_') && statusCode !== undefined && statusCode < 500) {
      return { status: 400, text: 'invalid JSON body', headers: {} };
    }
    this.logger.error(`ingest failed (ref ${request.id}): ${(error as Error)?.stack ?? String(error)}`);
    return { status: 500, text: `internal error (ref ${request.id})`, headers: {} };
  }
}
