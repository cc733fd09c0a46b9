// Test doubles for the channel specs. A folder named test/ stays out of the build (.swcrc excludes it).
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { Env } from '../../../config/env';
import { validateEnv } from '../../../config/env.table';
import { AlertJob } from '../../alerts.types';

/** 2026-11-21 23:35:24 in Paris (watchtower-protocol.md §5). */
export const NOW = 1795300524;

export function testEnv(overrides: Record<string, string> = {}): Env {
  return validateEnv({
    WATCHTOWER_PASSWORD: 'secret',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: 'redis://127.0.0.1:6379',
    PUBLIC_URL: 'https://watch.example.com',
    // the fakes listen on loopback
    ALERT_ALLOW_PRIVATE_TARGETS: 'true',
    ...overrides,
  });
}

/** The id AlertDelivery passes with an alert: its job's. */
export const DELIVERY_ID = 'down-3f9a0c1d';

/** A `down` alert as the deadline raises it, with every part of the context filled in. */
export function alertJob(overrides: Partial<AlertJob> = {}): AlertJob {
  return {
    kind: 'down',
    type: 'log',
    target: '',
    title: 'Service svcA has not pulsed',
    body: 'The service svcA is not pulsing since 20261121 23:34:19',
    service: 'svcA',
    date: NOW,
    context: {
      lastPulse: NOW - 65,
      lateBySeconds: 5,
      nextIn: 60,
      recentEvents: [{ date: NOW - 300, level: 3, message: 'disk almost full' }],
    },
    ...overrides,
  };
}

export interface Captured {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** What the fake answers every request with; 'hang' keeps the request open until stop(). */
export type Answer = { status: number; body?: string } | 'hang';

/** A real HTTP server on loopback standing in for Pushover, a webhook receiver or Slack. */
export class FakeHttp {
  readonly requests: Captured[] = [];
  answer: Answer = { status: 200, body: 'ok' };
  url = '';
  private readonly server = createServer((req, res) => this.handle(req, res));

  static async start(): Promise<FakeHttp> {
    const fake = new FakeHttp();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        raw: Buffer.concat(chunks),
      });
      if (this.answer !== 'hang') {
        res.writeHead(this.answer.status).end(this.answer.body ?? '');
      }
    });
  }
}

/** A loopback port nobody listens on, for connection-refused cases. */
export async function unusedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
