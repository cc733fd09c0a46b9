import { connect } from 'node:net';
import { TestApp, TestStores } from './app';

/**
 * Writes `head`, then `body` in paced chunks as a slow uplink would, then reads: like curl, the client looks
 * at the answer only once its request is out. Returns what the server sent, and the socket error if any.
 */
async function rawExchange(url: string, head: string, body: Buffer): Promise<{ text: string; error?: string }> {
  const { hostname, port } = new URL(url);
  // half-open allowed: the server's FIN must not stop this client's upload, as with real clients
  const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A reset (EPIPE, ECONNRESET) before the whole request is out is the bug: the client never reads the 413
  socket.on('error', (failure: NodeJS.ErrnoException) => (error ??= failure.code ?? failure.message));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const write = async (chunk: Buffer | string): Promise<void> =>
    new Promise((resolve) => socket.write(chunk, () => resolve()));
  await write(head);
  for (let offset = 0; offset < body.length && error === undefined && !socket.destroyed; offset += 65536) {
    await write(body.subarray(offset, offset + 65536));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  socket.end();
  await closed;
  return { text: Buffer.concat(chunks).toString('latin1'), error };
}

describe('transport limits: long paths and early errors (§3)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  it.each([
    ['255 ASCII characters', 's'.repeat(255)],
    ['255 emoji, 3060 characters once URL-encoded', '😀'.repeat(255)],
  ])('reaches a service of %s by path', async (_name, service) => {
    const pulse = await app.request('POST', '/heartbeat', {
      body: { service, nextIn: 60, alertType: 'log', alertTarget: 'ops' },
    });
    expect(pulse.status).toBe(200);
    const path = encodeURIComponent(service);

    const read = await app.request('GET', `/heartbeat/${path}`);
    expect([read.status, read.json.heartBeat?.service]).toEqual([200, service]);
    const removed = await app.request('DELETE', `/heartbeats/${path}`);
    expect(removed.status).toBe(200);
    expect((await app.request('GET', `/heartbeat/${path}`)).status).toBe(404);
  });

  it('lets a client that sends 3 MiB read the whole 413 before the connection closes', async () => {
    const body = Buffer.alloc(3 * 1048576, 'x');
    const head =
      `POST /event HTTP/1.1\r\nhost: 127.0.0.1\r\npassword: ${app.password}\r\n` +
      `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    for (let i = 0; i < 5; i++) {
      const { text, error } = await rawExchange(app.url, head, body);

      expect({ error, status: text.split('\r\n')[0] }).toEqual({
        error: undefined,
        status: 'HTTP/1.1 413 Payload Too Large',
      });
      expect(text.endsWith('\r\n\r\n{"hint":"request body too large","result":413}\n')).toBe(true);
    }
  });

  it('stops draining past 16 MiB without waiting for the time bound', async () => {
    const { hostname, port } = new URL(app.url);
    const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    socket.on('data', () => undefined);
    // a reset while the client still writes, or a plain close when the server read faster than its meter looked
    // (a loaded machine): either way the connection ends long before the 64 MiB announced were sent
    const cut = new Promise<number>((resolve) => {
      socket.once('error', () => resolve(Date.now()));
      socket.once('close', () => resolve(Date.now()));
    });
    socket.write(
      `POST /event HTTP/1.1\r\nhost: 127.0.0.1\r\npassword: ${app.password}\r\ncontent-length: ${64 * 1048576}\r\n\r\n`,
    );
    const sent = Date.now();
    const chunk = Buffer.alloc(1048576, 'x');
    const flood = async (): Promise<void> => {
      for (let i = 0; i < 63 && !socket.destroyed; i++) {
        await new Promise((resolve) => socket.write(chunk, resolve));
      }
    };
    void flood();
    try {
      expect((await cut) - sent).toBeLessThan(4000);
      // cut before the flood ended: 16 MiB plus what the loopback buffers and a late meter let through
      expect(socket.bytesWritten).toBeLessThan(63 * 1048576);
    } finally {
      socket.destroy();
    }
  });

  it('stops draining a client that announced more than it sends, within the linger bound', async () => {
    const { hostname, port } = new URL(app.url);
    const socket = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // the client trickles on; its writes fail once the server has stopped reading
    const reset = new Promise<number>((resolve) => socket.once('error', () => resolve(Date.now())));
    socket.write(
      `POST /event HTTP/1.1\r\nhost: 127.0.0.1\r\npassword: ${app.password}\r\ncontent-length: ${64 * 1048576}\r\n\r\n`,
    );
    const sent = Date.now();
    const trickle = setInterval(() => socket.write(Buffer.alloc(1024, 'x')), 100);
    try {
      const elapsed = (await reset) - sent;

      expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
      expect(elapsed).toBeGreaterThan(4000);
      expect(elapsed).toBeLessThan(8000);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });
});
