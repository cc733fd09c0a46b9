import { request as httpRequest } from 'node:http';
import { eventually, PASSWORD, TestApp, TestStores } from './app';

/** The session cookie's `name=value` out of a login answer. */
function cookieOf(setCookie: string | null): string {
  const pair = setCookie?.split(';')[0];
  if (!pair?.startsWith('wt_session=')) {
    throw new Error(`no session cookie in ${setCookie}`);
  }
  return pair;
}

describe('console sessions (docs/console-api.md)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '3' });
  });
  afterAll(async () => stores.destroy());

  const login = async (body: unknown) => app.request('POST', '/api/v1/session', { body, password: null });
  const withCookie = async (method: string, path: string, cookie: string, headers: Record<string, string> = {}) =>
    app.request(method, path, { password: null, headers: { cookie, ...headers } });

  it('exchanges the admin password for an HttpOnly, SameSite=Strict cookie that opens the API', async () => {
    expect((await login({})).json).toEqual({ hint: 'no password provided', result: 400 });
    expect((await login({ password: 'wrong' })).json).toEqual({ hint: 'bad password', result: 403 });
    const res = await login({ password: PASSWORD });
    expect(res.status).toBe(200);
    const expiresAt = res.json.expiresAt as number;
    expect(expiresAt - Date.now() / 1000).toBeGreaterThan(12 * 3600 - 60);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^wt_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect(setCookie).not.toContain(PASSWORD);
    const cookie = cookieOf(setCookie);

    expect((await withCookie('GET', '/api/v1/session', cookie)).json).toEqual({ expiresAt, result: 200 });
    expect((await withCookie('GET', '/api/v1/console/overview', cookie)).status).toBe(200);
    expect((await withCookie('GET', '/heartbeats', cookie)).status).toBe(200);
    expect((await withCookie('GET', '/api/v1/hosts', cookie)).status).toBe(200);
  });

  it('refuses a change carried by the cookie without the console own Origin', async () => {
    const cookie = cookieOf((await login({ password: PASSWORD })).headers.get('set-cookie'));
    const host = new URL(app.url).host;
    const body = JSON.stringify({ service: 'x', message: 'm' });
    const post = async (headers: Record<string, string>) =>
      app.request('POST', '/add-event', {
        raw: body,
        password: null,
        headers: { cookie, ...headers },
      });
    expect((await post({})).json).toEqual({ hint: 'cross-origin request refused', result: 403 });
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ origin: `http://${host}` })).status).toBe(200);
    // a GET that names a foreign origin is refused too (an EventSource from another page)
    expect((await withCookie('GET', '/heartbeats', cookie, { origin: 'http://evil.example' })).status).toBe(403);
  });

  it('logout ends the session on the server: the old cookie gets 401 afterwards', async () => {
    const cookie = cookieOf((await login({ password: PASSWORD })).headers.get('set-cookie'));
    const out = await withCookie('DELETE', '/api/v1/session', cookie);
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^wt_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await withCookie('GET', '/api/v1/session', cookie)).json).toEqual({ hint: 'no session', result: 401 });
    expect((await withCookie('GET', '/heartbeats', cookie)).json).toEqual({ hint: 'no session', result: 401 });
  });

  it('refuses a forged or malformed cookie', async () => {
    const real = cookieOf((await login({ password: PASSWORD })).headers.get('set-cookie'));
    const [id] = real.slice('wt_session='.length).split('.');
    for (const value of [`${id}.${'A'.repeat(43)}`, 'garbage', `${id}`, `${id}.x.y`]) {
      expect((await withCookie('GET', '/heartbeats', `wt_session=${value}`)).status).toBe(401);
    }
  });

  it('counts wrong login passwords in the shared throttle (then 429)', async () => {
    const fresh = await stores.start({ AUTH_FAILURES_PER_MINUTE: '2' });
    const attempt = async () => fresh.request('POST', '/api/v1/session', { body: { password: 'no' }, password: null });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await attempt()).status);
    }
    // the address may already have spent some of its budget in this file: at most two 403, then 429
    expect(statuses[statuses.length - 1]).toBe(429);
    expect(statuses.filter((status) => status === 403).length).toBeLessThanOrEqual(2);
  });
});

