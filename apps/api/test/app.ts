import { getQueueToken } from '@nestjs/bullmq';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.setup';
import { QUEUE, QueueName } from '../src/common/queues';
import { Env } from '../src/config/env';
import { validateEnv } from '../src/config/env.table';
import { createDatabase, dropRedisPrefix, TEST_REDIS_URL, uniqueName } from './stores';

export const PASSWORD = 'change me';

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, any>;
}

export interface RequestOptions {
  password?: string | null;
  body?: unknown;
  /** Sent verbatim (with `contentType`), for malformed or form bodies. */
  raw?: string | Buffer;
  contentType?: string | null;
  headers?: Record<string, string>;
}

/** One API instance on the real stores, booted with the same setup as main.ts. */
export class TestApp {
  constructor(
    readonly app: NestFastifyApplication,
    readonly env: Env,
    readonly url: string,
  ) {}

  get password(): string {
    return this.env.password;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...options.headers };
    const password = options.password === undefined ? this.env.password : options.password;
    if (password !== null) {
      headers.password = password;
    }
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
    }
    const contentType =
      options.contentType === undefined && body !== undefined ? 'application/json' : options.contentType;
    if (contentType) {
      headers['content-type'] = contentType;
    }
    const response = await fetch(this.url + path, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    let json: Record<string, any> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON (redirects, HTML); tests look at `text`
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  async sql<T = Record<string, any>>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.app.get(DataSource).query(query, params);
  }

  /** A service's stored events in acceptance order, as the compatibility cases check them. */
  async eventsOf(service: string): Promise<{ message: string; level: number }[]> {
    return this.sql('SELECT message, level FROM events WHERE service = $1 ORDER BY id', [service]);
  }

  queue(name: QueueName): Queue {
    return this.app.get<Queue>(getQueueToken(name), { strict: false });
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

/** Polls until `check` returns without throwing (writes are queued, so tests wait instead of sleeping). */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export async function startApp(raw: Record<string, string>): Promise<TestApp> {
  const env = validateEnv(raw);
  const app = await createApp(env, ['error']);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return new TestApp(app, env, `http://127.0.0.1:${port}`);
}

/**
 * The stores of one test file: its own database and Redis prefix. `start` boots an API on them; call it
 * twice for two API processes sharing the stores, or again after `close` for a restart.
 */
export class TestStores {
  readonly apps: TestApp[] = [];

  private constructor(
    readonly databaseUrl: string,
    readonly redisPrefix: string,
    private readonly dropDatabase: () => Promise<void>,
  ) {}

  static async create(): Promise<TestStores> {
    const db = await createDatabase();
    return new TestStores(db.url, uniqueName('t'), db.drop);
  }

  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      WATCHTOWER_PASSWORD: PASSWORD,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: this.redisPrefix,
      LOG_LEVEL: 'error',
      ALERT_ALLOW_PRIVATE_TARGETS: 'true', // FakeProviders listens on loopback
      ...overrides,
    };
  }

  async start(overrides: Record<string, string> = {}): Promise<TestApp> {
    const app = await startApp(this.env(overrides));
    this.apps.push(app);
    return app;
  }

  async destroy(): Promise<void> {
    for (const app of this.apps) {
      await app.close().catch(() => undefined);
    }
    await dropRedisPrefix(this.redisPrefix);
    await this.dropDatabase();
  }
}

export { QUEUE };
