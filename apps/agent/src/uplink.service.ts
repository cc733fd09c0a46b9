import { AgentHealth, HostInfo } from '@lib/wire-format';
import { Backoff, RECONNECT_BACKOFF } from './backoff';
import { agentLogger } from './log';
import { SendQueue, QueuedSnapshot } from './send-queue';
import {
  byeMessage,
  fitBatch,
  helloMessage,
  ingestMessage,
  isRetryable,
  keptAfterAck,
  ServerMessage,
  ServerSettings,
} from './uplink.messages';
import { sleep, Timers } from './timers';
import { describeEnd, FATAL_CLOSES, SOCKET_TIMING, SocketEnd, SocketTiming, UplinkSocket } from './uplink.socket';

/** A server that takes longer than this to acknowledge a batch is treated as a dead connection. */
const ACK_TIMEOUT_MS = 60_000;
const LOG_EVERY_MS = 60_000;

export interface UplinkOptions {
  url: string;
  key: string;
  agentVersion: string;
  batchMax: number;
  queue: SendQueue;
  hostInfo(): Promise<HostInfo>;
  /** The figures of the latest collection cycle. */
  health(): Pick<AgentHealth, 'collectors_ok' | 'packet_capture'>;
  settings(settings: ServerSettings): void;
  reportNow(): void;
  /** The server said never to come back (4001, 4003): the line to print before exiting non-zero. */
  fatal(line: string): void;
  random?: () => number;
  timing?: SocketTiming;
}

type State = 'connecting' | 'hello' | 'ready' | 'waiting' | 'stopped';

/**
 * The WebSocket uplink (agent-protocol.md §2-§4): hello/welcome, one `ingest` batch in flight, removal from the
 * queue only on its `ack`, reconnection with full-jitter backoff. Every handler does quick, synchronous work;
 * sending is scheduled with setImmediate so a large batch is never built inside the socket's read callback.
 */
export class Uplink {
  private readonly logger = agentLogger('Uplink');
  private readonly backoff: Backoff;
  /** Steps after a retryable `error` for a batch, so a struggling server is not hammered on a live socket. */
  private readonly retryBackoff: Backoff;
  private state: State = 'waiting';
  private socket: UplinkSocket | null = null;
  private connectedAt = 0;
  private inFlight: { id: string; batch: QueuedSnapshot[]; timer: NodeJS.Timeout } | null = null;
  private readonly timers = new Timers();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private sendScheduled = false;
  private draining = false;
  private nextId = 1;
  private lastLogged = new Map<string, number>();
  private whenClosed: (() => void) | null = null;

  constructor(private readonly options: UplinkOptions) {
    this.backoff = new Backoff({ ...RECONNECT_BACKOFF, random: options.random });
    this.retryBackoff = new Backoff({ ...RECONNECT_BACKOFF, random: options.random });
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  start(): void {
    this.connect();
  }

  /** A snapshot was queued: send it if nothing is in flight. */
  wake(): void {
    if (this.sendScheduled) {
      return;
    }
    this.sendScheduled = true;
    setImmediate(() => {
      this.sendScheduled = false;
      this.sendNext();
    });
  }

  /** Shutdown (wire-format.md §5.6): send, ignoring backoff, until the queue is empty or the deadline passes. */
  async drain(deadlineMs: number): Promise<void> {
    this.draining = true;
    this.timers.cancel(this.retryTimer);
    this.retryTimer = null;
    if (this.reconnectTimer !== null) {
      this.timers.cancel(this.reconnectTimer);
      this.connect();
    }
    this.wake();
    while (Date.now() < deadlineMs && (this.options.queue.depth > 0 || this.inFlight !== null)) {
      await sleep(Math.min(50, deadlineMs - Date.now()));
    }
  }

  /** `bye` {reason} if connected, then close and wait (briefly) for the server's close. */
  async stop(reason: string): Promise<void> {
    const wasReady = this.state === 'ready';
    this.state = 'stopped';
    this.timers.cancelAll();
    const socket = this.socket;
    if (socket === null) {
      return;
    }
    const closed = new Promise<void>((resolve) => (this.whenClosed = resolve));
    if (wasReady && socket.send(byeMessage(reason))) {
      // the server answers a bye by closing with 1000; closing first could cut the bye off in a proxy
      await Promise.race([closed, sleep(1000)]);
    }
    socket.close(1000, reason);
    await Promise.race([closed, sleep(1000)]);
    socket.terminate();
  }

  private connect(): void {
    this.reconnectTimer = null;
    this.state = 'connecting';
    this.socket = new UplinkSocket(
      this.options.url,
      this.options.key,
      {
        opened: () => this.opened(),
        message: (message) => this.received(message),
        unreadable: (text) =>
          this.rarely('unreadable', `ignored a message this agent does not understand: ${text.slice(0, 80)}`),
        ended: (end) => this.ended(end),
      },
      this.options.timing ?? SOCKET_TIMING,
    );
  }

  private opened(): void {
    this.state = 'hello';
    this.connectedAt = Date.now();
    const socket = this.socket;
    // the welcome must come within the handshake allowance too, or the server is stuck: dial again
    this.timers.after((this.options.timing ?? SOCKET_TIMING).handshakeMs, () => {
      if (this.socket === socket && this.state === 'hello') {
        this.logger.warn('no welcome from the server within the handshake timeout');
        socket?.terminate();
      }
    });
    this.options.hostInfo().then(
      (host) => {
        if (this.socket === socket && this.state === 'hello') {
          socket?.send(helloMessage(this.options.agentVersion, host));
        }
      },
      (error: unknown) => {
        this.logger.error(`cannot read this host's identity: ${String((error as Error)?.message ?? error)}`);
        socket?.terminate();
      },
    );
  }

  private received(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        if (this.state !== 'hello') {
          return;
        }
        this.state = 'ready';
        this.logger.log(`connected to ${this.options.url} as agent ${message.agent_id ?? '?'}`);
        this.options.settings(message.settings ?? {});
        this.wake();
        return;
      case 'ack':
        return this.acknowledged(message.id, message.results);
      case 'error':
        return this.refused(message.id, message.code, message.message);
      case 'settings_update':
        return this.options.settings(message.settings);
      case 'report_now':
        return this.options.reportNow();
    }
  }

