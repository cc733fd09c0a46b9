import { WebSocket } from 'ws';
import { ANSWER_TIMEOUT_MS } from './http';

export const WS_PATH = '/api/v1/agents/ws';

/** What the server did after a frame: sent a message, or closed the connection. */
export type Outcome =
  { kind: 'message'; message: Record<string, any> } | { kind: 'close'; code: number; reason: string };

export function describeOutcome(outcome: Outcome): string {
  return outcome.kind === 'close'
    ? `close ${outcome.code} ${JSON.stringify(outcome.reason)}`
    : JSON.stringify(outcome.message).slice(0, 300);
}

/**
 * An agent socket read one outcome at a time, in arrival order; the close is the last outcome. Unlike the
 * suite's AgentSocket it keeps frames the server sends unparsed too: an answer that is not JSON is a finding.
 */
export class FuzzSocket {
  private readonly outcomes: Outcome[] = [];
  private taken = 0;
  private wake: (() => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    // a reset while the server closes (after an oversized frame) shows in the close code
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      let message: Record<string, any>;
      try {
        message = isBinary ? { unexpected: 'binary frame' } : JSON.parse(text);
      } catch {
        message = { unexpected: text.slice(0, 300) };
      }
      this.push({ kind: 'message', message });
    });
    ws.once('close', (code, reason) => this.push({ kind: 'close', code, reason: reason.toString() }));
  }

  static async open(origin: string, key: string): Promise<FuzzSocket> {
    const ws = new WebSocket(origin.replace(/^http/, 'ws') + WS_PATH, {
      headers: { authorization: `Bearer ${key}` },
      // the client must be able to send what the server refuses
      maxPayload: 0,
    });
    const socket = new FuzzSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused: ${response.statusCode}`)),
      );
      ws.once('error', reject);
    });
    return socket;
  }

  private push(outcome: Outcome): void {
    this.outcomes.push(outcome);
    this.wake?.();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next outcome; rejects when the server said nothing for ANSWER_TIMEOUT_MS (a hang is a finding). */
  async next(timeoutMs = ANSWER_TIMEOUT_MS): Promise<Outcome> {
    const deadline = Date.now() + timeoutMs;
    while (this.outcomes.length <= this.taken) {
      const closed = this.outcomes.at(-1)?.kind === 'close';
      if (closed) {
        return this.outcomes[this.outcomes.length - 1];
      }
      if (Date.now() > deadline) {
        throw new Error(`no answer within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.outcomes[this.taken++];
  }

  /** Sends a valid hello and returns the server's answer. */
  async hello(host: object): Promise<Outcome> {
    this.send(JSON.stringify({ type: 'hello', schema_version: 1, agent_version: 'watchtower-agent/1.0.0', host }));
    return this.next();
  }

  close(): void {
    this.ws.terminate();
  }
}
