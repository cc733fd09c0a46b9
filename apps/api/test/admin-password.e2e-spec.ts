import { TestApp, TestStores } from './app';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('a separate ADMIN_PASSWORD guards the agent and host routes', () => {
  const ADMIN = 'another admin secret';
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ ADMIN_PASSWORD: ADMIN, AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  it.each([
    ['POST', '/api/v1/agents'],
    ['GET', '/api/v1/agents'],
    ['DELETE', `/api/v1/agents/${MISSING_ID}`],
    ['POST', `/api/v1/agents/${MISSING_ID}/report-now`],
    ['GET', '/api/v1/hosts'],
    ['GET', `/api/v1/hosts/${MISSING_ID}`],
  ])('%s %s refuses the shared password with 403', async (method, path) => {
    const res = await app.request(method, path, { body: method === 'POST' ? { name: 'x' } : undefined });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ hint: 'bad password', result: 403 });
  });

  it('takes the admin password there, while the watchTower routes keep the shared one', async () => {
    const enrolled = await app.request('POST', '/api/v1/agents', { body: { name: 'admin-only' }, password: ADMIN });
    expect(enrolled.status).toBe(200);
    expect((await app.request('GET', '/api/v1/hosts', { password: ADMIN })).status).toBe(200);
    expect((await app.request('GET', '/heartbeats')).status).toBe(200);
    expect((await app.request('GET', '/heartbeats', { password: ADMIN })).status).toBe(403);
  });
});
