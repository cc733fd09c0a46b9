import { eventually, TestApp, TestStores } from './app';

// Every error path of the protocol answers its status, `result` and `hint`, and nothing reaches the stores.
describe('input validation (§5.2, §5.3, §5.7, §7)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ HEARTBEAT_MAX_SERVICES: '3', AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  const ok = { service: 'svcA', alertType: 'pushover', alertTarget: 'pushoverTargetID', nextIn: 60 };

  it.each<[string, Record<string, unknown>, string]>([
    ['no service', { alertType: 'pushover', alertTarget: 'x', nextIn: 60 }, 'no service provided'],
    ['empty service', { ...ok, service: '' }, 'no service provided'],
    ['no nextIn', { ...ok, nextIn: undefined }, 'no nextIn provided'],
    ['empty nextIn', { ...ok, nextIn: '' }, 'no nextIn provided'],
    ['no target', { ...ok, alertTarget: undefined }, 'no alert target provided'],
    ['no type', { ...ok, alertType: null }, 'no alert type provided'],
    ['object service', { ...ok, service: { a: 1 } }, 'service must be a string of 1 to 255 characters'],
    ['long service', { ...ok, service: 's'.repeat(256) }, 'service must be a string of 1 to 255 characters'],
    ['nextIn 0', { ...ok, nextIn: 0 }, 'nextIn must be a positive number'],
    ['nextIn -10', { ...ok, nextIn: -10 }, 'nextIn must be a positive number'],
    ['nextIn 0.5', { ...ok, nextIn: 0.5 }, 'nextIn must be a positive number'],
    ['nextIn true', { ...ok, nextIn: true }, 'nextIn must be a positive number'],
    ['nextIn abc', { ...ok, nextIn: 'abc' }, 'nextIn must be a positive number'],
    ['nextIn 1e3', { ...ok, nextIn: '1e3' }, 'nextIn must be a positive number'],
    ['nextIn over a year', { ...ok, nextIn: 31536001 }, 'nextIn must not exceed 31536000'],
    ['long target', { ...ok, alertTarget: 't'.repeat(1025) }, 'alert target must be a string of 1 to 1024 characters'],
    [
      'unknown type',
      { ...ok, alertType: 'mail2' },
      'unknown alert type: mail2 (available: log, mail, pushover, slack, webhook)',
    ],
    ['bad mail target', { ...ok, alertType: 'mail', alertTarget: 'not-an-address' }, 'invalid alert target for mail'],
    ['bad webhook target', { ...ok, alertType: 'webhook', alertTarget: 'ftp://x' }, 'invalid alert target for webhook'],
    [
      'bad slack target',
      { ...ok, alertType: 'slack', alertTarget: 'hooks.slack.com' },
      'invalid alert target for slack',
    ],
    ['repeatEvery too small', { ...ok, repeatEvery: 30 }, 'repeatEvery must be between 60 and 31536000'],
  ])('pulse: %s', async (_name, body, hint) => {
    const res = await app.request('POST', '/heartbeat', { body });
    expect(res.status).toBe(400);
    expect(res.text).toBe(JSON.stringify({ hint, result: 400 }) + '\n');
  });

  it('stores nothing for a refused pulse', async () => {
    await app.request('POST', '/heartbeat', { body: { ...ok, service: 'refused', nextIn: 0 } });
    expect((await app.request('GET', '/heartbeat/refused')).status).toBe(404);
  });

  it('accepts the numeric forms of nextIn and truncates them', async () => {
    for (const nextIn of [60, '60', 60.9, '60.5', ' 60 ']) {
      const res = await app.request('POST', '/heartbeat', { body: { ...ok, nextIn } });
      expect(res.json.heartBeat.nextIn).toBe(60);
    }
  });

  it('stores a numeric service name as text, reachable by its path', async () => {
    const res = await app.request('POST', '/heartbeat', { body: { ...ok, service: 42 } });
    expect(res.json.heartBeat.service).toBe('42');
    expect((await app.request('GET', '/heartbeat/42')).json.heartBeat.service).toBe('42');
  });

  it('enforces HEARTBEAT_MAX_SERVICES for new services only', async () => {
    await app.request('POST', '/heartbeat', { body: { ...ok, service: 'third' } });
    const res = await app.request('POST', '/heartbeat', { body: { ...ok, service: 'fourth' } });
    expect([res.status, res.json.hint]).toEqual([400, 'service limit reached (max 3)']);
    expect((await app.request('POST', '/heartbeat', { body: { ...ok, service: 'third' } })).status).toBe(200);
  });

  it('cancels idempotently and refuses a cancel without service', async () => {
    expect((await app.request('DELETE', '/heartbeat', { body: { service: 'never-pulsed' } })).text).toBe(
      '{"action":"cancel","heartBeat":"unknown","result":200}\n',
    );
    expect((await app.request('DELETE', '/heartbeat', { body: {} })).text).toBe(
      '{"hint":"no service provided","result":400}\n',
    );
  });

  it('answers 404 for an unknown service on lookup and delete', async () => {
    expect((await app.request('GET', '/heartbeat/ghost')).text).toBe('{"hint":"service not found","result":404}\n');
    expect((await app.request('DELETE', '/heartbeats/ghost')).text).toBe('{"hint":"service not found","result":404}\n');
  });

  it('deletes a record with its deadline, and a deleted service pulses back at the end of the list', async () => {
    await app.request('DELETE', '/heartbeats/42');
    await app.request('POST', '/heartbeat', { body: { ...ok, service: 'a/b' } });
    const deleted = await app.request('DELETE', `/heartbeats/${encodeURIComponent('svcA')}`);
    expect(deleted.json).toMatchObject({ action: 'delete', heartBeat: { service: 'svcA' } });
    await app.request('POST', '/heartbeat', { body: ok });
    const list = await app.request('GET', '/heartbeats');
    expect(list.json.heartBeats.map((h: { service: string }) => h.service)).toEqual(['third', 'a/b', 'svcA']);
    expect((await app.request('GET', '/heartbeat/a%2Fb')).json.heartBeat.service).toBe('a/b');
  });

  it('renders humanDates=1 in the display zone, and only for exactly "1"', async () => {
    const human = await app.request('GET', '/heartbeats?humanDates=1');
    expect(human.json.heartBeats[0].last).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const epoch = await app.request('GET', '/heartbeats?humanDates=true');
    expect(typeof epoch.json.heartBeats[0].last).toBe('number');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no service', { message: 'm' }, 'no service provided'],
    ['no message', { service: 's' }, 'no message provided'],
    ['null message', { service: 's', message: null }, 'no message provided'],
    ['object message', { service: 's', message: { a: 1 } }, 'message must be a string of at most 65536 characters'],
    [
      'long message',
      { service: 's', message: 'm'.repeat(65537) },
      'message must be a string of at most 65536 characters',
    ],
  ])('event: %s', async (_name, body, hint) => {
    const res = await app.request('POST', '/event', { body });
    expect([res.status, res.json.hint]).toEqual([400, hint]);
  });

  it.each<[string, string]>([
    ['from=yesterday', 'invalid from'],
    ['to=abc', 'invalid to'],
    ['level=high', 'invalid level'],
    ['limit=0', 'invalid limit'],
    ['limit=10001', 'invalid limit'],
    ['cursor=@@@', 'invalid cursor'],
    [`service=${'a'.repeat(257)}`, 'service regex too long (max 256)'],
    ['message=(?=x)', 'invalid message regex'],
  ])('events query: %s', async (query, hint) => {
    const res = await app.request('GET', `/events?${query}`);
    expect(res.status).toBe(400);
    expect(res.json.hint.startsWith(hint)).toBe(true);
  });

  it('coerces levels as §7.2 says', async () => {
    const levels: [unknown, number][] = [
      [4, 4],
      ['3', 3],
      [' 3 ', 3],
      [2.5, 0],
      ['warning', 0],
      [true, 0],
      [null, 0],
      [-2, -2],
      [4.0, 4],
      [2 ** 31, 0],
    ];
    for (const [i, [level]] of levels.entries()) {
      expect((await app.request('POST', '/event', { body: { service: `lvl${i}`, message: 'm', level } })).status).toBe(
        200,
      );
    }
    await eventually(async () => {
      const rows = await app.sql<{ service: string; level: number }>(
        `SELECT service, level FROM events WHERE service LIKE 'lvl%'`,
      );
      expect(Object.fromEntries(rows.map((r) => [r.service, r.level]))).toEqual(
        Object.fromEntries(levels.map(([, stored], i) => [`lvl${i}`, stored])),
      );
    });
  });
});
