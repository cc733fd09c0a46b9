import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  /** Epoch milliseconds when the whole request had arrived. */
  at: number;
}

/**
 * One local HTTP server standing in for Pushover, webhooks and Slack: it records every request and
 * answers with whatever the test scripted for its path (default 200).
 */
export class FakeProviders {
  readonly received: Received[] = [];
  /** How long every answer waits after the request was recorded, so a sender can die with its request taken. */
  answerDelayMs = 0;
  private readonly scripts = new Map<string, (count: number) => number | 'hang'>();
  private server!: Server;
  url = '';

  static async start(): Promise<FakeProviders> {
    const fake = new FakeProviders();
    fake.server = createServer((req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** `answer(n)` gives the status of the n-th request (1-based) to `path`, or 'hang' to never answer. */
  script(path: string, answer: (count: number) => number | 'hang'): void {
    this.scripts.set(path, answer);
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      this.received.push({ path, headers: req.headers, raw, at: Date.now() });
      const status = this.scripts.get(path)?.(this.on(path).length) ?? 200;
      if (status === 'hang') {
        return;
      }
      const answer = (): void => {
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(status < 300 ? '{"status":1}' : '{"error":"scripted"}');
      };
      if (this.answerDelayMs > 0) {
        setTimeout(answer, this.answerDelayMs);
      } else {
        answer();
      }
    });
  }
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
export async function startSmtp(): Promise<{ url: string; mails: Mail[]; stop(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    stop: async () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
