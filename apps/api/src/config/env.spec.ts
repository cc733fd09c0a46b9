import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EnvError } from './env';
import { validateBootEnv, validateEnv } from './env.table';

const base = {
  WATCHTOWER_PASSWORD: 'secret',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe(validateEnv.name, () => {
  it('applies the documented defaults', () => {
    const env = validateEnv(base);
    expect(env).toMatchObject({
      port: 5000,
      tzDisplay: 'Europe/Paris',
      defaultAlertType: 'log',
      defaultAlertTarget: '',
      bodyLimitBytes: 1048576,
      authFailuresPerMinute: 20,
      heartbeatStartupGraceSeconds: 60,
      eventsDefaultLimit: 1000,
      eventsMaxLimit: 10000,
      alertAttempts: 8,
      eventsPresets: [],
      pings: [],
    });
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ PORT: 'http' }, /^PORT must be an integer/],
    [{ TZ_DISPLAY: 'Mars/Olympus' }, /^TZ_DISPLAY must be an IANA time zone/],
    [{ HEARTBEAT_DEFAULT_ALERT_TYPE: 'sms' }, /^HEARTBEAT_DEFAULT_ALERT_TYPE must be one of log, mail/],
    [{ BODY_LIMIT_BYTES: '-1' }, /^BODY_LIMIT_BYTES must be an integer/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres or postgresql URL/],
    [{ REDIS_URL: 'not a url' }, /^REDIS_URL must be a URL/],
    [{ EVENTS_PRESETS: '{"name":"x"}' }, /^EVENTS_PRESETS must be a JSON array/],
    [{ EVENTS_PRESETS: '[{"name":"bad","service":"(a"}]' }, /^EVENTS_PRESETS\[0\]: invalid service regex/],
    [
      { PINGS: '[{"service":"s","url":"ftp://x","alertType":"log","alertTarget":"t"}]' },
      /^PINGS\[0\]\.url must be an http or https URL/,
    ],
    [
      { PINGS: '[{"service":"s","url":"http://x","alertType":"mail","alertTarget":"nobody"}]' },
      /^PINGS\[0\]: invalid alert target for mail/,
    ],
    [
      { PINGS: '[{"service":"s","url":"http://x","alertType":"log","alertTarget":"t","frequency":2}]' },
      /^PINGS\[0\]\.frequency must be an integer >= 5/,
    ],
    [{ REDIS_PREFIX: 'a:b' }, /^REDIS_PREFIX must be/],
  ])('refuses %j with a message naming the variable', (overrides, message) => {
    expect(() => validateEnv({ ...base, ...overrides })).toThrow(EnvError);
    expect(() => validateEnv({ ...base, ...overrides })).toThrow(message);
  });

  it('requires the stores and the password with NODE_ENV=production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      'WATCHTOWER_PASSWORD is required with NODE_ENV=production',
    );
    expect(() => validateEnv({ NODE_ENV: 'production', WATCHTOWER_PASSWORD: 'x' })).toThrow(
      'DATABASE_URL is required with NODE_ENV=production',
    );
  });

  it('trusts a proxy list or a hop count, never every hop', () => {
    expect(validateEnv(base).trustProxy).toBe(false);
    expect(validateEnv({ ...base, TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
    ]);
    expect(validateEnv({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(validateEnv({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(() => validateEnv({ ...base, TRUST_PROXY: 'true' })).toThrow(
      'TRUST_PROXY=true would trust every X-Forwarded-For hop, so clients could choose their own address: ' +
        'list your proxies (TRUST_PROXY=10.0.0.1,192.168.0.0/16) or give the number of proxy hops (TRUST_PROXY=1)',
    );
    expect(() => validateEnv({ ...base, TRUST_PROXY: '0.0.0.0/0' })).toThrow(/^TRUST_PROXY must be a hop count/);
    expect(() => validateEnv({ ...base, TRUST_PROXY: 'proxy.local' })).toThrow(/^TRUST_PROXY must be a hop count/);
  });

  it('gives Bull Board the shared password unless ADMIN_PASSWORD is set', () => {
    expect(validateEnv(base).adminPassword).toBe('secret');
    expect(validateEnv({ ...base, ADMIN_PASSWORD: 'board only' }).adminPassword).toBe('board only');
  });

  it('refuses production passwords under 16 characters', () => {
    const production = { ...base, NODE_ENV: 'production', WATCHTOWER_PASSWORD: 'sixteen chars ok' };
    expect(validateEnv(production).adminPassword).toBe('sixteen chars ok');
    expect(() => validateEnv({ ...production, WATCHTOWER_PASSWORD: 'fifteen chars!!' })).toThrow(
      'WATCHTOWER_PASSWORD must be at least 16 characters with NODE_ENV=production',
    );
    expect(() => validateEnv({ ...production, ADMIN_PASSWORD: 'short' })).toThrow(
      'ADMIN_PASSWORD must be at least 16 characters with NODE_ENV=production',
    );
    expect(validateEnv({ ...base, ADMIN_PASSWORD: 'short' }).adminPassword).toBe('short');
  });

  it('fills ping defaults, including the short timeout of frequent monitors', () => {
    const env = validateEnv({
      ...base,
      PINGS: '[{"service":"g","url":"https://example.org","alertType":"pushover","alertTarget":"key","frequency":6}]',
    });
    expect(env.pings[0]).toEqual({
      service: 'g',
      url: 'https://example.org',
      frequency: 6,
      alertType: 'pushover',
      alertTarget: 'key',
      proxyURL: null,
      method: 'get',
      expectedCode: 200,
      timeout: 3,
      login: null,
      password: null,
      insecureTLS: false,
    });
  });

  it('resolves DATA_DIR, defaults ROLE to all and reads the version from the root package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { version: string };
    expect(validateEnv(base)).toMatchObject({ dataDir: resolve('data'), role: 'all', guiVersion: pkg.version });
    expect(validateEnv({ ...base, DATA_DIR: 'elsewhere/wt', ROLE: 'worker' })).toMatchObject({
      dataDir: resolve('elsewhere/wt'),
      role: 'worker',
    });
  });

  it.each<[Record<string, string>, RegExp]>([
    [{ ROLE: 'both' }, /^ROLE must be one of all, api, worker \(got "both"\)$/],
    [{ DATA_DIR: __filename }, /^DATA_DIR must be a directory \(got ".*env\.spec\.ts"\)$/],
  ])('refuses %j', (overrides, message) => {
    expect(() => validateEnv({ ...base, ...overrides })).toThrow(message);
  });

  it('checks what the quick start needs before it starts anything', () => {
    expect(validateBootEnv({ DATA_DIR: 'x', REDIS_URL: 'redis://r', DATABASE_URL: ' ' })).toEqual({
      nodeEnv: 'development',
      dataDir: resolve('x'),
      unset: ['WATCHTOWER_PASSWORD', 'DATABASE_URL', 'AGENT_EMBEDDED', 'SEARCH_MAX_WINDOW_SECONDS'],
    });
    expect(() => validateBootEnv({ DATA_DIR: __filename })).toThrow(EnvError);
  });
});
