import { connect } from 'node:net';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';

/** How long the server may take to answer one case before the case counts as a hang. */
export const ANSWER_TIMEOUT_MS = 10_000;

export interface FuzzRequest {
  method: string;
  /** Sent as is: undici only refuses characters outside 0x21-0xFF, so `%zz`, `..` and raw latin1 get through. */
  path: string;
  /** Name/value pairs, so a header can be repeated. */
  headers?: [string, string][];
  body?: string | Buffer | Readable;
}

export interface FuzzAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
  /** Final (not 1xx) status lines the server wrote on a raw socket: one request must get one. */
  statusLines?: number;
}

/** Keep-alive connections to one server, so 100k cases do not run out of ephemeral ports. */
export class FuzzClient {
  private readonly pool: Pool;

  constructor(readonly origin: string) {
    this.pool = new Pool(origin, {
      connections: 4,
      headersTimeout: ANSWER_TIMEOUT_MS,
      bodyTimeout: ANSWER_TIMEOUT_MS,
    });
  }

  /** Rejects on a timeout or a connection that ended without an answer: both are findings. */
  async send(request: FuzzRequest): Promise<FuzzAnswer> {
    const started = Date.now();
    const response = await this.pool.request({
      origin: this.origin,
      method: request.method,
      path: request.path,
      headers: (request.headers ?? []).flat(),
      body: request.body,
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text, ms: Date.now() - started };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/**
 * Bytes no HTTP client library would send (a bad request line, control characters, oversized heads), written
 * on a socket of their own; resolves with the status and body of the first answer once the server closes.
 */
export async function sendRaw(origin: string, bytes: Buffer): Promise<FuzzAnswer> {
  const { hostname, port } = new URL(origin);
  const started = Date.now();
  const socket = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`));
    }, ANSWER_TIMEOUT_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // a reset after the answer is the server's way of closing on a client that kept sending; checked below
    socket.on('error', () => undefined);
  });
  socket.end(bytes);
  await ended;
  const received = Buffer.concat(chunks).toString('latin1');
  // a `100 Continue` (expect: 100-continue) is an interim answer before the one that counts
  const all = received.replace(/^(?:HTTP\/1\.[01] 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
  const head = all.indexOf('\r\n\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(all);
  if (match === null || head < 0) {
    throw new Error(`no HTTP answer: ${JSON.stringify(all.slice(0, 200))}`);
  }
  const headers: Record<string, string> = {};
  for (const line of all.slice(0, head).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = all.slice(head + 4);
  if (headers['content-length'] !== undefined) {
    body = body.slice(0, Number(headers['content-length']));
  }
  return {
    status: Number(match[1]),
    headers,
    text: Buffer.from(body, 'latin1').toString('utf8'),
    ms: Date.now() - started,
    statusLines: all.match(/HTTP\/1\.[01] \d{3} /g)?.length ?? 0,
  };
}