  private acknowledged(id: string, results: Parameters<typeof keptAfterAck>[1]): void {
    const flight = this.inFlight;
    if (flight === null || flight.id !== id) {
      return;
    }
    this.settle();
    const kept = new Set(keptAfterAck(flight.batch, results));
    this.options.queue.remove(flight.batch.filter((entry) => !kept.has(entry)));
    const rejected = (results ?? []).filter((result) => result.status >= 400 && result.status < 500);
    if (rejected.length > 0) {
      this.rarely('rejected', `the server rejected ${rejected.length} snapshot(s): ${rejected[0].message ?? ''}`);
    }
    this.retryBackoff.reset();
    this.wake();
  }

  private refused(id: string | undefined, code: string, text: string): void {
    const flight = this.inFlight;
    if (flight === null || flight.id !== id) {
      this.rarely(`error ${code}`, `the server answered error ${code}: ${text}`);
      return;
    }
    this.settle();
    if (!isRetryable(code)) {
      // the server will never accept these bytes; keeping them would block the queue for good
      this.options.queue.remove(flight.batch);
      this.logger.warn(`the server refused a batch of ${flight.batch.length} (${code}: ${text}); dropped`);
      this.wake();
      return;
    }
    this.rarely(`error ${code}`, `the server could not take a batch (${code}: ${text}); will retry`);
    const delay = this.draining ? 0 : this.retryBackoff.next();
    this.retryTimer = this.timers.after(delay, () => {
      this.retryTimer = null;
      this.sendNext();
    });
  }

  private sendNext(): void {
    const { queue, batchMax } = this.options;
    if (this.state !== 'ready' || this.inFlight !== null || this.retryTimer !== null || queue.depth === 0) {
      return;
    }
    const id = `i${this.nextId++}`;
    const health = (): AgentHealth => ({
      ...this.options.health(),
      dropped_count: queue.dropped,
      queue_depth: queue.depth,
    });
    const fitted = fitBatch(queue.peek(batchMax), (batch) => ingestMessage(id, batch, health()));
    if ('tooLarge' in fitted) {
      queue.remove([fitted.tooLarge]);
      this.logger.warn(`dropped a snapshot of ${fitted.tooLarge.bytes} bytes: larger than a WebSocket frame may be`);
      return this.wake();
    }
    const socket = this.socket;
    if (socket === null || !socket.send(fitted.text)) {
      return;
    }
    const timer = this.timers.after(ACK_TIMEOUT_MS, () => {
      this.logger.warn(`no ack within ${ACK_TIMEOUT_MS / 1000} s; reconnecting`);
      socket.terminate();
    });
    this.inFlight = { id, batch: fitted.batch, timer };
  }

  /** The in-flight batch is answered or abandoned; its entries stay queued unless the caller removes them. */
  private settle(): void {
    if (this.inFlight !== null) {
      this.timers.cancel(this.inFlight.timer);
      this.inFlight = null;
    }
  }

  private ended(end: SocketEnd): void {
    this.settle();
    this.socket = null;
    if (this.state === 'stopped') {
      this.whenClosed?.();
      return;
    }
    const fatal = end.code === null ? undefined : FATAL_CLOSES[end.code];
    if (fatal !== undefined) {
      this.state = 'stopped';
      this.options.fatal(fatal);
      return;
    }
    this.backoff.ended(end.opened ? Date.now() - this.connectedAt : 0);
    const delay = this.draining ? Math.min(250, this.backoff.next()) : this.backoff.next();
    this.state = 'waiting';
    // one line per change of state: each failed attempt is one, and backoff spaces them out
    this.logger.warn(`${describeEnd(end, this.options.url)}; reconnecting in ${(delay / 1000).toFixed(1)} s`);
    this.reconnectTimer = this.timers.after(delay, () => this.connect());
  }

  /** A line that could repeat per message, printed at most once a minute per kind. */
  private rarely(kind: string, line: string): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(kind) ?? -Infinity) >= LOG_EVERY_MS) {
      this.lastLogged.set(kind, now);
      this.logger.warn(line);
    }
  }
}
