import fc from 'fast-check';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { example } from '../ingest-fixtures';
import { ADMIN_PASSWORD, FuzzServer, Memory, PASSWORD } from './fuzz-server';
import { FuzzClient, FuzzRequest, sendRaw } from './http';
import { judgeRaw, rawRequest } from './raw-cases';
import { agentPathCases, bullBoardCases, enrollCases, hostCases, ingestCases } from './agent-rest-cases';
import {
  addEventCases,
  cancelCases,
  heartbeatPathCases,
  listEventsCases,
  plainRouteCases,
  pulseCases,
  RestCase,
  Seeded,
} from './rest-cases';
import { describeMemory, expectBounded } from './memory';
import { fuzzParameters, Share, timeoutOf, totalRuns } from './runs';
import { answered, describeRequest, judge } from './verdicts';

// Issue 10, hostile input: every REST route, with and without its password, in every body encoding, answers
// below 500 and refuses with a hint; the process stays up and its memory bounded.
describe('fuzz: every REST route (issue 10, hostile input)', () => {
  let server: FuzzServer;
  let client: FuzzClient;
  let seeded: Seeded;
  let before: Memory;
  const slowest = { ms: 0, request: '' };
  const statuses = new Map<number, number>();

  const send = async (request: FuzzRequest): Promise<{ status: number; json: any }> => {
    const answer = await client.send(request);
    return { status: answer.status, json: JSON.parse(answer.text || '{}') };
  };

  const enroll = async (name: string): Promise<{ id: string; key: string }> => {
    const res = await send({
      method: 'POST',
      path: '/api/v1/agents',
      headers: [
        ['password', ADMIN_PASSWORD],
        ['content-type', 'application/json'],
      ],
      body: JSON.stringify({ name }),
    });
    return { id: res.json.agent.id, key: res.json.key };
  };

  const post = async (
    path: string,
    body: object,
    headers: [string, string][] = [['password', PASSWORD]],
  ): Promise<number> =>
    (
      await send({
        method: 'POST',
        path,
        headers: [...headers, ['content-type', 'application/json']],
        body: JSON.stringify(body),
      })
    ).status;

  beforeAll(async () => {
    server = await FuzzServer.start();
    client = new FuzzClient(server.url);
    const services = ['fz-seed', 'a/b', '😀', 's'.repeat(255), '42'];
    for (const service of services) {
      await post('/heartbeat', { service, nextIn: 3600, alertType: 'log', alertTarget: 'ops' });
    }
    // long values for the catastrophic patterns to chew on
    for (const message of ['a'.repeat(65_536), `${'x'.repeat(30_000)}y`, 'a'.repeat(1000) + '!']) {
      await post('/event', { service: 'a'.repeat(255), message, level: 3 });
    }
    const ingest = await enroll('fz-ingest');
    const revoked = await enroll('fz-revoked');
    await send({ method: 'DELETE', path: `/api/v1/agents/${revoked.id}`, headers: [['password', ADMIN_PASSWORD]] });
    const spare = [await enroll('fz-spare-1'), await enroll('fz-spare-2')];
    const request = example();
    request.snapshots[0].timestamp = new Date().toISOString();
    expect(await post('/api/v1/ingest', request, [['authorization', `Bearer ${ingest.key}`]])).toBe(200);
    seeded = {
      services,
      ingestKey: ingest.key,
      revokedKey: revoked.key,
      spareAgentIds: spare.map((agent) => agent.id),
      hostIds: [request.host.host_id],
    };
    before = await server.memory();
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  const check = async ({ surface, request, unrouted }: RestCase): Promise<void> => {
    const answer = await answered(
      async (r) => client.send(r),
      request,
      () => server.assertAlive(),
    );
    if (answer.ms > slowest.ms) {
      slowest.ms = answer.ms;
      slowest.request = describeRequest(request);
    }
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    judge(surface, request, answer, unrouted);
  };

  // a case prints as its request, clipped: fast-check would otherwise print 200,000-character bodies in full
  const printable = (arbitrary: fc.Arbitrary<RestCase>): fc.Arbitrary<RestCase> =>
    arbitrary.map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeRequest(c.request) }));

  const property = (share: Share, arbitrary: () => fc.Arbitrary<RestCase>): void => {
    it(
      `${share}: ${fuzzParameters(share).numRuns} cases`,
      async () => fc.assert(fc.asyncProperty(printable(arbitrary()), check), fuzzParameters(share)),
      timeoutOf(share),
    );
  };

  property('pulse', () => pulseCases(seeded));
  property('cancel', () => cancelCases(seeded));
  property('heartbeatPaths', () => heartbeatPathCases(seeded));
  property('addEvent', () => addEventCases(seeded));
  property('listEvents', () => listEventsCases());
  property('plainRoutes', () => plainRouteCases());
  property('enroll', () => enrollCases());
  property('agentPaths', () => agentPathCases(seeded));
  property('hosts', () => hostCases(seeded));
  property('ingest', () => ingestCases(seeded));
  property('bullBoard', () => bullBoardCases());

  it(
    `rawHttp: ${fuzzParameters('rawHttp').numRuns} malformed requests`,
    async () =>
      fc.assert(
        fc.asyncProperty(rawRequest, async (bytes) => {
          server.assertAlive();
          judgeRaw(bytes, await sendRaw(server.url, bytes));
        }),
        fuzzParameters('rawHttp'),
      ),
    timeoutOf('rawHttp'),
  );

  // A few, not thousands: each is 10 MB on the wire. Streamed bodies have no content-length, so the limit
  // is hit mid-body rather than read from the head.
  it.each<[string, string, [string, string][], boolean]>([
    ['POST', '/event', [['password', PASSWORD]], false],
    [
      'POST',
      '/heartbeat',
      [
        ['password', PASSWORD],
        ['content-type', 'application/x-www-form-urlencoded'],
      ],
      true,
    ],
    ['POST', '/api/v1/agents', [['password', ADMIN_PASSWORD]], false],
    ['POST', '/api/v1/ingest', [['content-type', 'application/json']], true],
    ['DELETE', '/heartbeat', [['password', 'wrong']], false],
    ['POST', '/bullboard/api/queues/alerts/add', [['content-type', 'application/json']], false],
  ])('a 10 MB body on %s %s is refused early with a hint', async (method, path, headers, streamed) => {
    const ingest =
      path === '/api/v1/ingest' ? [['authorization', `Bearer ${seeded.ingestKey}`] as [string, string]] : [];
    const bytes = Buffer.alloc(10 * 1000 * 1000, 'a');
    const request: FuzzRequest = { method, path, headers: [...headers, ...ingest] };
    const body = streamed ? Readable.from([bytes.subarray(0, 5e6), bytes.subarray(5e6)]) : bytes;
    const answer = await answered(
      async (r) => client.send({ ...r, body }),
      request,
      () => server.assertAlive(),
    );
    expect(answer.status).toBeGreaterThanOrEqual(400);
    judge(
      path.startsWith('/api/v1/ingest') ? 'ingest' : path.startsWith('/bullboard') ? 'board' : 'envelope',
      request,
      answer,
    );
  });

  it('takes a client hanging up mid-body for what it is, not a store outage', async () => {
    for (const path of ['/event', '/api/v1/agents', '/nope']) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      const closed = new Promise((done) => socket.once('close', done));
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: fuzz\r\npassword: ${PASSWORD}\r\ncontent-length: 1000\r\n\r\n{"service":`,
      );
      await new Promise((done) => setTimeout(done, 100));
      socket.destroy();
      await closed;
    }
    // the server has seen the resets once it answers the next request on another connection
    expect((await client.send({ method: 'GET', path: '/health/live' })).status).toBe(200);
    await new Promise((done) => setTimeout(done, 200));
    expect(server.internalErrors()).toEqual([]);
  });

  it('stays up, and its memory stays bounded', async () => {
    const live = await client.send({ method: 'GET', path: '/health/live' });
    expect([live.status, live.text]).toEqual([200, '{"status":"up"}']);
    const ready = await client.send({ method: 'GET', path: '/health/ready' });
    expect([ready.status, ready.text]).toEqual([200, '{"status":"up"}']);
    const after = await server.memory();
    // read by `npm run fuzz` and the pull request's report
    console.log(
      `fuzz REST: ${totalRuns()} total runs; ${describeMemory(before, after)}; ` +
        `answers by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ` +
        `slowest answer ${slowest.ms} ms: ${slowest.request.slice(0, 200)}`,
    );
    expect(server.internalErrors()).toEqual([]);
    expectBounded(before, after);
  });
});
