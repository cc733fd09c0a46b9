import WebSocket from 'ws';
import { parseServerMessage, ServerMessage } from './uplink.messages';

export interface SocketTiming {
  /** The upgrade must complete within this (agent-protocol.md §2: 45 s). */
  handshakeMs: number;
  pingEveryMs: number;
  /** Nothing (data or pong) for this long and the connection is presumed dead. */
  silenceMs: number;
}

export const SOCKET_TIMING: SocketTiming = { handshakeMs: 45_000, pingEveryMs: 30_000, silenceMs: 90_000 };

/** How a connection ended, in the words of one log line. */
export interface SocketEnd {
  /** The WebSocket was established before it ended. */
  opened: boolean;
  /** The close code (1006 when the socket just died), or null when no WebSocket was ever established. */
  code: number | null;
  reason: string;
  /** The HTTP status of a refused upgrade (401, 426, 429, ...). */
  httpStatus?: number;
}

/** Close codes after which retrying cannot help (agent-protocol.md §2): the agent stops instead. */
export const FATAL_CLOSES: Record<number, string> = {
  4001: 'the server revoked this agent (close 4001): enroll it again and install the new key',
  4003: 'the server refused this protocol version (close 4003): upgrade the agent',
};

/** The reason a connection ended or never started, as `check` prints it and `run` logs it. */
export function describeEnd(end: SocketEnd, url: string): string {
  if (end.httpStatus === 401) {
    return 'the server refused the key (401)';
  }
  if (end.httpStatus === 426) {
    return 'the server requires TLS (426): use an https:// or wss:// server URL';
  }
  if (end.opened || end.code !== null) {
    return `disconnected (code ${end.code}${end.reason ? `: ${end.reason}` : ''})`;
  }
  return `connection to ${url} failed: ${end.reason}`;
}

export interface SocketHandlers {
  opened(): void;
  message(message: ServerMessage): void;
  /** Text this agent does not understand: counted, never fatal. */
  unreadable(text: string): void;
  ended(end: SocketEnd): void;
}

/**
 * One WebSocket to the gateway: the bearer key on the upgrade, the handshake timeout, the agent's own keepalive
 * and the single writer. Handlers are called synchronously from ws's callbacks and must only do quick work, so
 * the reader never waits behind a slow handler (patchmon-lessons.md §6).
 */
export class UplinkSocket {
  private readonly ws: WebSocket;
  private opened = false;
  private done = false;
  private lastHeard = Date.now();
  private lastPing = Date.now();
  private silent = false;
  private keepalive: NodeJS.Timeout | null = null;

  constructor(
    url: string,
    key: string,
    private readonly handlers: SocketHandlers,
    private readonly timing: SocketTiming = SOCKET_TIMING,
  ) {
    this.ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${key}` },
      handshakeTimeout: timing.handshakeMs,
      // the server's frames are small; refusing big ones keeps a confused peer from filling memory
      maxPayload: 1024 * 1024,
    });
    this.ws.on('unexpected-response', (request, response) => {
      request.destroy();
      response.resume();
      this.finish({
        opened: false,
        code: null,
        reason: `HTTP ${response.statusCode}`,
        httpStatus: response.statusCode,
      });
    });
    this.ws.on('open', () => {
      this.opened = true;
      this.heard();
      this.lastPing = Date.now();
      // checked often enough that silence is noticed within a tenth of its limit, pinged on its own period
      this.keepalive = setInterval(() => this.checkAlive(), Math.min(timing.pingEveryMs, timing.silenceMs / 10));
      this.keepalive.unref();
      handlers.opened();
    });
    this.ws.on('message', (data, isBinary) => {
      this.heard();
      const text = isBinary ? null : data.toString();
      const message = text === null ? null : parseServerMessage(text);
      if (message === null) {
        handlers.unreadable(text ?? '(binary frame)');
      } else {
        handlers.message(message);
      }
    });
    this.ws.on('pong', () => this.heard());
    this.ws.on('ping', () => this.heard());
    this.ws.on('error', (error) => {
      // after 'unexpected-response' ws may still report the aborted request; the first cause is the one logged
      if (!this.opened) {
        this.finish({ opened: false, code: null, reason: error.message });
      }
    });
    this.ws.on('close', (code, reason) =>
      this.finish({
        opened: this.opened,
        code,
        reason: this.silent ? `nothing heard for ${this.timing.silenceMs / 1000} s` : reason.toString(),
      }),
    );
  }

  get isOpen(): boolean {
    return this.opened && !this.done && this.ws.readyState === WebSocket.OPEN;
  }

  /** The one writer: ws keeps frames in call order, so no second queue is needed here. */
  send(text: string): boolean {
    if (!this.isOpen) {
      return false;
    }
    this.ws.send(text);
    return true;
  }

  close(code = 1000, reason = ''): void {
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.terminate();
    } else if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(code, reason);
    }
  }

  /** Drops the connection without a closing handshake (a dead peer would never answer it). */
  terminate(): void {
    this.ws.terminate();
  }

  private heard(): void {
    this.lastHeard = Date.now();
  }

  private checkAlive(): void {
    const now = Date.now();
    if (now - this.lastHeard >= this.timing.silenceMs) {
      this.silent = true;
      this.ws.terminate();
      return;
    }
    if (now - this.lastPing >= this.timing.pingEveryMs) {
      this.lastPing = now;
      this.ws.ping();
    }
  }

  private finish(end: SocketEnd): void {
    if (this.done) {
      return;
    }
    this.done = true;
    if (this.keepalive) {
      clearInterval(this.keepalive);
    }
    this.handlers.ended(end);
  }
}
