import { oneLine } from '../common/envelope.filter';
import { HostInfo, IngestEnvelope, IngestResponse, timestampToEpochMicros } from '@lib/wire-format';
import { releaseVersion } from '@lib/release';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RawData, WebSocket } from 'ws';
import { Clock } from '../common/clock';
import { HintedError, StoreUnavailableError } from '../common/hinted-error';
import { Agent } from '../database/entities';
import { EventsService } from '../events/events.service';
import { HeartbeatService } from '../heartbeat/heartbeat.service';
import type { HostsService } from '../hosts/hosts.service';
import type { IngestService } from '../ingest/ingest.service';
import { AgentMessage, MessageError, parseAgentMessage, SCHEMA_VERSION } from './agent-messages';
import type { AgentPresence } from './agent-presence';
import { AgentCommand, AgentsRegistry, LiveConnection } from './agents.registry';

/** What a connection calls; the gateway hands the same instances to every socket. */
export interface ConnectionDeps {
  ingest: IngestService;
  presence: AgentPresence;
  heartbeats: HeartbeatService;
  events: EventsService;
  hosts: HostsService;
  registry: AgentsRegistry;
  clock: Clock;
}

export const PING_EVERY_MS = 30_000;
export const SILENCE_LIMIT_MS = 75_000;
const ERROR_WINDOW_MS = 60_000;
const MAX_ERRORS = 10;
// Messages are handled one at a time, in order (a hello is done before the ingest behind it); a client that
// runs this far ahead of its acks is not reading them.
const MAX_QUEUED = 64;
const SERVER_VERSION = releaseVersion();

/** After `hello`: who the agent says it is. */
interface Session {
  agentVersion: string;
  host: HostInfo;
  hostId: string;
}

/**
 * One authenticated agent socket (agent-protocol.md §2-§3): reads frames, handles messages in order through
 * the services, and answers every failure with an `error` instead of throwing into `ws`.
 */
export class AgentConnection implements LiveConnection {
  readonly id = randomUUID();
  /** Settles when the socket has closed, however it ended. */
  readonly closed: Promise<void>;
  private readonly logger = new Logger('AgentsGateway');
  private session: Session | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private errors: number[] = [];
  private lastHeardMs: number;
  private lastPingMs: number;

