// A scripted stand-in for the API's agent gateway (agent-protocol.md §2-§3): it is our own protocol, so a peer
// that answers as the spec says is a fair test partner for the agent. Loopback only.
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export const TEST_KEY = 'wt_ak_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6';

export interface Received {
  connection: number;
  message: Record<string, unknown> & { type: string };
}

/** What the server does with an `ingest`: ack it (the default), say nothing, answer an error, or hang up. */
export type IngestReply =
  { ack: true; statuses?: number[] } | { silent: true } | { error: string } | { terminate: true };

export class FakeGateway {
  readonly received: Received[] = [];
  readonly refusedUpgrades: number[] = [];
  /** Timestamps of the snapshots this server acknowledged as stored (status 200), in order. */
  readonly stored: string[] = [];
  onIngest: (message: Received['message'], ingestNumber: number) => IngestReply = () => ({ ack: true });
  welcome: Record<string, unknown> = { settings: { interval_secs: 15, health_interval_secs: 30 } };
  key = TEST_KEY;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private connections = 0;
  private ingests = 0;
  private current: WebSocket | null = null;
  private waiters: (() => void)[] = [];

  private constructor() {
    this.http = createServer((_, res) => res.writeHead(404).end());
    this.http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      if (request.url !== '/api/v1/agents/ws' || request.headers.authorization !== `Bearer ${this.key}`) {
        this.refusedUpgrades.push(401);
        const body = '{"error":"unknown or revoked agent key"}';
        socket.end(
          `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    });
  }

  static async start(): Promise<FakeGateway> {
    const gateway = new FakeGateway();
    await new Promise<void>((resolve) => gateway.http.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Resolves once `test` holds for what was received, re-checked after every message and refusal. */
  async until<T>(test: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = test();
      if (value !== undefined && value !== false) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.types())}`);
      }
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The n-th (1-based) message of a type, once it arrives. */
  async nth(type: string, n = 1): Promise<Received> {
    return this.until(() => this.received.filter((r) => r.message.type === type)[n - 1], `${type} #${n}`);
  }

  types(): string[] {
    return this.received.map((r) => `${r.connection}:${r.message.type}`);
  }

  send(message: Record<string, unknown>): void {
    this.current?.send(JSON.stringify(message));
  }

  /** Stops reading the current connection, so it answers nothing, not even a ping: a peer gone silent. */
  muteCurrent(): void {
    (this.current as unknown as { _socket: Socket } | null)?._socket.pause();
  }

  closeCurrent(code: number, reason = ''): void {
    this.current?.close(code, reason);
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) {
      client.terminate();
    }
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    const connection = ++this.connections;
    this.current = ws;
    // a client that hangs up mid-frame is part of the script, not a failure of the fake
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Received['message'];
      this.received.push({ connection, message });
      this.answer(ws, message);
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  private answer(ws: WebSocket, message: Received['message']): void {
    if (message.type === 'hello') {
      const host = message.host as { host_id: string };
      ws.send(
        JSON.stringify({
          type: 'welcome',
          agent_id: 'agent-1',
          host_id: host.host_id,
          server_time: new Date().toISOString(),
          ...this.welcome,
        }),
      );
    } else if (message.type === 'bye') {
      ws.close(1000, 'bye');
    } else if (message.type === 'ingest') {
      const reply = this.onIngest(message, ++this.ingests);
      const snapshots = message.snapshots as { timestamp: string }[];
      if ('terminate' in reply) {
        ws.terminate();
      } else if ('error' in reply) {
        ws.send(JSON.stringify({ type: 'error', id: message.id, code: reply.error, message: 'scripted' }));
      } else if ('ack' in reply) {
        const results = snapshots.map((s, index) => ({ index, status: reply.statuses?.[index] ?? 200, message: 'OK' }));
        results.forEach((r, index) => r.status === 200 && this.stored.push(snapshots[index].timestamp));
        const accepted = results.filter((r) => r.status === 200).length;
        ws.send(
          JSON.stringify({
            type: 'ack',
            id: message.id,
            accepted,
            rejected: snapshots.length - accepted,
            host_id: 'h',
            results,
          }),
        );
      }
    }
  }
}
