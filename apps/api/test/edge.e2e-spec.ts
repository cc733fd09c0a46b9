import { TestApp, TestStores } from './app';

describe('transport edge: auth, limits, routing, CORS (§3)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    // The throttle is off here and exercised by its own instance in the last test.
    app = await stores.start({ BODY_LIMIT_BYTES: '2048', AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  it('answers 403 with a hint for a missing or wrong password, on every protected route', async () => {
    for (const [method, path] of [
      ['GET', '/hello'],
      ['POST', '/heartbeat'],
      ['DELETE', '/heartbeat'],
      ['GET', '/heartbeats'],
      ['GET', '/heartbeat/x'],
      ['GET', '/get/x'],
      ['POST', '/event'],
      ['GET', '/events'],
      ['GET', '/list-events'],
      ['POST', '/add-event'],
      ['GET', '/pings'],
      ['DELETE', '/heartbeats/x'],
    ]) {
      const missing = await app.request(method, path, { password: null, headers: { 'x-forwarded-for': 'ignored' } });
      expect([method, path, missing.status, missing.text]).toEqual([
        method,
        path,
        403,
        '{"hint":"missing password","result":403}\n',
      ]);
    }
  });

  it('accepts the header name in any case', async () => {
    const res = await fetch(`${app.url}/hello`, { headers: { PASSWORD: app.password } });
    expect(res.status).toBe(200);
  });

  it('answers /hello with the clock, presets and version', async () => {
    const res = await app.request('GET', '/hello');
    const now = Math.floor(Date.now() / 1000);
    expect(res.json).toEqual({ eventsPresets: [], result: 200, version: '1.4.0', world: expect.any(Number) });
    expect(Math.abs(res.json.world - now)).toBeLessThanOrEqual(1);
  });

  it('answers 404 for unknown paths and 405 with Allow for known paths', async () => {
    const unknown = await app.request('GET', '/nope', { password: null });
    expect([unknown.status, unknown.text]).toEqual([404, '{"hint":"not found","result":404}\n']);
    const wrongMethod = await app.request('PUT', '/heartbeat', { password: null });
    expect([wrongMethod.status, wrongMethod.text]).toEqual([405, '{"hint":"method not allowed","result":405}\n']);
    expect(wrongMethod.headers.get('allow')).toBe('DELETE, POST');
  });

  it('answers 413 for a body over the limit, after authentication', async () => {
    const big = JSON.stringify({ service: 's', message: 'x'.repeat(4096) });
    const res = await app.request('POST', '/event', { raw: big });
    expect([res.status, res.text]).toEqual([413, '{"hint":"request body too large","result":413}\n']);
    const unauthenticated = await app.request('POST', '/event', { raw: big, password: 'nope' });
    expect(unauthenticated.status).toBe(403);
  });

  it('rejects malformed bodies with the hints of §3.3', async () => {
    const cases: [string, string][] = [
      ['{"service":', 'invalid JSON body'],
      ['[1,2]', 'invalid body: expected a JSON object'],
      ['"text"', 'invalid body: expected a JSON object'],
      ['null', 'invalid body: expected a JSON object'],
      ['{"a":'.repeat(40) + '1' + '}'.repeat(40), 'invalid body: nesting too deep'],
    ];
    for (const [raw, hint] of cases) {
      const res = await app.request('POST', '/event', { raw });
      expect([raw.slice(0, 20), res.status, res.json.hint]).toEqual([raw.slice(0, 20), 400, hint]);
    }
    const invalidUtf8 = await app.request('POST', '/event', { raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(invalidUtf8.json.hint).toBe('invalid JSON body');
    const bom = await app.request('POST', '/event', { raw: '\ufeff{"service":"bom","message":"m"}' });
    expect(bom.status).toBe(200);
    const proto = await app.request('POST', '/event', { raw: '{"__proto__":{"x":1},"service":"p","message":"m"}' });
    expect(proto.status).toBe(200);
    const empty = await app.request('POST', '/event', { raw: '' });
    expect(empty.json).toEqual({ hint: 'no service provided', result: 400 });
  });

  it('reads JSON that curl -d labels as a form, and real forms as forms', async () => {
    const json = await app.request('POST', '/', {
      raw: '{"service":"curl","alertType":"log","alertTarget":"ops","nextIn":60}',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(json.json).toMatchObject({ result: 200, heartBeat: { service: 'curl', nextIn: 60 } });
    const form = await app.request('POST', '/', {
      raw: 'service=form&alertType=log&alertTarget=ops&nextIn=60&nextIn=61',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.json).toMatchObject({ result: 200, heartBeat: { service: 'form', nextIn: 61 } });
  });

  it('answers CORS preflights without authentication', async () => {
    const res = await fetch(`${app.url}/heartbeat`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'password, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(res.headers.get('access-control-allow-headers')).toContain('password');
    const simple = await app.request('GET', '/hello', { headers: { origin: 'https://example.org' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers HEAD for GET routes', async () => {
    const res = await fetch(`${app.url}/heartbeats`, { method: 'HEAD', headers: { password: app.password } });
    expect(res.status).toBe(200);
  });

  it('protects Bull Board with basic auth against the admin password', async () => {
    expect((await fetch(`${app.url}/bullboard`)).status).toBe(401);
    const basic = (password: string) => ({
      authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
    });
    expect((await fetch(`${app.url}/bullboard`, { headers: basic('nope') })).status).toBe(401);
    const page = await fetch(`${app.url}/bullboard`, { headers: basic(app.password) });
    expect(page.status).toBe(200);
    const queues = await fetch(`${app.url}/bullboard/api/queues`, { headers: basic(app.password) });
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['alerts', 'maintenance', 'persistence', 'pings']);
  });

  it('throttles an address after too many failed authentications, across requests with the right password', async () => {
    const throttled = await stores.start({ AUTH_FAILURES_PER_MINUTE: '5' });
    // The counter is per clock minute: start early enough in one.
    if (Date.now() % 60_000 > 50_000) {
      await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 100));
    }
    for (let i = 0; i < 5; i++) {
      expect((await throttled.request('GET', '/hello', { password: `wrong${i}` })).status).toBe(403);
    }
    const blocked = await throttled.request('GET', '/hello');
    expect(blocked.status).toBe(429);
    expect(blocked.json.hint).toBe('too many requests');
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});