  constructor(
    readonly agent: Agent,
    private readonly socket: WebSocket,
    readonly protocol: 'ws' | 'wss',
    private readonly deps: ConnectionDeps,
  ) {
    this.lastHeardMs = deps.clock.nowMs();
    // Each socket's ping phase is random: agents reconnecting together (a restart, a network blip) would
    // otherwise all be pinged, and all pong, in the same tick every 30 s, and 10,000 pings at once held the
    // event loop for about 100 ms (bench agents). The first ping comes within 30 s, every later one 30 s apart.
    this.lastPingMs = this.lastHeardMs - Math.floor(Math.random() * PING_EVERY_MS);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  get agentId(): string {
    return this.agent.id;
  }

  /** Wires the socket; `onClose` runs first on close, before any other teardown. */
  start(onClose: () => void): void {
    const heard = (): void => {
      this.lastHeardMs = this.deps.clock.nowMs();
    };
    this.socket.on('pong', heard);
    this.socket.on('ping', heard);
    this.socket.on('message', (data: RawData, isBinary: boolean) => this.receive(data, isBinary));
    // ws reports an oversized frame (then closes with 1009) or a broken peer here; the close follows
    this.socket.on('error', (error: Error) => this.logger.debug(`agent ${this.agent.name}: ${error.message}`));
    this.socket.once('close', () => {
      onClose();
      void this.deps.registry.remove(this);
    });
  }

  send(message: object): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * A settings change is stored before it is sent; this socket's copy of the agent follows it, so the presence
   * its ingests refresh keeps the new interval. A new interval moves the deadline at once, by a refresh (the only
   * way the heartbeat API moves one; the socket just took the command), queued behind the messages already
   * taken, so an ingest in flight cannot put the old deadline back.
   */
  command(command: AgentCommand): boolean {
    if (!this.send(command)) {
      return false;
    }
    if (command.type === 'settings_update') {
      this.agent.settings = { ...this.agent.settings, ...command.settings };
      if (command.settings.interval_secs !== undefined) {
        this.chain = this.chain.then(async () => this.presenceFollows());
      }
    }
    return true;
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Called by the gateway's timer: a ping every 30 s, termination after 75 s without a pong or a frame. */
  keepalive(nowMs: number): void {
    if (nowMs - this.lastHeardMs > SILENCE_LIMIT_MS) {
      this.logger.log(`agent ${oneLine(this.agent.name)}: silent for ${SILENCE_LIMIT_MS / 1000} s, terminated`);
      this.socket.terminate();
    } else if (nowMs - this.lastPingMs >= PING_EVERY_MS && this.socket.readyState === WebSocket.OPEN) {
      this.lastPingMs = nowMs;
      this.socket.ping();
    }
  }

  private receive(data: RawData, isBinary: boolean): void {
    this.lastHeardMs = this.deps.clock.nowMs();
    if (isBinary) {
      this.close(1003, 'binary frames are not accepted');
      return;
    }
    if (this.queued >= MAX_QUEUED) {
      this.close(1013, 'too many unanswered messages');
      return;
    }
    this.queued++;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    this.chain = this.chain.then(async () => {
      try {
        await this.handle(text);
      } catch (error) {
        this.failed(error);
      } finally {
        this.queued--;
      }
    });
  }

  private async handle(text: string): Promise<void> {
    const message = parseAgentMessage(text);
    if (message instanceof MessageError) {
      this.reject(message);
      return;
    }
    if (message.type === 'hello') {
      await this.hello(message);
      return;
    }
    if (this.session === null) {
      this.close(1008, 'hello must be the first message');
      return;
    }
    try {
      await this.dispatch(message, this.session);
    } catch (error) {
      this.failed(error, message.type === 'bye' ? undefined : message.id);
    }
  }

  // never throws: the chain carries on with the next message
  private async presenceFollows(): Promise<void> {
    // not after a bye or a revocation (the socket is closing) nor before hello, which refreshes it itself
    if (this.session === null || this.socket.readyState !== WebSocket.OPEN) {
      return;
    }
    try {
      await this.deps.presence.refresh(this.agent, this.session.host.hostname);
    } catch (error) {
      this.logger.warn(`agent ${oneLine(this.agent.name)}: presence not moved (${(error as Error).message})`);
    }
  }

  private async hello(message: Extract<AgentMessage, { type: 'hello' }>): Promise<void> {
    if (message.schemaVersion !== SCHEMA_VERSION) {
      this.close(4003, `protocol version ${SCHEMA_VERSION} only`);
      return;
    }
    const { hostId, settings } = await this.deps.ingest.hello(
      this.agent,
      { agent_version: message.agentVersion, host: message.host },
      { protocol: this.protocol },
    );
    this.session = { agentVersion: message.agentVersion, host: message.host, hostId };
    this.send({
      type: 'welcome',
      agent_id: this.agent.id,
      host_id: hostId,
      server_time: new Date(this.deps.clock.nowMs()).toISOString(),
      server_version: SERVER_VERSION,
      settings,
    });
    await this.deps.registry.update(this, { version: message.agentVersion, hostId });
  }

  private async dispatch(message: Exclude<AgentMessage, { type: 'hello' }>, session: Session): Promise<void> {
    switch (message.type) {
      case 'ingest': {
        const envelope: IngestEnvelope = {
          schema_version: SCHEMA_VERSION,
          agent_version: session.agentVersion,
          host: session.host,
          snapshots: message.snapshots,
          ...(message.agentHealth ? { agent_health: message.agentHealth } : {}),
        };
        // resolves only once the snapshots are durably queued: the ack is the agent's licence to drop them
        const response = await this.deps.ingest.ingest({ agent: this.agent }, envelope);
        this.send({ type: 'ack', id: message.id, ...response });
        const lastSnapshotAt = latestAccepted(message.snapshots, response);
        if (lastSnapshotAt !== null) {
          await this.deps.registry.update(this, { lastSnapshotAt });
        }
        return;
      }
      case 'pulse':
        await this.deps.heartbeats.pulse(message.pulse);
        // the service's down alert will carry this host's figures
        await this.deps.hosts.linkService(message.pulse.service, session.host.hostname);
        this.send({ type: 'ack', id: message.id, result: 200 });
        return;
      case 'event':
        await this.deps.events.add(message.event);
        this.send({ type: 'ack', id: message.id, result: 200 });
        return;
      case 'bye':
        await this.deps.presence.cancel(this.agent);
        this.close(1000, 'bye');
        return;
    }
  }

  /** Client mistakes count toward the limit: ten within a minute close the socket with 1008. */
  private reject(error: MessageError): void {
    this.send(error.toMessage());
    const now = this.deps.clock.nowMs();
    this.errors = this.errors.filter((at) => now - at < ERROR_WINDOW_MS);
    this.errors.push(now);
    if (this.errors.length >= MAX_ERRORS) {
      this.close(1008, `${MAX_ERRORS} errors within a minute`);
    }
  }

  // A store that did not answer is retryable and not the agent's fault; a service's refusal is; anything else
  // is our bug, logged with its stack and answered without detail.
  private failed(error: unknown, id?: string): void {
    if (error instanceof StoreUnavailableError || (error instanceof HintedError && error.status >= 500)) {
      this.send(new MessageError('unavailable', 'unavailable, retry later', id).toMessage());
    } else if (error instanceof HintedError) {
      this.reject(new MessageError('invalid', error.hint, id));
    } else {
      this.logger.error(`agent ${oneLine(this.agent.name)}: ${(error as Error)?.stack ?? String(error)}`);
      this.send(new MessageError('internal', 'internal error', id).toMessage());
    }
  }
}

/** The newest accepted snapshot's time in epoch seconds, for the registry's "last snapshot". */
function latestAccepted(snapshots: unknown[], response: IngestResponse): number | null {
  let latest: number | null = null;
  for (const result of response.results) {
    const timestamp = (snapshots[result.index] as { timestamp?: unknown } | undefined)?.timestamp;
    const micros = result.status === 200 && typeof timestamp === 'string' ? timestampToEpochMicros(timestamp) : null;
    if (micros !== null && (latest === null || micros > latest)) {
      latest = micros;
    }
  }
  return latest === null ? null : Math.floor(latest / 1_000_000);
}
