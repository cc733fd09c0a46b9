import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import { basicAuthPassword, mountBullBoard } from './bullboard';

const PASSWORD = 'change me';
const REALM = 'Basic realm="Watchtower Bull Board", charset="UTF-8"';
const UNAUTHORIZED_BODY = '{"hint":"bull board needs the admin password","result":401}';

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}` };
}

const ADMIN = basic('admin', PASSWORD);

async function listen(fastify: FastifyInstance): Promise<string> {
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
}

describe(basicAuthPassword.name, () => {
  const encode = (credentials: string): string => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

  it('returns the password and ignores the user name', () => {
    expect(basicAuthPassword(encode('anyone:change me'))).toBe('change me');
    expect(basicAuthPassword(encode(':change me'))).toBe('change me');
  });

  it('keeps colons after the first one and decodes UTF-8', () => {
    expect(basicAuthPassword(encode('admin:a:b:c'))).toBe('a:b:c');
    expect(basicAuthPassword(encode('admin:pässwörd ✓'))).toBe('pässwörd ✓');
  });

  it('accepts the scheme in any case and an empty password', () => {
    expect(basicAuthPassword(`bAsIc ${Buffer.from('u:p').toString('base64')}`)).toBe('p');
    expect(basicAuthPassword(encode('admin:'))).toBe('');
  });

  it('returns undefined for anything that is not basic credentials', () => {
    expect(basicAuthPassword(undefined)).toBeUndefined();
    expect(basicAuthPassword('')).toBeUndefined();
    expect(basicAuthPassword('Basic ')).toBeUndefined();
    expect(basicAuthPassword('Bearer abc.def')).toBeUndefined();
    expect(basicAuthPassword(encode('no colon'))).toBeUndefined();
    expect(basicAuthPassword('Basic not*base64')).toBeUndefined();
  });
});

describe(mountBullBoard.name, () => {
  const prefix = `bbtest-${randomBytes(6).toString('hex')}`;
  const connection = { host: '127.0.0.1', port: 6379 };
  const alerts = new Queue('alerts', { connection, prefix });
  const persistence = new Queue('persistence', { connection, prefix });
  let fastify: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    fastify = Fastify();
    // Like the API app: no default JSON parser, raw buffers for every content type at the root.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    fastify.get('/other', async () => ({ other: true }));
    fastify.post('/other', async (request) => ({ buffer: Buffer.isBuffer(request.body) }));
    await mountBullBoard(fastify, [alerts, persistence], PASSWORD);
    base = await listen(fastify);
  });

  afterAll(async () => {
    await fastify.close();
    for (const queue of [alerts, persistence]) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('answers 401 with a basic challenge without credentials', async () => {
    const res = await fetch(`${base}/bullboard`);

    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(REALM);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe(UNAUTHORIZED_BODY);
  });

  it('answers 401 to a wrong password or a non-basic scheme', async () => {
    for (const headers of [basic('admin', 'wrong'), basic('admin', ''), { authorization: 'Bearer change me' }]) {
      const res = await fetch(`${base}/bullboard/`, { headers });

      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(REALM);
    }
  });

  it.each(['/bullboard', '/bullboard/', '/bullboard/queue/alerts'])(
    'serves the HTML at %s with any user name',
    async (path) => {
      const res = await fetch(`${base}${path}`, { headers: basic('whoever', PASSWORD) });

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<base href="/bullboard/" />');
    },
  );

  it('guards the static assets', async () => {
    const path = `${base}/bullboard/static/favicon-32x32.png`;

    expect((await fetch(path)).status).toBe(401);
    const res = await fetch(path, { headers: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
  });

  it('guards the JSON API and lists every queue', async () => {
    const denied = await fetch(`${base}/bullboard/api/queues`);
    expect(denied.status).toBe(401);
    expect(await denied.text()).toBe(UNAUTHORIZED_BODY);

    const res = await fetch(`${base}/bullboard/api/queues`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(['alerts', 'persistence']);
  });

  it('parses a JSON POST body despite the root catch-all parser', async () => {
    const res = await fetch(`${base}/bullboard/api/queues/alerts/add`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'probe', data: { service: 'db' } }),
    });

    expect(res.status).toBe(200);
    const [job] = await alerts.getJobs(['waiting']);
    expect(job).toMatchObject({ name: 'probe', data: { service: 'db' } });
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await fetch(`${base}/bullboard/api/queues/alerts/add`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: '{"name":',
    });

    expect(res.status).toBe(400);
  });

  it('runs a PUT action only with credentials, with or without a JSON content type', async () => {
    const denied = await fetch(`${base}/bullboard/api/queues/persistence/pause`, { method: 'PUT' });
    expect(denied.status).toBe(401);
    expect(await persistence.isPaused()).toBe(false);

    // the UI sends bodiless actions without a content type; curl users often add one
    const paused = await fetch(`${base}/bullboard/api/queues/persistence/pause`, { method: 'PUT', headers: ADMIN });
    expect(paused.status).toBe(200);
    expect(await persistence.isPaused()).toBe(true);

    const resumed = await fetch(`${base}/bullboard/api/queues/persistence/resume`, {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': 'application/json' },
    });
    expect(resumed.status).toBe(200);
    expect(await persistence.isPaused()).toBe(false);
  });

  it('guards unknown paths under the base path before answering 404', async () => {
    expect((await fetch(`${base}/bullboard/nope`)).status).toBe(401);
    expect((await fetch(`${base}/bullboard/static/nope.js`)).status).toBe(401);
    expect((await fetch(`${base}/bullboard/nope`, { headers: ADMIN })).status).toBe(404);
  });

  it('leaves sibling routes and the root parsers alone', async () => {
    const get = await fetch(`${base}/other`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ other: true });

    const post = await fetch(`${base}/other`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await post.json()).toEqual({ buffer: true });
    expect((await fetch(`${base}/bullboardx`)).status).toBe(404);
  });

  describe('on an instance with the default parsers and a custom base path', () => {
    let plain: FastifyInstance;
    let plainBase: string;

    beforeAll(async () => {
      plain = Fastify();
      await mountBullBoard(plain, [alerts], PASSWORD, '/ops/queues/');
      plainBase = await listen(plain);
    });

    afterAll(async () => plain.close());

    it('serves the board under the normalized path and still parses JSON', async () => {
      const html = await fetch(`${plainBase}/ops/queues`, { headers: ADMIN });
      expect(html.status).toBe(200);
      expect(await html.text()).toContain('<base href="/ops/queues/" />');
      expect((await fetch(`${plainBase}/ops/queues/`)).status).toBe(401);

      const res = await fetch(`${plainBase}/ops/queues/api/queues/alerts/add`, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ name: 'second', data: {} }),
      });
      expect(res.status).toBe(200);
      expect((await alerts.getJobs(['waiting'])).map((job) => job.name)).toContain('second');
    });
  });

  it('refuses an empty password and a root base path', async () => {
    await expect(mountBullBoard(Fastify(), [], '')).rejects.toThrow('must not be empty');
    await expect(mountBullBoard(Fastify(), [], PASSWORD, '/')).rejects.toThrow('basePath');
    await expect(mountBullBoard(Fastify(), [], PASSWORD, 'bullboard')).rejects.toThrow('basePath');
  });
});
