import { oneLine } from '../common/envelope.filter';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IncomingMessage, Server, STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthThrottle } from '../common/auth-throttle';
import { Clock } from '../common/clock';
import { Env } from '../config/env';
import { Agent } from '../database/entities';
import { EventsService } from '../events/events.service';
import { HeartbeatService } from '../heartbeat/heartbeat.service';
import { HostsService } from '../hosts/hosts.service';
import { IngestService } from '../ingest/ingest.service';
import { AgentConnection, ConnectionDeps } from './agent-connection';
import { AgentPresence } from './agent-presence';
import { AgentCommands } from './agents.commands';
import { AgentsRegistry } from './agents.registry';
import { AgentsService } from './agents.service';
import { clientAddress as trustedClientAddress, ProxyTrust, trustFunction } from '../common/client-address';

// A thin gateway of our own on `ws` (noServer mode on Fastify's HTTP server) rather than @nestjs/websockets:
// Nest's ws adapter completes the handshake before any guard runs, so a bad key could only be answered by
// accepting and then closing, while agent-protocol.md §2 wants a real `HTTP/1.1 401` and no WebSocket at all.
// Here the `upgrade` event is ours: path, throttle, TLS and key are checked on the raw request first.

export const AGENTS_WS_PATH = '/api/v1/agents/ws';
/** Larger frames close the socket with 1009 (agent-protocol.md §2). */
export const MAX_PAYLOAD = 1024 * 1024;
// Short enough that the randomly phased pings leave in small groups: at 10,000 sockets about 330 per tick,
// while a tick that pings nobody is a walk of the set (well under 1 ms).
const KEEPALIVE_TICK_MS = 1000;
const SHUTDOWN_GRACE_MS = 2000;

@Injectable()
export class AgentsGateway implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AgentsGateway.name);
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD, clientTracking: false });
  /** Every open socket, including those not yet past `hello`: the keepalive and shutdown walk these. */
  private readonly connections = new Set<AgentConnection>();
  private readonly deps: ConnectionDeps;
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly agents: AgentsService,
    private readonly throttle: AuthThrottle,
    private readonly registry: AgentsRegistry,
    private readonly commands: AgentCommands,
    private readonly clock: Clock,
    private readonly env: Env,
    ingest: IngestService,
    presence: AgentPresence,
    heartbeats: HeartbeatService,
    events: EventsService,
    hosts: HostsService,
  ) {
    this.deps = { ingest, presence, heartbeats, events, hosts, registry, clock };
  }

  onApplicationBootstrap(): void {
    if (this.env.role === 'worker') {
      return; // a worker listens on no port
    }
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.upgrade);
    this.timer = setInterval(() => this.keepalive(), KEEPALIVE_TICK_MS).unref();
  }

  /** Before the HTTP server closes: upgraded sockets would otherwise keep it open. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.server?.off('upgrade', this.upgrade);
    const open = [...this.connections];
    const closed = Promise.all(open.map(async (connection) => connection.closed));
    for (const connection of open) {
      connection.close(1001, 'server shutting down');
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)))]);
    clearTimeout(timer);
    for (const connection of this.connections) {
      connection.terminate();
    }
  }

  private keepalive(): void {
    const now = this.clock.nowMs();
    for (const connection of this.connections) {
      connection.keepalive(now);
    }
  }

  // an arrow, so the same function can be removed from the server again
  private readonly upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    this.authenticate(request, socket, head).catch((error: Error) => {
      this.logger.warn(`agent upgrade failed: ${error.message}`);
      refuse(socket, 503, 'unavailable, retry later', { 'Retry-After': '5' });
    });
  };

  private async authenticate(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if ((request.url ?? '').split('?')[0] !== AGENTS_WS_PATH) {
      refuse(socket, 404, 'not found');
      return;
    }
    if (this.stopping) {
      refuse(socket, 503, 'server shutting down', { 'Retry-After': '5' });
      return;
    }
    const address = clientAddress(request, this.env.trustProxy);
    const blocked = await this.throttle.blockedFor(address);
    if (blocked > 0) {
      refuse(socket, 429, 'too many failed authentications, retry later', { 'Retry-After': String(blocked) });
      return;
    }
    const protocol = isSecure(request, this.env.trustProxy) ? 'wss' : 'ws';
    if (protocol === 'ws' && this.env.agentsRequireTls) {
      refuse(socket, 426, 'this server accepts agents over wss only');
      return;
    }
    const key = bearerKey(request.headers.authorization);
    const agent = key === null ? null : await this.agents.verifyAgentKey(key);
    if (!agent) {
      await this.throttle.recordFailure(address);
      refuse(socket, 401, key === null ? 'missing Authorization: Bearer <agent key>' : 'invalid or revoked agent key');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => void this.connected(ws, agent, protocol));
  }

  private async connected(ws: WebSocket, agent: Agent, protocol: 'ws' | 'wss'): Promise<void> {
    const connection = new AgentConnection(agent, ws, protocol, this.deps);
    this.connections.add(connection);
    // the set entry goes first on close; the registry's identity-checked removal follows in the connection
    connection.start(() => this.connections.delete(connection));
    try {
      const displaced = await this.registry.register(connection, protocol);
      if (displaced) {
        await this.commands.replace(agent.id, displaced);
      }
    } catch (error) {
      this.logger.warn(`agent ${oneLine(agent.name)}: not registered (${(error as Error).message})`);
      connection.close(1013, 'registry unavailable, retry later');
    }
  }
}

/** `Authorization: Bearer <key>`; the key's own format is AgentsService's to judge. */
function bearerKey(header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match ? match[1] : null;
}

function firstForwarded(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim() || undefined;
}

/** The address the throttle counts, as Fastify's request.ip: only trusted proxies' X-Forwarded-For entries count. */
function clientAddress(request: IncomingMessage, trustProxy: ProxyTrust): string {
  return trustedClientAddress(request, trustFunction(trustProxy));
}

function isSecure(request: IncomingMessage, trustProxy: ProxyTrust): boolean {
  if ((request.socket as TLSSocket).encrypted) {
    return true;
  }
  const fromProxy = trustFunction(trustProxy)(request.socket.remoteAddress ?? '', 0);
  return fromProxy && firstForwarded(request.headers['x-forwarded-proto'])?.toLowerCase() === 'https';
}

/** A real HTTP response on the raw socket, then the socket is gone: no WebSocket is ever established. */
function refuse(socket: Duplex, status: number, error: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
  socket.once('finish', () => socket.destroy());
  setTimeout(() => socket.destroy(), 1000).unref();
}
