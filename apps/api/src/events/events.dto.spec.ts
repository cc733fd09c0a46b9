import { isHumanDates } from '../common/fields';
import { encodeCursor, parseEvent, parseEventsQuery, parseIdempotencyKey } from './events.dto';
import { hintOf } from '../common/test/hint-of';

const NOW = 1795300524;
const LIMITS = { defaultLimit: 1000, maxLimit: 10000 };

const event = (body: Record<string, unknown>) => parseEvent({ service: 's', message: 'm', ...body });
const query = (params: Record<string, unknown>) => parseEventsQuery(params, NOW, LIMITS);

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
  zeroLevels.push('warning', '2.5', '', '0x10', '1e3', '-0', '2147483648', '3 3', '\u00a03', '3\u2003', '\u0663');

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

describe('the idempotency key', () => {
  it('reads the body id like a service name: text, or a number as its decimal text', () => {
    expect(event({})).not.toHaveProperty('id');
    expect(event({ id: null })).not.toHaveProperty('id');
    expect(event({ id: 'retry-1' }).id).toBe('retry-1');
    expect(event({ id: 42 }).id).toBe('42');
    expect(event({ id: 'a\u0000b' }).id).toBe('a\ufffdb');
    expect(event({ id: '😀'.repeat(255) }).id).toBe('😀'.repeat(255));
  });

  it.each(['', 'x'.repeat(256), true, [1], { a: 1 }, Infinity])('refuses the id %j', (id) => {
    expect(hintOf(() => event({ id }))).toBe('id must be a string of 1 to 255 characters');
  });

  it('checks service and message before the id', () => {
    expect(hintOf(() => parseEvent({ message: 'm', id: '' }))).toBe('no service provided');
  });

  it('reads the Idempotency-Key header the same way', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('retry-1')).toBe('retry-1');
    for (const header of ['', 'x'.repeat(256), ['a', 'b']]) {
      expect(hintOf(() => parseIdempotencyKey(header))).toBe('Idempotency-Key must be 1 to 255 characters');
    }
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
