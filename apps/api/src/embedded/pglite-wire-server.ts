import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

// Why not PGLiteSocketServer from @electric-sql/pglite-socket 0.2.17: its multiplexer switches clients between
// single protocol messages, and PGlite has one session, so one unnamed prepared statement. When a client's
// Parse and its Bind arrive in different TCP reads (any large multi-row INSERT), another client's Parse lands in
// between and the Bind meets the wrong statement ("bind message supplies 1000 parameters, but prepared
// statement "" requires 1", or silently the wrong table when the counts match). Here a client owns the engine
// from its first message until PGlite reports ReadyForQuery outside a transaction block.

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);
const READY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]); // ReadyForQuery, status 'I'

const AUTH_CLEARTEXT = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]); // AuthenticationCleartextPassword

export interface WireServerOptions {
  /**
   * Required of every client (cleartext password exchange: the server listens on loopback only, where only
   * root could read the exchange). Without it every client is trusted, as PGlite itself does.
   */
  password?: string;
}

export interface WireServer {
  port: number;
  close(): Promise<void>;
}

/** One owner at a time; the owner keeps the engine across messages until it releases it. */
class EngineGate {
  private owner: object | null = null;
  private waiters: Array<() => void> = [];

  async acquire(who: object): Promise<void> {
    while (this.owner !== null && this.owner !== who) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.owner = who;
  }

  owns(who: object): boolean {
    return this.owner === who;
  }

  release(who: object): void {
    if (this.owner !== who) {
      return;
    }
    this.owner = null;
    // wake everyone in arrival order; the first one takes the engine, the others queue again
    this.waiters.splice(0).forEach((wake) => wake());
  }
}

export async function serveWireProtocol(
  db: PGlite,
  host: string,
  log: (line: string) => void,
  { password }: WireServerOptions = {},
): Promise<WireServer> {
  const gate = new EngineGate();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    new WireConnection(db, gate, socket, log, password).attach();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // port 0: the OS picks a free port, so two instances (parallel test workers) never collide
    server.listen(0, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sockets.forEach((socket) => socket.destroy());
      await closed;
      // wait for the last owner's cleanup (rollback) before the caller closes PGlite
      const stopper = {};
      await gate.acquire(stopper);
    },
  };
}

class WireConnection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private pumping = false;
  private closed = false;
  /** The StartupMessage, held back until the password is checked; PGlite answers it (AuthenticationOk...). */
  private pendingStartup: Buffer | null = null;

  constructor(
    private readonly db: PGlite,
    private readonly gate: EngineGate,
    private readonly socket: Socket,
    private readonly log: (line: string) => void,
    private readonly password: string | undefined,
  ) {}

  attach(): void {
    this.socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      void this.pump();
    });
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      this.closed = true;
      void this.pump();
    });
  }

  // one loop per connection keeps its messages in order, whatever the TCP reads look like
  private async pump(): Promise<void> {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    try {
      for (let message = this.next(); message && !this.closed; message = this.next()) {
        await this.handle(message);
      }
      if (this.closed) {
        await this.abandon();
      }
    } catch (error) {
      this.log(`embedded PostgreSQL: dropping a client after an engine error: ${String(error)}`);
      this.socket.destroy();
      await this.abandon().catch(() => undefined); // the gate is released either way
    } finally {
      this.pumping = false;
    }
  }

  /** The next complete message, or null. Before startup, messages have no type byte. */
  private next(): Buffer | null {
    const header = this.started ? 1 : 0;
    if (this.buffer.length < header + 4) {
      return null;
    }
    const declared = this.buffer.readInt32BE(header);
    if (declared < 4) {
      this.socket.destroy(); // not PostgreSQL's protocol: never let a bad length stall the loop
      return null;
    }
    const length = header + declared;
    if (this.buffer.length < length) {
      return null;
    }
    const message = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return message;
  }

  private async handle(message: Buffer, authenticated = false): Promise<void> {
    const startup = !this.started || authenticated;
    if (startup && !authenticated) {
      const code = message.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSS_REQUEST) {
        this.socket.write('N'); // no TLS on loopback; the client goes on in clear text
        return;
      }
      if (code === CANCEL_REQUEST) {
        this.socket.destroy(); // PGlite cannot cancel a running query
        return;
      }
      this.started = true;
      if (this.password !== undefined) {
        this.pendingStartup = Buffer.from(message);
        this.socket.write(AUTH_CLEARTEXT);
        return;
      }
    }
    if (this.pendingStartup !== null) {
      await this.authenticate(message);
      return;
    }
    const type = startup ? '' : String.fromCharCode(message[0]);
    if (type === 'X') {
      this.socket.end(); // Terminate ends this client, not PGlite's single session
      return;
    }
    await this.gate.acquire(this);
    let tail = Buffer.alloc(0);
    await this.run(message, (data) => {
      tail = Buffer.concat([tail, Buffer.from(data.subarray(-READY_IDLE.length))]).subarray(-READY_IDLE.length);
      if (this.socket.writable) {
        this.socket.write(Buffer.from(data));
      }
    });
    // the engine is free for others only when it says so itself: ReadyForQuery, idle (no transaction block).
    // Not after a Parse or a Flush (extended query not synced), a BEGIN, or a COPY still waiting for data.
    if (tail.equals(READY_IDLE)) {
      this.gate.release(this);
    }
  }

  /** The client's PasswordMessage: the right password lets PGlite answer the startup; anything else ends it. */
  private async authenticate(message: Buffer): Promise<void> {
    const startup = this.pendingStartup as Buffer;
    this.pendingStartup = null;
    const given = message[0] === 0x70 ? message.subarray(5).toString('utf8').replace(/\0$/, '') : '';
    const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
    if (message[0] !== 0x70 || !timingSafeEqual(digest(given), digest(this.password as string))) {
      this.socket.end(errorResponse('28P01', 'password authentication failed'));
      this.closed = true;
      return;
    }
    await this.handle(startup, true);
  }

  private async run(message: Uint8Array, onRawData: (data: Uint8Array) => void): Promise<void> {
    await this.db.runExclusive(async () => this.db.execProtocolRawStream(message, { onRawData }));
  }

  /** A client left while owning the engine: end its half-sent extended query and roll back its transaction. */
  private async abandon(): Promise<void> {
    if (!this.gate.owns(this)) {
      return;
    }
    try {
      await this.run(SYNC, () => undefined);
      if (this.db.isInTransaction()) {
        await this.db.exec('ROLLBACK');
      }
    } finally {
      this.gate.release(this);
    }
  }
}

/** A FATAL ErrorResponse (the client reports its message and SQLSTATE). */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0`),
    Buffer.alloc(1), // end of fields
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}
