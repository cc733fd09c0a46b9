import { eventually, QUEUE, TestApp, TestStores } from './app';
import { PythonClient } from './clients';
import { allJobs, sleep, sleepUntil } from './jobs';

// The compatibility suite of watchtower-protocol.md §14, one test per case, against the real stack:
// CT-08 onwards (the clients' cases are in compat-clients.e2e-spec.ts).
describe('watchTower compatibility (§14): protocol cases', () => {
  let stores: TestStores;
  let app: TestApp;
  let python: PythonClient;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    python = new PythonClient(app.url, app.password);
  });
  afterAll(async () => stores.destroy());

  it('CT-08 serialization', async () => {
    const res = await app.request('POST', '/heartbeat', {
      body: { service: 'café ☕ 😀', alertType: 'log', alertTarget: 'ops', nextIn: 60 },
    });
    expect(res.status).toBe(200);
    expect(res.text.endsWith('\n')).toBe(true);
    expect(res.text.slice(0, -1)).not.toContain('\n');
    expect(res.text).toMatch(/^[\x20-\x7e]*\n$/);
    expect(res.text).toContain('"service":"caf\\u00e9 \\u2615 \\ud83d\\ude00"');
    expect(res.text).toMatch(
      /^\{"action":"pulse","heartBeat":\{"alertTarget":"ops","alertType":"log","alerted":false,"cancelled":false,"expected":\d+,"last":\d+,"nextIn":60,"service":"[^"]+"\},"result":200\}\n$/,
    );
    const one = await app.request('GET', `/heartbeat/${encodeURIComponent('café ☕ 😀')}`);
    expect(one.json.heartBeat.service).toBe('café ☕ 😀');
  });

  it('CT-09 content types', async () => {
    const body = JSON.stringify({ service: 'ct09', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
    for (const contentType of ['text/plain', null, 'application/octet-stream']) {
      const res = await app.request('POST', '/heartbeat', { raw: body, contentType });
      expect(res.status).toBe(200);
    }
    const form = await app.request('POST', '/heartbeat', {
      raw: 'service=ct09&alertType=log&alertTarget=ops&nextIn=60',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.json).toMatchObject({ result: 200, heartBeat: { nextIn: 60 } });
    const multipart = await app.request('POST', '/heartbeat', {
      raw: '--b\r\nContent-Disposition: form-data; name="service"\r\n\r\nx\r\n--b--\r\n',
      contentType: 'multipart/form-data; boundary=b',
    });
    expect(multipart.status).toBe(400);
    expect(multipart.text).toBe('{"hint":"unsupported content type","result":400}\n');
  });

  it('CT-10 deadline', async () => {
    const res = await app.request('POST', '/heartbeat', {
      body: { service: 'ct10', alertType: 'log', alertTarget: 'ops', nextIn: 3 },
    });
    const { expected } = res.json.heartBeat;
    const downJobs = async () =>
      (await allJobs(app.queue(QUEUE.alerts), 'down')).filter((j) => j.data.service === 'ct10');
    await sleepUntil(expected + 1, -150);
    expect(await downJobs()).toHaveLength(0);
    await sleepUntil(expected + 2);
    expect(await downJobs()).toHaveLength(1);
    await eventually(async () =>
      expect(await app.eventsOf('ct10')).toEqual([
        {
          message: expect.stringMatching(
            /^Service ct10 has not pulsed - The service ct10 is not pulsing since \d{8} \d\d:\d\d:\d\d$/,
          ),
          level: 0,
        },
      ]),
    );
    await sleep(1500);
    expect(await downJobs()).toHaveLength(1);
    expect((await app.request('GET', '/heartbeat/ct10')).json.heartBeat.alerted).toBe(true);
  });

  it('CT-11 recovery', async () => {
    const first = await app.request('POST', '/heartbeat', {
      body: { service: 'ct11', alertType: 'log', alertTarget: 'old', nextIn: 1 },
    });
    await sleepUntil(first.json.heartBeat.expected + 2);
    await eventually(async () =>
      expect((await app.request('GET', '/heartbeat/ct11')).json.heartBeat.alerted).toBe(true),
    );
    const again = await app.request('POST', '/heartbeat', {
      body: { service: 'ct11', alertType: 'log', alertTarget: 'new', nextIn: 60 },
    });
    expect(again.json.heartBeat.alerted).toBe(false);
    const up = await eventually(async () => {
      const jobs = (await allJobs(app.queue(QUEUE.alerts), 'up')).filter((j) => j.data.service === 'ct11');
      expect(jobs).toHaveLength(1);
      return jobs[0];
    });
    expect(up.data).toMatchObject({
      target: 'new',
      title: 'Service ct11 is pulsing again',
      body: 'The service ct11 is pulsing again',
    });
    await eventually(async () =>
      expect((await app.eventsOf('ct11')).map((e) => e.message)).toContain(
        'Service ct11 is pulsing again - The service ct11 is pulsing again',
      ),
    );
  });

  it('CT-13 unknown alert type', async () => {
    const res = await app.request('POST', '/heartbeat', {
      body: { service: 'ct13', alertType: 'mail2', alertTarget: 'x', nextIn: 60 },
    });
    expect(res.status).toBe(400);
    expect(res.text).toBe(
      '{"hint":"unknown alert type: mail2 (available: log, mail, pushover, slack, webhook)","result":400}\n',
    );
    expect((await app.request('GET', '/heartbeat/ct13')).status).toBe(404);
    const other = await app.request('POST', '/heartbeat', {
      body: { service: 'ct13-ok', alertType: 'log', alertTarget: 'x', nextIn: 1 },
    });
    await sleepUntil(other.json.heartBeat.expected + 2);
    await eventually(async () =>
      expect((await allJobs(app.queue(QUEUE.alerts), 'down')).filter((j) => j.data.service === 'ct13-ok')).toHaveLength(
        1,
      ),
    );
  });

  it('CT-14 event window', async () => {
    // 2026-11-22 00:00:00 in Paris is 2026-11-21 23:00:00 UTC.
    const midnight = Date.UTC(2026, 10, 21, 23, 0, 0) / 1000;
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert) VALUES
       ('ct14a', to_timestamp($1), 1, 'ct14', 'before', false), ('ct14b', to_timestamp($2), 1, 'ct14', 'after', false)`,
      [midnight - 1, midnight + 1],
    );
    const spanning = await python.events(midnight - 3600, midnight + 60, '^ct14$');
    expect(spanning.map((e) => e.message)).toEqual(['after', 'before']);
    const exact = await python.events(midnight - 1, midnight + 1, '^ct14$');
    expect(exact).toHaveLength(2);
    const iso = await app.request(
      'GET',
      `/events?service=ct14&from=2026-11-22T00:00:00%2B01:00&to=2026-11-21T23:00:01Z`,
    );
    expect(iso.json.events.map((e: { message: string }) => e.message)).toEqual(['after']);
  });

  it('CT-15 quoting', async () => {
    await python.add('ct15', '"starts with a quote', 1);
    await python.add('ct15', 'plain; with ;semicolons\nand a line', 1);
    await eventually(async () => expect(await python.events(null, null, '^ct15$')).toHaveLength(2));
    const listed = await python.events(null, null, '^ct15$');
    expect(listed.map((e) => e.message).sort()).toEqual([
      '"starts with a quote',
      'plain; with ;semicolons\nand a line',
    ]);
  });

  it('CT-16 regex', async () => {
    await app.sql(
      `INSERT INTO events (uid, date, level, service, message, alert) VALUES ('ct16', date_trunc('second', now()) - interval '1 second', 0, 'svcA', $1, false)`,
      ['a'.repeat(100_000) + '!'],
    );
    expect((await python.events(null, null, 'SVCA')).length).toBeGreaterThanOrEqual(1);
    for (const pattern of ['(a+)+$', '(.*a){20}', '(x+x+)+y']) {
      const started = Date.now();
      const res = await app.request('GET', `/events?message=${encodeURIComponent(pattern)}`);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    const bad = await app.request('GET', '/events?service=(a');
    expect(bad.status).toBe(400);
    expect(bad.json.hint).toMatch(/^invalid service regex: /);
  });

  it('CT-17 paging', async () => {
    for (let i = 0; i < 23; i++) {
      await python.add('ct17', `m${i}`, 1);
    }
    await eventually(async () => expect(await python.events(null, null, '^ct17$')).toHaveLength(23));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await app.request('GET', `/events?service=^ct17$&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.json.events.map((e: { message: string }) => e.message));
      cursor = res.json.next;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `m${22 - i}`));
  });

  it('CT-18 GET /', async () => {
    const anonymous = await app.request('GET', '/', { password: null });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('/gui');
    expect(anonymous.text).toBe('');
    const right = await app.request('GET', '/');
    expect(right.status).toBe(200);
    expect(right.text).toBe((await app.request('GET', '/heartbeats')).text);
    const wrong = await app.request('GET', '/', { password: 'nope' });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toBe('{"hint":"bad password","result":403}\n');
  });

  it('CT-19 aliases', async () => {
    const pulse = { service: 'ct19', alertType: 'log', alertTarget: 'ops', nextIn: 60 };
    const viaHeartbeat = await app.request('POST', '/heartbeat', { body: pulse });
    const viaRoot = await app.request('POST', '/', { body: pulse });
    expect(viaRoot.status).toBe(200);
    expect(viaRoot.json.heartBeat.service).toBe(viaHeartbeat.json.heartBeat.service);
    expect((await app.request('GET', '/get/ct19')).text).toBe((await app.request('GET', '/heartbeat/ct19')).text);
    expect((await app.request('GET', '/')).text).toBe((await app.request('GET', '/heartbeats')).text);
    expect((await app.request('GET', '/list-events?service=^test4$')).text).toBe(
      (await app.request('GET', '/events?service=^test4$')).text,
    );
    expect((await app.request('POST', '/add-event', { body: { service: 'ct19', message: 'm' } })).text).toBe(
      '{"result":200}\n',
    );
    expect((await app.request('DELETE', '/', { body: { service: 'ct19' } })).text).toBe(
      (await app.request('DELETE', '/heartbeat', { body: { service: 'ct19' } })).text,
    );
    for (const [method, path] of [
      ['POST', '/'],
      ['POST', '/heartbeat'],
      ['POST', '/add-event'],
      ['POST', '/event'],
    ]) {
      expect((await app.request(method, path, { body: {} })).text).toBe(
        '{"hint":"no service provided","result":400}\n',
      );
    }
  });

  it('CT-20 auth before body', async () => {
    const res = await app.request('POST', '/heartbeat', {
      password: 'nope',
      raw: '{"service": ',
      contentType: 'application/json',
    });
    expect(res.status).toBe(403);
    expect(res.text).toBe('{"hint":"bad password","result":403}\n');
  });
});
