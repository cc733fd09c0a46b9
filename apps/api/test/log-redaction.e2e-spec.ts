import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { eventually, PASSWORD } from './app';
import { createDatabase, dropRedisPrefix, freePort, TEST_REDIS_URL, uniqueName } from './stores';

const ROOT = resolve(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/api/src/main.js');

/** The built API with its whole output captured: what an operator's log collector would receive. */
function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', LOG_LEVEL: 'debug', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exit };
}

describe('secrets stay out of the logs', () => {
  it('a failed query does not print its parameters (a Slack URL with its token)', async () => {
    const db = await createDatabase();
    const prefix = uniqueName('t');
    const port = await freePort();
    const api = run({
      WATCHTOWER_PASSWORD: PASSWORD,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const sql = new Client({ connectionString: db.url });
    try {
      await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/hello`)).status).toBe(403), 30_000);
      // the persistence writer's upsert of this heartbeat fails inside PostgreSQL, with the target as a parameter
      await sql.connect();
      await sql.query(`ALTER TABLE heartbeats ADD CONSTRAINT refuse_probe CHECK (service <> 'redaction-probe')`);
      const secret = 'xoxSECRETTOKEN0123456789';
      const res = await fetch(`http://127.0.0.1:${port}/heartbeat`, {
        method: 'POST',
        headers: { password: PASSWORD, 'content-type': 'application/json' },
        body: JSON.stringify({
          service: 'redaction-probe',
          alertType: 'slack',
          alertTarget: `https://hooks.slack.com/services/T0/B0/${secret}`,
          nextIn: 3600,
        }),
      });
      expect(res.status).toBe(200);
      await eventually(() => expect(api.output()).toContain('violates check constraint "refuse_probe"'), 20_000);
      expect(api.output()).not.toContain(secret);
      expect(api.output()).not.toContain(PASSWORD);
    } finally {
      await sql.end().catch(() => undefined);
      api.child.kill('SIGTERM');
      await api.exit;
      await dropRedisPrefix(prefix);
      await db.drop();
    }
  }, 60_000);

  it.each([
    ['DATABASE_URL', 'postgres://watchtower:DBSECRETPASSWORD@bad host:5432/watchtower'],
    ['SMTP_URL', 'smtp://mailer:SMTPSECRETPASSWORD@bad host:25'],
  ])('a bad %s is named without its password', async (name, value) => {
    const api = run({
      WATCHTOWER_PASSWORD: PASSWORD,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: TEST_REDIS_URL,
      PORT: String(await freePort()),
      [name]: value,
    });
    expect(await api.exit).not.toBe(0);
    expect(api.output()).toContain(`${name} must be a URL`);
    expect(api.output()).not.toMatch(/SECRETPASSWORD/);
  });
});
