import { Logger } from '@nestjs/common';
import { TestApp, TestStores } from './app';

const basic = (password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
});

// The counts are per clock minute: start early enough in one that a test never straddles two.
async function earlyInAMinute(): Promise<void> {
  if (Date.now() % 60_000 > 45_000) {
    await new Promise((resolve) => setTimeout(resolve, 60_000 - (Date.now() % 60_000) + 100));
  }
}

describe('auth throttle: parallel guesses, proxies, Bull Board (§3.5)', () => {
  let stores: TestStores;

  beforeEach(async () => {
    stores = await TestStores.create();
    await earlyInAMinute();
  });
  afterEach(async () => stores.destroy());

  it('50 parallel wrong passwords on two processes with a limit of 20: at most 20 get 403, the rest 429', async () => {
    const first = await stores.start({ AUTH_FAILURES_PER_MINUTE: '20' });
    const second = await stores.start({ AUTH_FAILURES_PER_MINUTE: '20' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) =>
        (i % 2 ? first : second).request('GET', '/hello', { password: `guess-${i}` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);

    expect(statuses.filter((status) => status !== 403 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 403).length).toBeLessThanOrEqual(20);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30);
    // the right password is blocked too, on either process
    expect((await first.request('GET', '/hello')).status).toBe(429);
    expect((await second.request('GET', '/hello')).status).toBe(429);
  });

  describe('behind TRUST_PROXY=127.0.0.1 (the test is the proxy: it appends the client address it sees)', () => {
    let app: TestApp;
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const through = (client: string, forged?: string): Record<string, string> => ({
      'x-forwarded-for': forged === undefined ? client : `${forged}, ${client}`,
    });

    beforeEach(async () => {
      warnings.mockClear();
      app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '5', TRUST_PROXY: '127.0.0.1' });
    });

    it('counts the address the proxy saw: rotating forged entries buys no guesses, naming a victim blocks no one', async () => {
      const attacker = '203.0.113.7';
      const victim = '198.51.100.9';
      for (let i = 0; i < 5; i++) {
        const forged = i % 2 ? `10.66.0.${i}` : victim;
        const guess = await app.request('GET', '/hello', {
          password: `guess-${i}`,
          headers: through(attacker, forged),
        });
        expect(guess.status).toBe(403);
      }

      const rotated = await app.request('GET', '/hello', { headers: through(attacker, '10.77.0.1') });
      expect([rotated.status, rotated.json.hint]).toEqual([429, 'too many requests']);
      expect((await app.request('GET', '/hello', { headers: through(attacker) })).status).toBe(429);
      expect((await app.request('GET', '/hello', { headers: through(victim) })).status).toBe(200);
      expect((await app.request('GET', '/hello', { headers: through(victim, attacker) })).status).toBe(200);
      // the block is logged once, with the address
      const logged = warnings.mock.calls.map(([message]) => String(message)).filter((m) => m.includes('blocking'));
      expect(logged).toEqual([expect.stringContaining(`"${attacker}"`)]);
    });

    it('keys IPv6 clients by their /64', async () => {
      for (let i = 1; i <= 5; i++) {
        const guess = await app.request('GET', '/hello', { password: 'nope', headers: through(`2001:db8:5:6::${i}`) });
        expect(guess.status).toBe(403);
      }
      expect((await app.request('GET', '/hello', { headers: through('2001:db8:5:6:ffff::9') })).status).toBe(429);
      expect((await app.request('GET', '/hello', { headers: through('2001:db8:5:7::1') })).status).toBe(200);
    });

    it('throttles Bull Board too, which takes ADMIN_PASSWORD rather than the shared password', async () => {
      const board = await stores.start({
        AUTH_FAILURES_PER_MINUTE: '5',
        TRUST_PROXY: '127.0.0.1',
        ADMIN_PASSWORD: 'the board password',
      });
      const client = through('192.0.2.44');
      const open = async (password?: string): Promise<Response> =>
        fetch(`${board.url}/bullboard`, { headers: { ...client, ...(password === undefined ? {} : basic(password)) } });

      expect((await open('the board password')).status).toBe(200);
      // asking for the challenge spends nothing
      for (let i = 0; i < 8; i++) {
        expect((await open()).status).toBe(401);
      }
      expect((await open(board.password)).status).toBe(401);
      for (let i = 0; i < 4; i++) {
        expect((await open(`guess-${i}`)).status).toBe(401);
      }
      const blocked = await open('the board password');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      // one budget for every door
      expect((await board.request('GET', '/hello', { headers: client })).status).toBe(429);
    });
  });
});
