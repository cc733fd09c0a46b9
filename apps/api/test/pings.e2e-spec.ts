import { createServer, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';

/** A local site whose status the test flips, standing in for the monitored URL. */
async function flakySite(): Promise<{ server: Server; url: string; setStatus(code: number): void; hits(): number }> {
  let status = 500;
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/' }).end();
      return;
    }
    res.writeHead(status).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, setStatus: (code) => (status = code), hits: () => hits };
}

/** A CONNECT proxy that counts the tunnels it opened. */
async function tunnelProxy(): Promise<{ server: Server; url: string; tunnels(): number }> {
  let tunnels = 0;
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, socket, head) => {
    tunnels++;
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, tunnels: () => tunnels };
}

describe('URL monitors (§9)', () => {
  let stores: TestStores;
  let app: TestApp;
  let site: Awaited<ReturnType<typeof flakySite>>;
  let proxy: Awaited<ReturnType<typeof tunnelProxy>>;

  beforeAll(async () => {
    site = await flakySite();
    proxy = await tunnelProxy();
    stores = await TestStores.create();
    app = await stores.start({
      PINGS: JSON.stringify([
        {
          service: 'site',
          url: site.url,
          frequency: 5,
          alertType: 'log',
          alertTarget: 'ops',
          login: 'bob',
          password: 'hunter2',
        },
        {
          service: 'via-proxy',
          url: `${site.url}/redirect`,
          frequency: 5,
          alertType: 'log',
          alertTarget: 'ops',
          proxyURL: proxy.url,
          method: 'head',
          expectedCode: 500,
        },
      ]),
    });
  });
  afterAll(async () => {
    await stores.destroy();
    site.server.close();
    proxy.server.close();
  });

  const jobsFor = async (name: string, service: string) =>
    (await allJobs(app.queue(QUEUE.alerts), name)).filter((job) => job.data.service === service);

  it('lists the monitors with the fourteen keys and never the password', async () => {
    const res = await app.request('GET', '/pings');
    expect(res.status).toBe(200);
    expect(res.json.pings).toHaveLength(2);
    const [first] = res.json.pings;
    expect(Object.keys(first).sort()).toEqual([
      'alertTarget',
      'alertType',
      'alerted',
      'expectedCode',
      'frequency',
      'lastPing',
      'lastPingSuccess',
      'login',
      'method',
      'password',
      'proxyURL',
      'service',
      'timeout',
      'url',
    ]);
    expect(first).toMatchObject({
      service: 'site',
      login: 'bob',
      password: null,
      proxyURL: null,
      method: 'get',
      timeout: 2,
    });
    expect(first.lastPingSuccess).toBeGreaterThan(0);
  });

  it('alerts once when a monitor fails, then sends a recovery notice when it answers again', async () => {
    const down = await eventually(async () => {
      const jobs = await jobsFor('down', 'site');
      expect(jobs).toHaveLength(1);
      return jobs[0];
    }, 12_000);
    expect(down.data.title).toBe('Service site has not ponged');
    expect(down.data.body).toMatch(/^The service site has not ponged since \d{8} \d\d:\d\d:\d\d$/);
    const listed = await eventually(async () => {
      const ping = (await app.request('GET', '/pings?humanDates=1')).json.pings[0];
      expect(ping.alerted).toBe(true);
      return ping;
    });
    expect(listed.lastPing).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    site.setStatus(200);
    const up = await eventually(async () => {
      const jobs = await jobsFor('up', 'site');
      expect(jobs).toHaveLength(1);
      return jobs[0];
    }, 12_000);
    expect(up.data.title).toBe('Service site is ponging again');
    expect(await jobsFor('down', 'site')).toHaveLength(1);
    await eventually(async () =>
      expect(
        (await app.sql(`SELECT message FROM events WHERE service = 'site' ORDER BY id`)).map((r) => r.message),
      ).toEqual([
        expect.stringMatching(/^Service site has not ponged - The service site has not ponged since /),
        'Service site is ponging again - The service site is ponging again',
      ]),
    );
  }, 30_000);

  it('goes through the proxy for http URLs too and follows redirects before comparing the status', async () => {
    // the redirect leads to "/", which answered 500 at first: that is this monitor's expectedCode
    await eventually(async () => expect(proxy.tunnels()).toBeGreaterThan(0), 12_000);
    const listed = (await app.request('GET', '/pings')).json.pings[1];
    expect(listed.lastPing).toBeGreaterThan(0);
  }, 20_000);
});
