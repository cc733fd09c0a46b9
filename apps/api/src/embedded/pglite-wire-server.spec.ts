import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { serveWireProtocol } from './pglite-wire-server';
import { startPostgresInWorker, type InWorker } from './test/in-worker';

// just enough of the frontend protocol to split one client's extended query across two TCP writes
const frame = (type: string, body: Buffer): Buffer => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const cstr = (text: string): Buffer => Buffer.from(`${text}\0`);
const parse = (sql: string): Buffer => frame('P', Buffer.concat([cstr(''), cstr(sql), Buffer.alloc(2)]));
const bindExecuteSync = (): Buffer =>
  Buffer.concat([
    frame('B', Buffer.concat([cstr(''), cstr(''), Buffer.alloc(6)])), // no formats, no params, text results
    frame('E', Buffer.concat([cstr(''), Buffer.alloc(4)])),
    frame('S', Buffer.alloc(0)),
  ]);

interface RawClient {
  socket: Socket;
  received(): string;
}

const READY_IDLE = 'Z\0\0\0\x05I';
const READY_IN_TRANSACTION = 'Z\0\0\0\x05T';

async function until(client: RawClient, text: string): Promise<string> {
  for (let i = 0; i < 250 && !client.received().includes(text); i++) {
    await sleep(20);
  }
  return client.received();
}

async function rawClient(url: string): Promise<RawClient> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  const startup = Buffer.concat([Buffer.alloc(8), cstr('user'), cstr('postgres'), cstr('database'), cstr('postgres')]);
  const message = Buffer.concat([startup, Buffer.alloc(1)]);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(196608, 4); // protocol 3.0
  socket.write(message);
  const client = { socket, received: (): string => Buffer.concat(chunks).toString('latin1') };
  expect(await until(client, READY_IDLE)).toContain(READY_IDLE);
  chunks.length = 0;
  return client;
}

describe(serveWireProtocol.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'wt-wire-'));
  let pg: InWorker<{ url: string }>;
  let pool: Pool;

  beforeAll(async () => {
    pg = await startPostgresInWorker(dir);
    pool = new Pool({ connectionString: pg.result.url, max: 10 });
    await pool.query('CREATE TABLE items (id bigserial PRIMARY KEY, k int NOT NULL, body text NOT NULL)');
  });
  beforeEach(async () => pool.query('TRUNCATE items'));
  afterAll(async () => {
    await pool.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps another client out between one client's Parse and its Sync", async () => {
    const a = await rawClient(pg.result.url);
    const b = await rawClient(pg.result.url);
    a.socket.write(parse("SELECT 'from-a'"));
    await sleep(100);
    b.socket.write(Buffer.concat([parse("SELECT 'from-b', 2"), bindExecuteSync()]));
    await sleep(100);
    expect(b.received()).toBe(''); // b waits: PGlite has one unnamed statement, and it is a's
    a.socket.write(bindExecuteSync());
    expect(await until(a, READY_IDLE)).toContain('from-a');
    expect(await until(b, READY_IDLE)).toContain('from-b');
    a.socket.destroy();
    b.socket.destroy();
  });

  it('serves large multi-row inserts and small queries from a pool of 10 without mixing them up', async () => {
    // 1000 parameters of 400 bytes: the Bind spans several TCP reads, which broke PGLiteSocketServer
    const insert = async (k: number): Promise<number> => {
      const values = Array.from({ length: 500 }, (_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      const params = Array.from({ length: 500 }, (_, i) => [k, 'x'.repeat(400) + i]).flat();
      const res = await pool.query(`INSERT INTO items (k, body) VALUES ${values} RETURNING k`, params);
      return res.rows.filter((row: { k: number }) => row.k === k).length;
    };
    const select = async (i: number): Promise<number> => (await pool.query('SELECT $1::int AS v', [i])).rows[0].v;
    const results = await Promise.all(Array.from({ length: 100 }, async (_, i) => (i % 5 ? select(i) : insert(i))));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => (i % 5 ? i : 500)));
  });

  it('runs concurrent transactions one after the other, each seeing only committed rows', async () => {
    const transaction = async (k: number): Promise<boolean> => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const before = await client.query('SELECT count(*)::int AS n FROM items');
        await client.query('INSERT INTO items (k, body) VALUES ($1, $2)', [k, 'first']);
        await sleep(5 + (k % 3) * 5); // give other clients the chance to interleave, if they could
        await client.query('INSERT INTO items (k, body) VALUES ($1, $2)', [k, 'second']);
        const after = await client.query('SELECT count(*)::int AS n FROM items');
        await client.query(k % 4 === 0 ? 'ROLLBACK' : 'COMMIT');
        return after.rows[0].n === before.rows[0].n + 2;
      } finally {
        client.release();
      }
    };
    const isolated = await Promise.all(Array.from({ length: 20 }, async (_, k) => transaction(k)));
    expect(isolated.every(Boolean)).toBe(true);
    const groups = await pool.query('SELECT k, count(*)::int AS n FROM items GROUP BY k ORDER BY k');
    expect(groups.rows).toEqual(
      Array.from({ length: 20 }, (_, k) => k)
        .filter((k) => k % 4 !== 0)
        .map((k) => ({ k, n: 2 })),
    );
  });

  it('makes a second client wait while another holds a transaction (no MVCC across clients)', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      let answered = false;
      const other = pool.query('SELECT 1').then(() => (answered = true));
      await sleep(300);
      expect(answered).toBe(false); // code that awaits another client inside a transaction deadlocks
      await holder.query('COMMIT');
      await other;
      expect(answered).toBe(true);
    } finally {
      holder.release();
    }
  });

  it('rolls back the transaction of a client that disconnects in the middle of it', async () => {
    const a = await rawClient(pg.result.url);
    a.socket.write(frame('Q', cstr("BEGIN; INSERT INTO items (k, body) VALUES (1, 'orphan')")));
    expect(await until(a, READY_IN_TRANSACTION)).toContain('INSERT 0 1');
    a.socket.destroy();
    const rows = await pool.query('SELECT count(*)::int AS n FROM items');
    expect(rows.rows).toEqual([{ n: 0 }]);
  });
});
