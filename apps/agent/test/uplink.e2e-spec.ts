import { setLogLevels } from '../src/log';
import { HostInfo } from '@lib/wire-format';
import { SendQueue } from '../src/send-queue';
import { Uplink } from '../src/uplink.service';
import { SocketTiming } from '../src/uplink.socket';
import { FakeGateway, TEST_KEY } from './fake-gateway';

const HOST: HostInfo = {
  host_id: '0b6f3d4e-8c1a-4f2b-9d3e-5a6b7c8d9e0f',
  hostname: 'web-1',
  os: 'Debian 13',
  kernel: '6.12.0',
  uptime_secs: 100,
  cpu_model: 'test cpu',
  cpu_cores: 2,
  memory_total_bytes: 1024,
};

/** A queued snapshot: the fake server reads only `timestamp`, and `pad` makes it as large as a test needs. */
const snapshot = (n: number, padBytes = 0): string =>
  JSON.stringify({ timestamp: `2026-12-01T20:00:${String(n).padStart(2, '0')}.000Z`, pad: 'x'.repeat(padBytes) });

describe(Uplink.name, () => {
  let gateway: FakeGateway;
  let uplink: Uplink;
  let queue: SendQueue;
  let fatal: string[];
  let settings: unknown[];
  let reportNow: number;

  const start = (queueMax = 100, batchMax = 50, timing?: SocketTiming): void => {
    queue = new SendQueue(queueMax);
    uplink = new Uplink({
      url: `${gateway.url}/api/v1/agents/ws`,
      key: TEST_KEY,
      agentVersion: 'watchtower-agent/test',
      batchMax,
      queue,
      hostInfo: async () => HOST,
      health: () => ({ collectors_ok: true, packet_capture: 'off' }),
      settings: (s) => settings.push(s),
      reportNow: () => reportNow++,
      fatal: (line) => fatal.push(line),
      // the first reconnect waits at most a few milliseconds
      random: () => 0.01,
      timing,
    });
    uplink.start();
  };
  const push = (...items: string[]): void => {
    items.forEach((item) => queue.push(item));
    uplink.wake();
  };

  beforeAll(() => setLogLevels(['error']));
  beforeEach(async () => {
    gateway = await FakeGateway.start();
    [fatal, settings, reportNow] = [[], [], 0];
  });
  afterEach(async () => {
    await uplink.stop('test over');
    await gateway.stop();
  });

  it('says hello first, applies the welcome and removes a batch only once acknowledged', async () => {
    gateway.onIngest = (_, n) => (n === 1 ? { silent: true } : { ack: true });
    start();
    push(snapshot(1), snapshot(2));
    const hello = await gateway.nth('hello');
    expect(gateway.received[0]).toBe(hello);
    expect(hello.message).toEqual({
      type: 'hello',
      schema_version: 1,
      agent_version: 'watchtower-agent/test',
      host: HOST,
    });
    await gateway.until(() => settings.length === 1, 'welcome settings');
    expect(settings[0]).toEqual({ interval_secs: 15, health_interval_secs: 30 });

    const first = await gateway.nth('ingest');
    expect(first.message).toMatchObject({
      id: expect.any(String),
      agent_health: { collectors_ok: true, dropped_count: 0, queue_depth: 2, packet_capture: 'off' },
    });
    expect((first.message.snapshots as unknown[]).length).toBe(2);
    // unanswered: both stay queued and nothing else is sent (one batch in flight)
    push(snapshot(3));
    expect(queue.depth).toBe(3);

    gateway.send({ type: 'ack', id: 'not-this-one', accepted: 2, rejected: 0, results: [] });
    gateway.send({ type: 'report_now' });
    await gateway.until(() => reportNow === 1, 'report_now');
    expect(queue.depth).toBe(3);
    expect(gateway.types().filter((t) => t.endsWith('ingest'))).toHaveLength(1);

    const results = [0, 1].map((index) => ({ index, status: 200, message: 'OK' }));
    gateway.send({ type: 'ack', id: first.message.id, accepted: 2, rejected: 0, results });
    const second = await gateway.nth('ingest', 2);
    expect(second.message.snapshots).toEqual([JSON.parse(snapshot(3))]);
    await gateway.until(() => queue.depth === 0, 'the third acknowledged');
  });

  it('resends a batch cut off by a dropped connection: nothing lost, nothing acknowledged twice', async () => {
    gateway.onIngest = (_, n) => (n === 1 ? { terminate: true } : { ack: true });
    start();
    push(snapshot(1), snapshot(2), snapshot(3));
    await gateway.nth('hello', 2);
    await gateway.until(() => queue.depth === 0, 'the queue to empty');
    push(snapshot(4));
    await gateway.until(() => gateway.stored.length === 4, 'four stored');
    expect(gateway.stored).toEqual(
      [snapshot(1), snapshot(2), snapshot(3), snapshot(4)].map((s) => JSON.parse(s).timestamp),
    );
    const ingests = gateway.received.filter((r) => r.message.type === 'ingest');
    expect(ingests.map((r) => r.connection)).toEqual([1, 2, 2]);
    expect(ingests[1].message.snapshots).toEqual(ingests[0].message.snapshots);
  });

  it('keeps snapshots the server could not store (status >= 500) and retries a retryable error', async () => {
    gateway.onIngest = (_, n) =>
      n === 1 ? { ack: true, statuses: [200, 500] } : n === 2 ? { error: 'unavailable' } : { ack: true };
    start();
    push(snapshot(1), snapshot(2));
    await gateway.until(() => gateway.stored.length === 2 && queue.depth === 0, 'both stored and acknowledged');
    const ingests = gateway.received.filter((r) => r.message.type === 'ingest').map((r) => r.message.snapshots);
    expect(ingests).toEqual([
      [JSON.parse(snapshot(1)), JSON.parse(snapshot(2))],
      [JSON.parse(snapshot(2))],
      [JSON.parse(snapshot(2))],
    ]);
    expect(queue.depth).toBe(0);
  });

  it('drops a batch the server will never accept (invalid) instead of blocking the queue', async () => {
    gateway.onIngest = (_, n) => (n === 1 ? { error: 'invalid' } : { ack: true });
    start(100, 1);
    push(snapshot(1), snapshot(2));
    await gateway.until(() => gateway.stored.length === 1 && queue.depth === 0, 'the second stored and acknowledged');
    expect(gateway.stored).toEqual([JSON.parse(snapshot(2)).timestamp]);
    expect(queue.depth).toBe(0);
  });

  it('drops the oldest when the queue is full and reports the count in agent_health', async () => {
    gateway.onIngest = (_, n) => (n === 1 ? { terminate: true } : { ack: true });
    start(2);
    push(snapshot(1));
    await gateway.nth('ingest');
    push(snapshot(2), snapshot(3), snapshot(4));
    const resent = await gateway.nth('ingest', 2);
    expect(resent.message.snapshots).toEqual([JSON.parse(snapshot(3)), JSON.parse(snapshot(4))]);
    expect(resent.message.agent_health).toMatchObject({ dropped_count: 2, queue_depth: 2 });
  });

  it('halves a batch until its message is under 1 MiB', async () => {
    start();
    // 5 x 300 kB: 1.5 MB in one message; halving gives 3 (900 kB) then 2
    push(...[1, 2, 3, 4, 5].map((n) => snapshot(n, 300_000)));
    await gateway.until(() => gateway.stored.length === 5, 'all five stored');
    const sizes = gateway.received
      .filter((r) => r.message.type === 'ingest')
      .map((r) => (r.message.snapshots as unknown[]).length);
    expect(sizes).toEqual([3, 2]);
  });

  it('stops for good on close 4001 (revoked), with a line saying so', async () => {
    start();
    await gateway.nth('hello');
    await gateway.until(() => uplink.ready, 'welcome');
    gateway.closeCurrent(4001, 'revoked');
    await gateway.until(() => fatal.length === 1, 'the fatal line');
    expect(fatal[0]).toContain('revoked');
    push(snapshot(1));
    // with random() = 0.01 a reconnect would be due within 10 ms: 300 ms is well past the moment it would dial
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gateway.types()).toEqual(['1:hello']);
  });

  it('pings, and reconnects when the server has been silent for the silence limit', async () => {
    start(100, 50, { handshakeMs: 5000, pingEveryMs: 100, silenceMs: 600 });
    await gateway.nth('hello');
    await gateway.until(() => uplink.ready, 'welcome');
    gateway.muteCurrent();
    const again = await gateway.nth('hello', 2);
    expect(again.connection).toBe(2);
  });

  it('retries with backoff after the server refused the key (401)', async () => {
    gateway.key = 'wt_ak_' + 'Z'.repeat(32);
    start();
    await gateway.until(() => gateway.refusedUpgrades.length >= 2, 'a second attempt');
    gateway.key = TEST_KEY;
    await gateway.nth('hello');
    expect(fatal).toEqual([]);
  });
});
