import { createServer, Server as HttpServer } from 'node:http';
import { AddressInfo, connect, createServer as createTcpServer, Server, Socket } from 'node:net';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';
import { FakeProviders } from './providers';

/**
 * A TCP relay in front of the shared PostgreSQL that the test can cut: while cut, bytes in both directions are
 * held back (a partition: queries hang, as they do when a database host vanishes), and restoring delivers them,
 * so the shared server itself is never stopped and the connections survive the test.
 */
class PostgresRelay {
  private cut = false;
  private readonly held: (() => void)[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  static async start(databaseUrl: string): Promise<PostgresRelay> {
    const relay = new PostgresRelay();
    const target = new URL(databaseUrl);
    relay.server = createTcpServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        relay.sockets.add(from);
        from.on('data', (chunk: Buffer) => relay.forward(() => to.write(chunk)));
        from.on('error', () => to.destroy());
        from.on('close', () => {
          relay.sockets.delete(from);
          to.destroy();
        });
      }
    });
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    const url = new URL(databaseUrl);
    url.host = `127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
    relay.url = url.toString();
    return relay;
  }

  partition(): void {
    this.cut = true;
  }

  restore(): void {
    this.cut = false;
    this.held.splice(0).forEach((send) => send());
  }

  async stop(): Promise<void> {
    this.restore();
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => this.server.close(resolve));
  }

  private forward(send: () => void): void {
    if (this.cut) {
      this.held.push(send);
    } else {
      send();
    }
  }
}

/** A monitored site whose status the test sets. */
async function site(): Promise<{ server: HttpServer; url: string; setStatus(code: number): void }> {
  let status = 200;
  const server = createServer((_req, res) => res.writeHead(status).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, setStatus: (code) => (status = code) };
}

describe('alerts while PostgreSQL is unreachable', () => {
  let stores: TestStores;
  let relay: PostgresRelay;
  let fake: FakeProviders;
  let monitored: Awaited<ReturnType<typeof site>>;
  let app: TestApp;

  beforeAll(async () => {
    fake = await FakeProviders.start();
    monitored = await site();
    stores = await TestStores.create();
    relay = await PostgresRelay.start(stores.databaseUrl);
    app = await stores.start({
      DATABASE_URL: relay.url,
      ALERT_BACKOFF_MS: '50',
      HEARTBEAT_STARTUP_GRACE_SECONDS: '0',
      PINGS: JSON.stringify([
        { service: 'site', url: monitored.url, frequency: 5, alertType: 'webhook', alertTarget: `${fake.url}/ping` },
      ]),
    });
  }, 30_000);
  afterAll(async () => {
    relay.restore();
    await stores.destroy();
    await relay.stop();
    await fake.stop();
    monitored.server.close();
  });
  afterEach(() => relay.restore());

  it('delivers a death to a webhook without the recent events', async () => {
    await app.request('POST', '/event', { body: { service: 'db-less', message: 'kept in PostgreSQL', level: 1 } });
    relay.partition();
    const res = await app.request('POST', '/heartbeat', {
      body: { service: 'db-less', alertType: 'webhook', alertTarget: `${fake.url}/death`, nextIn: 1 },
    });
    expect(res.status).toBe(200);
    const [request] = await eventually(async () => {
      expect(fake.on('/death')).toHaveLength(1);
      return fake.on('/death');
    }, 15_000);
    const payload = JSON.parse(request.raw);
    expect(payload).toMatchObject({ kind: 'down', service: 'db-less', context: { nextIn: 1 } });
    expect(payload.context).not.toHaveProperty('recentEvents');
  }, 30_000);

  it('flips a URL monitor and alerts down, then up, with its state read from Redis', async () => {
    relay.partition();
    monitored.setStatus(500);
    const [down] = await eventually(async () => {
      expect(fake.on('/ping')).toHaveLength(1);
      return fake.on('/ping');
    }, 20_000);
    expect(JSON.parse(down.raw)).toMatchObject({ kind: 'down', title: 'Service site has not ponged' });
    const listed = await eventually(async () => {
      const ping = (await app.request('GET', '/pings')).json.pings[0];
      expect(ping.alerted).toBe(true);
      return ping;
    });
    expect(listed.lastPing).toBeGreaterThan(0);

    monitored.setStatus(200);
    const up = await eventually(async () => {
      expect(fake.on('/ping')).toHaveLength(2);
      return fake.on('/ping')[1];
    }, 20_000);
    expect(JSON.parse(up.raw)).toMatchObject({ kind: 'up', title: 'Service site is ponging again' });
    const jobs = (await allJobs(app.queue(QUEUE.alerts))).filter((job) => job.data.service === 'site');
    expect(jobs.map((job) => job.name).sort()).toEqual(['down', 'up']);

    // once PostgreSQL is back, the mirror catches up with the next attempt
    relay.restore();
    await eventually(async () => {
      const [row] = await app.sql(`SELECT alerted FROM ping_states WHERE service = 'site'`);
      expect(row.alerted).toBe(false);
    }, 15_000);
  }, 60_000);
});
