import { getQueueToken } from '@nestjs/bullmq';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AlertsProcessor } from './alerts/alerts.processor';
import { AppModule } from './app.module';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { PersistenceProcessor } from './persistence/persistence.processor';
import { PingsProcessor } from './pings/pings.processor';
import { mountBullBoard } from './bullboard/bullboard';
import { AuthThrottle } from './common/auth-throttle';
import { trustFunction } from './common/client-address';
import { EdgeHooks } from './common/edge-hooks';
import { Metrics } from './common/metrics';
import { serializeEnvelope } from './common/envelope';
import { registerLegacyBodyParsers } from './common/legacy-body';
import { installLingeringClose } from './common/lingering-close';
import { MAX_SERVICE } from './common/fields';
import { QUEUE } from './common/queues';
import { RouteIndex } from './common/route-index';
import {
  answerClientError,
  answerFrameworkError,
  NODE_SERVER_OPTIONS,
  refuseMissingHost,
} from './common/transport-errors';
import { Env } from './config/env';
import { mountConsole } from './console/console.static';
import { mountApiDocs } from './docs/docs.page';

const WORKER_PROCESSORS = [PersistenceProcessor, AlertsProcessor, PingsProcessor, MaintenanceProcessor];

/** The Fastify adapter with the transport settings of §3 (TLS, proxy trust, body limit). */
export function createAdapter(env: Env): FastifyAdapter {
  const tls =
    env.tlsCert && env.tlsKey
      ? { https: { cert: readFileSync(env.tlsCert), key: readFileSync(env.tlsKey), ...NODE_SERVER_OPTIONS } }
      : { http: NODE_SERVER_OPTIONS };
  return new FastifyAdapter({
    ...tls,
    bodyLimit: env.bodyLimitBytes,
    // never `true`: only the configured proxies' X-Forwarded-For entries count (client-address.ts)
    trustProxy: env.trustProxy === false ? false : trustFunction(env.trustProxy),
    // Requests carry their id into `internal error (ref <id>)` and the log line behind it.
    genReqId: requestIds(),
    forceCloseConnections: 'idle',
    // Services are up to 255 characters (§3.8), 12 once URL-encoded when each is a 4-byte UTF-8 character
    routerOptions: { maxParamLength: MAX_SERVICE * 12 },
    // parser and router refusals answer the envelope with a hint too (transport-errors.ts)
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
  });
}

/**
 * A random part per process and a counter: unique within the process and distinct across processes, and cheaper
 * than a random string per request (Math.random().toString(36) was 0.5 % of a pulse's time).
 */
function requestIds(): () => string {
  const base = randomBytes(4).toString('hex');
  let count = 0;
  return () => `${base}${(++count).toString(36)}`;
}

/** Creates and configures the API: main.ts and the tests both boot through here, so tests run what users run. */
export async function createApp(env: Env, logger: LogLevel[]): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), createAdapter(env), {
    logger,
    // Our own parsers (legacy-body.ts) read every body; Nest's JSON parser would answer bad JSON itself.
    bodyParser: false,
    abortOnError: false,
  });
  await configureApp(app, env);
  return app;
}

async function configureApp(app: NestFastifyApplication, env: Env): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const routes = app.get(RouteIndex);
  routes.watch(fastify);
  registerLegacyBodyParsers(fastify, env.bodyLimitBytes);
  // Every object a handler returns leaves in the watchTower envelope (§3.6). A Fastify serializer rather
  // than a Nest interceptor keeps rxjs off the hot path; errors arrive here already serialized.
  fastify.setReplySerializer((payload) => serializeEnvelope({ ...(payload as object), result: 200 }));
  // @fastify/cors itself rather than app.enableCors(): Nest's wrapper copies the headers onto the raw response
  // on every request (for middleware, which we have none of), 1 % of a pulse. First, so refusals carry them too.
  await fastify.register(cors, {
    origin: env.corsOrigins.includes('*') ? '*' : env.corsOrigins,
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['password', 'content-type'],
    optionsSuccessStatus: 204,
    // §3.2: OPTIONS answers 204 on every route; a strict preflight check would answer a bare OPTIONS (no
    // Origin or Access-Control-Request-Method) with a plain-text 400 instead
    strictPreflight: false,
  });
  fastify.addHook('onRequest', refuseMissingHost);
  app.get(EdgeHooks).install(fastify);
  timeAnswers(fastify, app.get(Metrics));
  installLingeringClose(fastify);
  const queues = Object.values(QUEUE).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  await mountBullBoard(fastify, queues, env.adminPassword, '/bullboard', app.get(AuthThrottle));
  if (env.role !== 'worker') {
    await fastify.register(async (scope) => mountPages(scope));
  }
  await app.init();
  logQueueErrors(app, queues, env.role === 'api' ? [] : WORKER_PROCESSORS);
}

/** The latency histogram by route pattern (never the raw URL: services in paths would explode the labels). */
function timeAnswers(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.http.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

/** Browser pages, each under security headers; the JSON routes stay without them (they cost every pulse bytes). */
async function mountPages(scope: FastifyInstance): Promise<void> {
  await scope.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // the console is served over plain HTTP in the quick start: HSTS only makes sense behind TLS
    strictTransportSecurity: false,
  });
  await mountConsole(scope);
  await mountApiDocs(scope);
}

/**
 * Queue and worker connection errors (Redis restarting, a lock lost after Redis lost its data) are
 * retried by BullMQ; a listener logs them once instead of letting Node treat 'error' as fatal or print
 * every reconnect attempt.
 */
function logQueueErrors(app: NestFastifyApplication, queues: Queue[], processors: typeof WORKER_PROCESSORS): void {
  const logger = new Logger('Queues');
  for (const queue of queues) {
    queue.on('error', (error: Error) => logger.debug(`${queue.name}: ${error.message}`));
  }
  for (const processor of processors) {
    app
      .get(processor, { strict: false })
      .worker.on('error', (error: Error) => logger.warn(`${processor.name}: ${error.message}`));
  }
}
