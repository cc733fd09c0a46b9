import { HintedError } from './hinted-error';
import {
  encodeCursor,
  isHumanDates,
  parseEvent,
  parseEventsQuery,
  parsePulse,
  parseServiceOnly,
} from './legacy-fields';

const CHANNELS = ['log', 'mail', 'pushover', 'slack', 'webhook'] as const;
const PULSE = { service: 'svcA', alertType: 'pushover', alertTarget: 'pushoverTargetID', nextIn: 60 };
const NOW = 1795300524;
const LIMITS = { defaultLimit: 1000, maxLimit: 10000 };
const AVAILABLE = '(available: log, mail, pushover, slack, webhook)';

function hintOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HintedError);
    expect((error as HintedError).status).toBe(400);
    return (error as HintedError).hint;
  }
  throw new Error('expected a HintedError');
}

const pulse = (overrides: Record<string, unknown>) => parsePulse({ ...PULSE, ...overrides }, CHANNELS);
const event = (body: Record<string, unknown>) => parseEvent({ service: 's', message: 'm', ...body });
const query = (params: Record<string, unknown>) => parseEventsQuery(params, NOW, LIMITS);

describe(parsePulse.name, () => {
  it('accepts the §5.2 example, as JSON and as a form', () => {
    const expected = { service: 'svcA', alertType: 'pushover', alertTarget: 'pushoverTargetID', nextIn: 60 };
    expect(parsePulse(PULSE, CHANNELS)).toEqual(expected);
    expect(parsePulse({ ...PULSE, nextIn: '60' }, CHANNELS)).toStrictEqual(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['§5.2 unknown type', { alertType: 'mail2', alertTarget: 'x' }, `unknown alert type: mail2 ${AVAILABLE}`],
    ['§5.2 nextIn 0', { alertTarget: 'x', nextIn: 0 }, 'nextIn must be a positive number'],
    ['§5.2 no service', { service: undefined, alertTarget: 'x' }, 'no service provided'],
    ['1 before 2', { service: null, nextIn: null }, 'no service provided'],
    ['2 before 3', { nextIn: '', alertTarget: '' }, 'no nextIn provided'],
    ['3 before 4', { alertTarget: null, alertType: undefined }, 'no alert target provided'],
    ['4 before 5', { alertType: '', service: true }, 'no alert type provided'],
    ['5 before 6', { service: 'x'.repeat(256), nextIn: 'abc' }, 'service must be a string of 1 to 255 characters'],
    ['6 before 7', { nextIn: -31536001, alertTarget: 7 }, 'nextIn must be a positive number'],
    ['7 before 8', { nextIn: 31536001, alertTarget: 7 }, 'nextIn must not exceed 31536000'],
    ['8 before 9', { alertTarget: 1, alertType: 'sms' }, 'alert target must be a string of 1 to 1024 characters'],
    ['9 before 10', { alertType: 'Mail', alertTarget: 'nope' }, `unknown alert type: Mail ${AVAILABLE}`],
    ['10 before 11', { alertType: 'mail', alertTarget: 'nope', repeatEvery: 1 }, 'invalid alert target for mail'],
    ['11', { repeatEvery: 59 }, 'repeatEvery must be between 60 and 31536000'],
  ])('%s', (_name, overrides, hint) => {
    expect(hintOf(() => pulse(overrides))).toBe(hint);
  });

  it.each([60, '60', 60.9, '60.5', ' 60.5 ', '+60', '60.999', '0060'])('truncates nextIn %j to 60', (nextIn) => {
    expect(pulse({ nextIn }).nextIn).toBe(60);
  });

  const badNextIn = [0, -10, 0.5, '0.9', '-0.5', true, 'abc', '1e3', '60.', '.5', '0x10', 'Infinity', [60], {}];

  it.each(badNextIn)('refuses nextIn %j', (nextIn) => {
    expect(hintOf(() => pulse({ nextIn }))).toBe('nextIn must be a positive number');
  });

  it('takes nextIn up to one year after truncation', () => {
    expect(pulse({ nextIn: '31536000.9' }).nextIn).toBe(31536000);
    expect(hintOf(() => pulse({ nextIn: '99999999999999999999' }))).toBe('nextIn must not exceed 31536000');
  });

  it('stores services verbatim, numbers as decimal text and U+0000 as U+FFFD (§3.8)', () => {
    expect(pulse({ service: 42 }).service).toBe('42');
    expect(pulse({ service: ' spaced\tname ' }).service).toBe(' spaced\tname ');
    expect(pulse({ service: 'a\u0000b' }).service).toBe('a\ufffdb');
    expect(pulse({ service: 'x'.repeat(255) }).service).toHaveLength(255);
    expect(pulse({ service: '😀'.repeat(255) }).service).toBe('😀'.repeat(255));
    expect(pulse({ alertTarget: 'k\u0000' }).alertTarget).toBe('k\ufffd');
  });

  it.each([true, false, [], ['svcA'], { a: 1 }, '😀'.repeat(256)])('rejects service %j', (service) => {
    expect(hintOf(() => pulse({ service }))).toBe('service must be a string of 1 to 255 characters');
  });

  it('checks the target is a string of 1 to 1024 characters', () => {
    expect(pulse({ alertTarget: 'x'.repeat(1024) }).alertTarget).toHaveLength(1024);
    expect(hintOf(() => pulse({ alertTarget: 12345 }))).toBe('alert target must be a string of 1 to 1024 characters');
  });

  it('lists the given channels in order and quotes the unknown value', () => {
    expect(hintOf(() => parsePulse({ ...PULSE, alertType: 'a\nb' }, ['webhook', 'log']))).toBe(
      'unknown alert type: a////b (available: webhook, log)',
    );
    expect(hintOf(() => pulse({ alertType: 'x'.repeat(150) }))).toBe(
      `unknown alert type: ${'x'.repeat(100)} ${AVAILABLE}`,
    );
    expect(hintOf(() => pulse({ alertType: 5 }))).toMatch(/^unknown alert type: 5 \(available: /);
  });

  const goodTargets = {
    mail: ['ops@example.com', 'ops@example.com, dev@example.org', 'root@localhost'],
    webhook: ['https://example.com/hook?x=1', 'HTTP://10.0.0.1:8080'],
    slack: ['https://hooks.slack.com/services/T/B/X'],
    pushover: ['pushoverTargetID'],
    log: ['anything at all'],
  };
  const badTargets = {
    mail: ['ops@example.com,', 'ops', 'a b@example.com'],
    webhook: ['ftp://example.com', 'example.com/hook', ' https://example.com', 'https://'],
    slack: ['https:/hooks.slack.com'],
  };
  const pairs = (targets: Record<string, string[]>) =>
    Object.entries(targets).flatMap(([type, list]) => list.map((target) => [type, target]));

  it.each(pairs(goodTargets))('accepts the %s target %j', (alertType, alertTarget) => {
    expect(pulse({ alertType, alertTarget }).alertTarget).toBe(alertTarget);
  });

  it.each(pairs(badTargets))('refuses the %s target %j', (alertType, alertTarget) => {
    expect(hintOf(() => pulse({ alertType, alertTarget }))).toBe(`invalid alert target for ${alertType}`);
  });

  it('reads repeatEvery with the nextIn number rules when present', () => {
    expect(pulse({})).not.toHaveProperty('repeatEvery');
    expect(pulse({ repeatEvery: null })).not.toHaveProperty('repeatEvery');
    expect(pulse({ repeatEvery: '' })).not.toHaveProperty('repeatEvery');
    expect(pulse({ repeatEvery: 60 }).repeatEvery).toBe(60);
    expect(pulse({ repeatEvery: ' 3600.7 ' }).repeatEvery).toBe(3600);
    for (const repeatEvery of ['59.9', 31536001, 'abc', true, '1e3']) {
      expect(hintOf(() => pulse({ repeatEvery }))).toBe('repeatEvery must be between 60 and 31536000');
    }
  });

  it('ignores inherited keys', () => {
    const body = Object.create({ service: 'svcA' }) as Record<string, unknown>;
    expect(hintOf(() => parsePulse(body, CHANNELS))).toBe('no service provided');
  });
});

describe(parseServiceOnly.name, () => {
  it('returns the service or the §5.3 hints', () => {
    expect(parseServiceOnly({ service: 'svcA', extra: 1 })).toBe('svcA');
    expect(parseServiceOnly({ service: 42 })).toBe('42');
    expect(hintOf(() => parseServiceOnly({}))).toBe('no service provided');
    expect(hintOf(() => parseServiceOnly({ service: ['a'] }))).toBe('service must be a string of 1 to 255 characters');
  });
});

describe(parseEvent.name, () => {
  it('accepts the §5.7 example', () => {
    const expected = { service: 'test4', message: 'my m"es\nsage', level: 4, alert: false };
    expect(parseEvent({ service: 'test4', message: 'my m"es\nsage', level: 4 })).toStrictEqual(expected);
  });

  it.each<[Record<string, unknown>, string]>([
    [{}, 'no service provided'],
    [{ message: 'm' }, 'no service provided'],
    [{ service: true }, 'no message provided'],
    [{ service: 's', message: null }, 'no message provided'],
    [{ service: true, message: {} }, 'service must be a string of 1 to 255 characters'],
    [{ service: 's', message: {} }, 'message must be a string of at most 65536 characters'],
    [{ service: 's', message: ['m'] }, 'message must be a string of at most 65536 characters'],
    [{ service: 's', message: 'x'.repeat(65537) }, 'message must be a string of at most 65536 characters'],
  ])('%j -> %s', (body, hint) => {
    expect(hintOf(() => parseEvent(body))).toBe(hint);
  });

  it('stores the message as text, verbatim but for U+0000 (§3.8)', () => {
    const long = ['x'.repeat(65536), '😀'.repeat(65536)];
    const sent = ['', 5, 2.5, true, false, ...long, 'a\u0000\u0000b', ' m"e\ns; '];
    expect(sent.map((message) => event({ message }).message)).toEqual([
      '',
      '5',
      '2.5',
      'true',
      'false',
      ...long,
      'a\ufffd\ufffdb',
      ' m"e\ns; ',
    ]);
  });

  it.each([4, -2, 4.0, 2147483647, -2147483648])('keeps the integer level %j (§7.2)', (level) => {
    expect(event({ level }).level).toBe(level);
  });

  it.each(Object.entries({ '3': 3, ' 3 ': 3, '+3': 3, '-3': -3, '007': 7, '\t12\n': 12 }))(
    'level %j: %d',
    (level, n) => {
      expect(event({ level }).level).toBe(n);
    },
  );

  const zeroLevels: unknown[] = [undefined, null, true, false, 2.5, -0, 2147483648, -2147483649, [4], { level: 4 }];
  zeroLevels.push('warning', '2.5', '', '0x10', '1e3', '-0', '2147483648', '3 3');

  it.each(zeroLevels)('stores the level %j as 0 (§7.2)', (level) => {
    expect(Object.is(event({ level }).level, 0)).toBe(true);
  });

  it.each([true, 1, -0.5, 'false', '0', ' ', [0], { a: 0 }])('reads alert %j as true (§5.7)', (alert) => {
    expect(event({ alert }).alert).toBe(true);
  });

  it.each([false, 0, '', null, undefined, [], {}])('reads alert %j as false (§5.7)', (alert) => {
    expect(event({ alert }).alert).toBe(false);
  });
});

describe(parseEventsQuery.name, () => {
  it('defaults to the last 24 hours and the default limit', () => {
    expect(query({})).toEqual({ from: NOW - 86400, to: NOW, limit: 1000, humanDates: false });
    expect(query({ from: '', to: '', level: '', limit: '', cursor: '', service: '', message: '' })).toEqual(query({}));
  });

  const sameInstant = ['1795300524', '1795300524.9', '2026-11-21T22:35:24Z', '2026-11-21t22:35:24.5z'];
  sameInstant.push('2026-11-21 22:35:24Z', '2026-11-21T23:35:24+01:00', '2026-11-21T17:05:24,999-05:30');
  // an unencoded `+` in a query string arrives as a space
  sameInstant.push('2026-11-21T23:35:24 01:00');

  it.each(sameInstant)('reads from/to %j as 1795300524', (text) => {
    expect(query({ from: text, to: [text] })).toMatchObject({ from: NOW, to: NOW });
  });

  it.each(
    Object.entries({ '-1.5': -2, '.5': 0, '2024-02-29T00:00Z': 1709164800, '0001-01-01T00:00:00Z': -62135596800 }),
  )('reads from/to %j as %d', (text, epoch) => {
    expect(query({ from: text, to: text })).toMatchObject({ from: epoch, to: epoch });
  });

  it('clamps far instants to the years 1-9999', () => {
    const far = query({ from: '-99999999999999', to: '99999999999999' });
    expect([far.from, far.to]).toEqual([-62135596800, 253402300799]);
  });

  const badInstants = ['abc', '1e9', '0x10', ' 1', '2026-11-21T22:35:24', '2026-11-21', '20261121T223524Z'];
  badInstants.push('2026-02-29T00:00:00Z', '2026-11-31T00:00:00Z', '2026-11-21T24:00:00Z', '2026-11-21T22:60:00Z');
  badInstants.push('2026-11-21T22:35:24+1:00', '2026-11-21T22:35:24+01:60', '2026-11-21T22:35:24+0100');

  it.each(badInstants)('rejects from/to %j', (text) => {
    expect(hintOf(() => query({ from: text, to: 'bad' }))).toBe('invalid from');
    expect(hintOf(() => query({ to: text, level: 'bad' }))).toBe('invalid to');
  });

  it('takes the last value of a repeated parameter', () => {
    expect(query({ level: ['x', '3'], service: ['a', 'b'] })).toMatchObject({ level: 3, service: 'b' });
  });

  it('reads level as a 32-bit integer', () => {
    expect(query({ level: '-3' }).level).toBe(-3);
    for (const level of ['abc', '2.5', '2147483648', ' 3', { a: 1 }]) {
      expect(hintOf(() => query({ level }))).toBe('invalid level');
    }
  });

  it('reads limit between 1 and the maximum', () => {
    expect(query({ limit: '1' }).limit).toBe(1);
    expect(query({ limit: '10000' }).limit).toBe(10000);
    for (const limit of ['0', '10001', '-1', '1.5', 'ten']) {
      expect(hintOf(() => query({ limit }))).toBe('invalid limit');
    }
  });

  it('decodes the §5.8 cursor and refuses anything else', () => {
    expect(query({ cursor: 'MTc5NTMwMDU0ODo0Mg' }).cursor).toEqual({ date: 1795300548, id: '42' });
    const encode = (text: string) => Buffer.from(text).toString('base64url');
    const bad = ['!!!', 'MTc5NTMwMDU0ODo0Mg==', 'MTc5NTMwMDU0ODo0Mh', encode('x:1'), encode('1795300548:abc')];
    bad.push(encode('1795300548:042'), encode('1795300548:9223372036854775808'), encode('1795300548'));
    for (const cursor of bad) {
      expect(hintOf(() => query({ cursor }))).toBe('invalid cursor');
    }
  });

  it('returns patterns raw and refuses non-text ones', () => {
    expect(query({ service: '^svc[AD]$', message: '(a' })).toMatchObject({ service: '^svc[AD]$', message: '(a' });
    expect(hintOf(() => query({ service: { a: '1' } }))).toBe('invalid service regex: expected text');
    expect(hintOf(() => query({ message: 5 }))).toBe('invalid message regex: expected text');
  });
});

describe(encodeCursor.name, () => {
  it('produces the §5.8 cursor, which parseEventsQuery reads back', () => {
    expect(encodeCursor(1795300548, '42')).toBe('MTc5NTMwMDU0ODo0Mg');
    const cursor = encodeCursor(1795300530, '9223372036854775807');
    expect(query({ cursor }).cursor).toEqual({ date: 1795300530, id: '9223372036854775807' });
  });
});

describe(isHumanDates.name, () => {
  it('is on only for exactly "1", taking the last value of a repeated key', () => {
    for (const value of ['1', ['0', '1']]) {
      expect([isHumanDates(value), query({ humanDates: value }).humanDates]).toEqual([true, true]);
    }
    for (const value of ['0', 'true', ' 1', 1, true, undefined, ['1', '0']]) {
      expect([isHumanDates(value), query({ humanDates: value }).humanDates]).toEqual([false, false]);
    }
  });
});
