import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { agentsRevokedChannel } from '../src/agents/agents.commands';
import { AgentsService } from '../src/agents/agents.service';
import { AgentsRepository } from '../src/database/repositories';
import { TestApp, TestStores } from './app';
import { TEST_REDIS_URL } from './stores';

const KEY = /^wt_ak_[0-9A-Za-z]{32}$/;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('agent enrollment: POST/GET/DELETE /api/v1/agents (agent-protocol.md §1)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  async function enroll(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const res = await app.request('POST', '/api/v1/agents', { body });
    expect(res.status).toBe(200);
    return { id: res.json.agent.id, key: res.json.key };
  }

  async function listed(id: string): Promise<Record<string, any>> {
    const res = await app.request('GET', '/api/v1/agents');
    expect(res.status).toBe(200);
    return res.json.agents.find((agent: { id: string }) => agent.id === id);
  }

  /** Resolves with the first message on the revocation channel; subscribed before it returns. */
  async function revocations(): Promise<{ next: Promise<string>; close(): Promise<void> }> {
    const subscriber = new Redis(TEST_REDIS_URL);
    const next = new Promise<string>((resolve) => subscriber.once('message', (_channel, id: string) => resolve(id)));
    await subscriber.subscribe(agentsRevokedChannel(app.env.redisPrefix));
    return {
      next,
      close: async () => {
        await subscriber.quit();
      },
    };
  }

  it('enrolls an agent and shows its key once; only the digest and prefix are stored', async () => {
    const res = await app.request('POST', '/api/v1/agents', { body: { name: 'web-1' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      agent: { id: expect.any(String), name: 'web-1' },
      key: expect.any(String),
      result: 200,
    });
    const { id } = res.json.agent;
    const key: string = res.json.key;
    expect(key).toMatch(KEY);
    expect(res.text).toBe(`{"agent":{"id":"${id}","name":"web-1"},"key":"${key}","result":200}\n`);

    const rows = await app.sql('SELECT * FROM agents WHERE id = $1', [id]);
    expect(rows).toEqual([
      {
        id,
        name: 'web-1',
        key_prefix: key.slice(0, 14),
        key_digest: createHash('sha256').update(key).digest(),
        alert_type: null,
        alert_target: null,
        created_at: expect.any(Date),
        revoked_at: null,
        last_seen_at: null,
        settings: {},
      },
    ]);
    expect(Math.abs(rows[0].created_at.getTime() - Date.now())).toBeLessThan(5000);
    // nothing in the row holds the key itself
    expect(JSON.stringify(rows[0])).not.toContain(key.slice(14));
  });

  it('lists agents without any key material', async () => {
    const { id, key } = await enroll({ name: 'db-1', alertType: 'mail', alertTarget: 'ops@example.org' });
    const res = await app.request('GET', '/api/v1/agents');
    expect(res.status).toBe(200);
    expect(await listed(id)).toEqual({
      id,
      name: 'db-1',
      alertType: 'mail',
      alertTarget: 'ops@example.org',
      createdAt: expect.any(Number),
      revokedAt: null,
      lastSeenAt: null,
      connected: false,
      connection: null,
    });
    expect(Math.abs((await listed(id)).createdAt - Date.now() / 1000)).toBeLessThanOrEqual(5);
    const [row] = await app.sql<{ digest: string }>(
      `SELECT encode(key_digest, 'hex') AS digest FROM agents WHERE id = $1`,
      [id],
    );
    for (const secret of [key, key.slice(0, 14), key.slice(14), row.digest, '"key', 'digest', 'prefix']) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('takes a form body and a numeric name as text', async () => {
    const form = await app.request('POST', '/api/v1/agents', {
      raw: 'name=form-1',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect([form.status, form.json.agent?.name]).toEqual([200, 'form-1']);
    const numeric = await app.request('POST', '/api/v1/agents', { body: { name: 42 } });
    expect([numeric.status, numeric.json.agent?.name]).toEqual([200, '42']);
  });

  it('refuses a name already taken by a live agent with 409, and frees it on revoke', async () => {
    const { id } = await enroll({ name: 'twin' });
    const again = await app.request('POST', '/api/v1/agents', { body: { name: 'twin' } });
    expect([again.status, again.text]).toEqual([
      409,
      '{"hint":"agent name already taken: twin (revoke that agent first)","result":409}\n',
    ]);
    expect(await app.sql('SELECT id FROM agents WHERE name = $1', ['twin'])).toEqual([{ id }]);
    expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
    const replacement = await enroll({ name: 'twin' });
    expect(replacement.id).not.toBe(id);
  });

  it('tells a taken key prefix (drawn again) from a taken name (409)', async () => {
    const { key } = await enroll({ name: 'first-of-prefix' });
    const repository = app.app.get(AgentsRepository);
    const row = { keyDigest: Buffer.alloc(32), alertType: null, alertTarget: null, createdAt: new Date() };
    expect(await repository.insert({ ...row, name: 'other', keyPrefix: key.slice(0, 14) })).toBeNull();
    expect(await repository.nameTaken('other')).toBe(false);
    expect(await repository.nameTaken('first-of-prefix')).toBe(true);
    expect(await app.sql('SELECT name FROM agents WHERE name = $1', ['other'])).toEqual([]);
  });

  const AVAILABLE = '(available: log, mail, pushover, slack, webhook)';
  it.each<[string, Record<string, unknown>, string]>([
    ['no name', {}, 'no name provided'],
    ['empty name', { name: '' }, 'no name provided'],
    ['null name', { name: null }, 'no name provided'],
    ['object name', { name: { a: 1 } }, 'name must be a string of 1 to 255 characters'],
    ['boolean name', { name: true }, 'name must be a string of 1 to 255 characters'],
    ['long name', { name: 'n'.repeat(256) }, 'name must be a string of 1 to 255 characters'],
    [
      'type without target',
      { name: 'a', alertType: 'log' },
      'alertType and alertTarget go together: give both or neither',
    ],
    [
      'target without type',
      { name: 'a', alertTarget: 'x' },
      'alertType and alertTarget go together: give both or neither',
    ],
    ['unknown type', { name: 'a', alertType: 'sms', alertTarget: 'x' }, `unknown alert type: sms ${AVAILABLE}`],
    ['bad mail target', { name: 'a', alertType: 'mail', alertTarget: 'nope' }, 'invalid alert target for mail'],
    [
      'bad webhook target',
      { name: 'a', alertType: 'webhook', alertTarget: 'ftp://x' },
      'invalid alert target for webhook',
    ],
    [
      'long target',
      { name: 'a', alertType: 'log', alertTarget: 't'.repeat(1025) },
      'alert target must be a string of 1 to 1024 characters',
    ],
  ])('refuses %s with 400 and stores nothing', async (_name, body, hint) => {
    const before = await app.sql('SELECT count(*)::int AS n FROM agents');
    const res = await app.request('POST', '/api/v1/agents', { body });
    expect([res.status, res.text]).toEqual([400, JSON.stringify({ hint, result: 400 }) + '\n']);
    expect(await app.sql('SELECT count(*)::int AS n FROM agents')).toEqual(before);
  });

  it('keeps a 255-character name, counted in code points', async () => {
    const name = '😀'.repeat(255);
    const res = await app.request('POST', '/api/v1/agents', { body: { name } });
    expect([res.status, res.json.agent?.name]).toEqual([200, name]);
  });

  it('answers 403 for a missing or wrong password on every route, before reading the body', async () => {
    for (const [method, path] of [
      ['POST', '/api/v1/agents'],
      ['GET', '/api/v1/agents'],
      ['DELETE', `/api/v1/agents/${MISSING_ID}`],
    ]) {
      // a body that would fail parsing: the password is checked first (GET carries none)
      const raw = method === 'GET' ? undefined : '{bad json';
      const missing = await app.request(method, path, { password: null, raw });
      expect([method, missing.status, missing.text]).toEqual([
        method,
        403,
        '{"hint":"missing password","result":403}\n',
      ]);
      const wrong = await app.request(method, path, { password: 'wrong', raw });
      expect([method, wrong.status, wrong.text]).toEqual([method, 403, '{"hint":"bad password","result":403}\n']);
    }
  });

  it('revokes an agent: 200, listed with revokedAt, the id published on Redis; a second revoke is the same', async () => {
    const { id } = await enroll({ name: 'leaving', alertType: 'log', alertTarget: 'x' });
    const channel = await revocations();
    try {
      const res = await app.request('DELETE', `/api/v1/agents/${id.toUpperCase()}`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        action: 'revoke',
        agent: {
          id,
          name: 'leaving',
          alertType: 'log',
          alertTarget: 'x',
          createdAt: expect.any(Number),
          revokedAt: expect.any(Number),
          lastSeenAt: null,
          connected: false,
          connection: null,
        },
        result: 200,
      });
      await expect(channel.next).resolves.toBe(id);
      expect(res.json.agent.revokedAt).toBeGreaterThanOrEqual(res.json.agent.createdAt);
      expect(await listed(id)).toEqual(res.json.agent);
      // the row stays, so the agent's history keeps its owner
      expect(await app.sql('SELECT name FROM agents WHERE id = $1', [id])).toEqual([{ name: 'leaving' }]);
    } finally {
      await channel.close();
    }

    // idempotent: the first revokedAt is kept, and the revocation is published again for a retried DELETE
    const retry = await revocations();
    try {
      const first = await listed(id);
      const again = await app.request('DELETE', `/api/v1/agents/${id}`);
      expect([again.status, again.json.agent]).toEqual([200, first]);
      await expect(retry.next).resolves.toBe(id);
    } finally {
      await retry.close();
    }
  });

  it.each([
    ['unknown', MISSING_ID],
    ['malformed', 'not-a-uuid'],
    ['almost a uuid', '00000000-0000-4000-8000-00000000000g'],
    ['a uuid without dashes', '00000000000040008000000000000000'],
    ['a uuid with a tail', `${MISSING_ID}0`],
    ['quoted', encodeURIComponent("' OR 1=1 --")],
  ])('answers 404 for an %s id', async (_name, id) => {
    const res = await app.request('DELETE', `/api/v1/agents/${id}`);
    expect([res.status, res.text]).toEqual([404, '{"hint":"agent not found","result":404}\n']);
  });

  describe(`${AgentsService.name}.verifyAgentKey`, () => {
    let agents: AgentsService;
    beforeAll(() => (agents = app.app.get(AgentsService)));

    it("accepts a live agent's key and answers its agent", async () => {
      const { id, key } = await enroll({ name: 'verified' });
      expect(await agents.verifyAgentKey(key)).toMatchObject({ id, name: 'verified', revokedAt: null });
    });

    it("refuses a revoked agent's key", async () => {
      const { id, key } = await enroll({ name: 'revoked-key' });
      expect(await agents.verifyAgentKey(key)).not.toBeNull();
      expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
      expect(await agents.verifyAgentKey(key)).toBeNull();
    });

    it('refuses a wrong key with the right prefix, an unknown key, a malformed key and an empty string', async () => {
      const { key } = await enroll({ name: 'guarded' });
      const last = key.endsWith('a') ? 'b' : 'a';
      for (const wrong of [
        key.slice(0, -1) + last,
        'wt_ak_' + '0'.repeat(32),
        key.slice(0, -1),
        key + 'x',
        ` ${key}`,
        key.toUpperCase(),
        '',
      ]) {
        expect([wrong, await agents.verifyAgentKey(wrong)]).toEqual([wrong, null]);
      }
    });
  });
});
