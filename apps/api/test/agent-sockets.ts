import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ClientOptions, WebSocket } from 'ws';
import { TestApp } from './app';

// Clients for the agent WebSocket gateway: a raw upgrade written by hand (to see the HTTP answer itself) and
// a real `ws` client that records every message and the close.

export const WS_PATH = '/api/v1/agents/ws';

// read as data: a test reaches a lib only through its alias, and the fixture is not part of the lib's API
const EXAMPLE = readFileSync(join(__dirname, '../../../libs/wire-format/test/fixtures/example.json'), 'utf8');

/** A fresh copy of the wire-format.md §3 request. */
function example(): Record<string, any> {
  return JSON.parse(EXAMPLE);
}

export async function enroll(app: TestApp, name = `a-${randomUUID()}`): Promise<{ id: string; key: string }> {
  const res = await app.request('POST', '/api/v1/agents', { body: { name, alertType: 'log', alertTarget: 'x' } });
  if (res.status !== 200) {
    throw new Error(`enroll: ${res.status} ${res.text}`);
  }
  return { id: res.json.agent.id, key: res.json.key };
}

/**
 * Writes an upgrade request on a plain TCP socket and resolves with everything the server sent: until it
 * closed, or up to the end of the head of a `101` (the test then hangs up itself).
 */
export async function rawUpgrade(app: TestApp, headers: string[], path = WS_PATH): Promise<string> {
  const { port } = new URL(app.url);
  const socket = connect(Number(port), '127.0.0.1');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...headers,
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(text);
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

export interface Closed {
  code: number;
  reason: string;
}

/** A connected agent socket: every message is kept, `next` awaits the first one of a type not yet taken. */
export class AgentSocket {
  readonly messages: Record<string, any>[] = [];
  readonly closed: Promise<Closed>;
  private taken = 0;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    // a reset while the server closes (an oversized frame) is an outcome the test reads from `closed`
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async open(
    app: TestApp,
    key: string,
    headers: Record<string, string> = {},
    options: ClientOptions = {},
  ): Promise<AgentSocket> {
    const ws = new WebSocket(app.url.replace(/^http/, 'ws') + WS_PATH, {
      ...options,
      headers: { authorization: `Bearer ${key}`, ...headers },
    });
    const socket = new AgentSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not yet returned, in arrival order; rejects if the socket closes first. */
  async next(timeoutMs = 5000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length <= this.taken) {
      if (this.ws.readyState === WebSocket.CLOSED || Date.now() > deadline) {
        throw new Error(`no message (readyState ${this.ws.readyState}); got ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 100);
      });
    }
    return this.messages[this.taken++];
  }

  async hello(host = newHost()): Promise<Record<string, any>> {
    this.send({ type: 'hello', schema_version: 1, agent_version: 'watchtower-agent/1.0.0', host });
    return this.next();
  }

  close(): void {
    this.ws.terminate();
  }
}

export interface Connected {
  id: string;
  socket: AgentSocket;
  host: Record<string, any>;
}

/** A new agent, connected and past `hello`. */
export async function connectAgent(app: TestApp): Promise<Connected> {
  const { id, key } = await enroll(app);
  const socket = await AgentSocket.open(app, key);
  const host = newHost();
  const welcome = await socket.hello(host);
  if (welcome.type !== 'welcome' || welcome.agent_id !== id || welcome.host_id !== host.host_id) {
    throw new Error(`no welcome: ${JSON.stringify(welcome)}`);
  }
  return { id, socket, host };
}

/** The §3 example's HostInfo under a host id and name of its own. */
export function newHost(): Record<string, any> {
  const id = randomUUID();
  return { ...example().host, host_id: id, hostname: `h-${id.slice(0, 8)}` };
}

/** The §3 example's snapshot, taken now: the server refuses snapshots beyond ±24 h. */
export function snapshotNow(offsetMs = 0): Record<string, any> {
  const snapshot = example().snapshots[0];
  return { ...snapshot, timestamp: new Date(Date.now() + offsetMs).toISOString() };
}
