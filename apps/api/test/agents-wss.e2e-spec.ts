import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { AgentsService } from '../src/agents/agents.service';
import { TestApp, TestStores } from './app';
import { newHost, WS_PATH } from './agent-sockets';

// TLS_CERT/TLS_KEY: the API itself serves HTTPS and the agents' WSS, and records such connections as `wss`.
describe('TLS without a proxy', () => {
  let dir: string;
  let stores: TestStores;
  let app: TestApp;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-tls-'));
    // a certificate made for this test alone, valid for 127.0.0.1
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    stores = await TestStores.create();
    app = await stores.start({ TLS_CERT: join(dir, 'cert.pem'), TLS_KEY: join(dir, 'key.pem') });
    port = (app.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await stores.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers REST over HTTPS', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/hello', headers: { password: app.password }, rejectUnauthorized: false },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ result: 200, version: expect.any(String) });
  });

  it('takes an agent over WSS and lists its connection as wss', async () => {
    const agents = app.app.get(AgentsService);
    const { agent, key } = await agents.enroll({ name: 'tls-agent', alertType: null, alertTarget: null });
    const ws = new WebSocket(`wss://127.0.0.1:${port}${WS_PATH}`, {
      headers: { authorization: `Bearer ${key}` },
      rejectUnauthorized: false,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const welcome = new Promise<Record<string, unknown>>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
    );
    ws.send(
      JSON.stringify({ type: 'hello', schema_version: 1, agent_version: 'watchtower-agent/1.0.0', host: newHost() }),
    );
    expect(await welcome).toMatchObject({ type: 'welcome', agent_id: agent.id });
    const listed = (await agents.list()).find((view) => view.id === agent.id);
    expect(listed).toMatchObject({ connected: true, connection: { protocol: 'wss' } });
    ws.terminate();
  });
});