describe('console heartbeats, history and live stream', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ HEARTBEAT_STARTUP_GRACE_SECONDS: '0', HEARTBEAT_HISTORY: 'true' });
  });
  afterAll(async () => stores.destroy());

  const pulse = async (service: string, nextIn: number) =>
    expect(
      (await app.request('POST', '/', { body: { service, alertType: 'log', alertTarget: 'x', nextIn } })).status,
    ).toBe(200);
  const page = async (query: string) => {
    const res = await app.request('GET', `/api/v1/console/heartbeats?${query}`);
    expect(res.status).toBe(200);
    return res.json as { heartbeats: { service: string; state: string }[]; total: number; now: number };
  };

  it('pages, sorts, filters and searches the records in SQL, with their states', async () => {
    for (const service of ['web-a', 'web-b', 'db_1', 'db%2', 'cron']) {
      await pulse(service, 3600);
    }
    await pulse('gone', 1);
    expect((await app.request('DELETE', '/heartbeat', { body: { service: 'cron' } })).status).toBe(200);
    await eventually(async () => {
      const all = await page('');
      expect(all.heartbeats.map((h) => [h.service, h.state])).toEqual([
        ['cron', 'cancelled'],
        ['db%2', 'alive'],
        ['db_1', 'alive'],
        ['gone', 'dead'],
        ['web-a', 'alive'],
        ['web-b', 'alive'],
      ]);
    }, 10_000);
    expect((await page('state=dead')).heartbeats.map((h) => h.service)).toEqual(['gone']);
    expect((await page('q=WEB')).total).toBe(2);
    // LIKE wildcards in the search are literal
    expect((await page('q=%25')).heartbeats.map((h) => h.service)).toEqual(['db%2']);
    expect((await page('q=_')).heartbeats.map((h) => h.service)).toEqual(['db_1']);
    const sorted = await page('sort=state&dir=desc&limit=2');
    expect(sorted.total).toBe(6);
    expect(sorted.heartbeats.map((h) => h.state)).toEqual(['dead', 'alive']);
    const second = await page('sort=service&limit=2&offset=2');
    expect(second.heartbeats.map((h) => h.service)).toEqual(['db_1', 'gone']);
  });

  it.each([
    ['state=zombie', 'state must be one of alive, late, dead, cancelled'],
    ['sort=size', 'sort must be one of service, state, last, expected'],
    ['dir=up', 'dir must be one of asc, desc'],
    ['limit=0', 'limit must be 1 to 200'],
    ['limit=201', 'limit must be 1 to 200'],
    ['offset=-1', 'offset must be 0 to 1000000'],
    [`q=${'x'.repeat(256)}`, 'q must be 1 to 255 characters'],
  ])('refuses %s with a hint', async (query, hint) => {
    const res = await app.request('GET', `/api/v1/console/heartbeats?${query}`);
    expect(res.json).toEqual({ hint, result: 400 });
  });

  it('shows the last pulses and transitions of a service, newest first', async () => {
    await pulse('strip', 1);
    await eventually(async () => {
      const res = await app.request('GET', '/api/v1/console/heartbeats/strip/history');
      expect(res.json.history.map((h: { action: string }) => h.action)).toEqual(['alert', 'pulse']);
    }, 10_000);
  });

  it('streams what the worker committed as server-sent events', async () => {
    const url = new URL('/api/v1/console/stream', app.url);
    const received: string[] = [];
    const request = httpRequest(url, { headers: { password: PASSWORD } });
    const opened = new Promise<void>((resolve, reject) => {
      request.on('response', (response) => {
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => received.push(chunk));
        resolve();
      });
      request.on('error', reject);
    });
    request.end();
    await opened;
    try {
      await pulse('streamed', 3600);
      await eventually(() =>
        expect(received.join('')).toMatch(/event: heartbeats\ndata: \{"services":\["streamed"\]\}\n\n/),
      );
      expect((await app.request('POST', '/add-event', { body: { service: 's', message: 'm' } })).status).toBe(200);
      await eventually(() => expect(received.join('')).toMatch(/event: events\ndata: \{"count":1\}\n\n/));
    } finally {
      request.destroy();
    }
  });
});

describe('the console pages at /gui', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
  });
  afterAll(async () => stores.destroy());

  it('serves the page at /gui, /gui/ and /gui/app under a CSP without inline scripts; a missing file is 404', async () => {
    const entries = await Promise.all(
      ['/gui', '/gui/', '/gui/app'].map(async (path) => app.request('GET', path, { password: null })),
    );
    expect(entries.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(new Set(entries.map((res) => res.text)).size).toBe(1);
    const page = entries[1];
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await app.request('GET', '/gui/missing.js', { password: null })).json).toEqual({
      hint: 'not found',
      result: 404,
    });
    expect((await app.request('GET', '/gui/%2e%2e/package.json', { password: null })).status).toBe(404);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // no inline script in the page itself
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('keeps the JSON routes free of the page headers', async () => {
    const res = await app.request('GET', '/heartbeats');
    expect(res.headers.get('content-security-policy')).toBeNull();
  });
});
