import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { StoreUnavailableError } from '../common/hinted-error';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { AgentCommand, AgentsRegistry, ConnectionState } from './agents.registry';

/** Redis pub/sub channel of revocations: the message is the agent id; whoever holds its socket closes it (4001). */
export function agentsRevokedChannel(redisPrefix: string): string {
  return `${redisPrefix}:agents:revoked`;
}

/** Messages between processes, on each process's own inbox channel. */
type InboxMessage =
  | { kind: 'command'; requestId: string; replyTo: string; agentId: string; command: AgentCommand }
  | { kind: 'reply'; requestId: string; delivered: boolean }
  | { kind: 'replace'; agentId: string; connection: string };

/** How long a sender waits for the holding process to say it delivered; then the answer is "not delivered". */
const REPLY_TIMEOUT_MS = 2000;

/**
 * Commands for agents held by any process (agent-protocol.md §2): the holder is found in the registry and
 * reached on its inbox channel; it answers on the sender's inbox whether the socket took the message, so a
 * command that reached no connected agent is reported as not delivered, never as done. Revocations arrive on
 * the channel AgentsService publishes to.
 */
@Injectable()
export class AgentCommands implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AgentCommands.name);
  private readonly pending = new Map<string, (delivered: boolean) => void>();
  // subscribing puts a connection in subscriber mode, so it cannot be the shared client
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly registry: AgentsRegistry,
    private readonly env: Env,
  ) {}

  private inbox(process: string): string {
    return `${this.env.redisPrefix}:agents:inbox:${process}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.env.role === 'worker') {
      return; // a worker holds no sockets
    }
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
    subscriber.on('error', (error: Error) => this.logger.debug(`subscriber: ${error.message}`));
    subscriber.on('message', (channel: string, message: string) => this.receive(channel, message));
    this.subscriber = subscriber;
    await subscriber.subscribe(this.inbox(this.registry.processId), agentsRevokedChannel(this.env.redisPrefix));
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const resolve of this.pending.values()) {
      resolve(false);
    }
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  /** True once the agent's socket took the command, on this process or another. */
  async send(agentId: string, command: AgentCommand): Promise<boolean> {
    const held = this.registry.held(agentId);
    if (held) {
      return held.command(command);
    }
    const state = await this.registry.state(agentId).catch(redisUnavailable);
    if (!state) {
      return false;
    }
    const requestId = randomUUID();
    const reply = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), REPLY_TIMEOUT_MS);
      const settle = (delivered: boolean): void => {
        clearTimeout(timer);
        this.pending.delete(requestId);
        resolve(delivered);
      };
      this.pending.set(requestId, settle);
    });
    const message: InboxMessage = {
      kind: 'command',
      requestId,
      replyTo: this.inbox(this.registry.processId),
      agentId,
      command,
    };
    const listeners = await this.redis.publish(this.inbox(state.process), JSON.stringify(message)).catch(() => 0);
    if (listeners === 0) {
      this.pending.get(requestId)?.(false);
    }
    return reply;
  }

  /** Asks the process holding a displaced entry to close that socket with 4000 (one connection per agent). */
  async replace(agentId: string, displaced: ConnectionState): Promise<void> {
    const message: InboxMessage = { kind: 'replace', agentId, connection: displaced.connection };
    await this.redis
      .publish(this.inbox(displaced.process), JSON.stringify(message))
      .catch((error: Error) => this.logger.warn(`replace not sent: ${error.message}`));
  }

  // never throws: a malformed message from Redis is logged and ignored
  private receive(channel: string, raw: string): void {
    if (channel === agentsRevokedChannel(this.env.redisPrefix)) {
      this.registry.held(raw)?.close(4001, 'revoked');
      return;
    }
    let message: InboxMessage;
    try {
      message = JSON.parse(raw) as InboxMessage;
    } catch {
      this.logger.warn('ignored a malformed inbox message');
      return;
    }
    if (message.kind === 'reply') {
      this.pending.get(message.requestId)?.(message.delivered === true);
    } else if (message.kind === 'replace') {
      const held = this.registry.held(message.agentId);
      if (held?.id === message.connection) {
        held.close(4000, 'replaced');
      }
    } else if (message.kind === 'command') {
      const delivered = this.registry.held(message.agentId)?.command(message.command) ?? false;
      const reply: InboxMessage = { kind: 'reply', requestId: message.requestId, delivered };
      this.redis
        .publish(message.replyTo, JSON.stringify(reply))
        .catch((error: Error) => this.logger.warn(`command reply not sent: ${error.message}`));
    }
  }
}

function redisUnavailable(): never {
  throw new StoreUnavailableError('Redis');
}
