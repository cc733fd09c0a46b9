import { parsePulse, parseServiceOnly } from './heartbeat.dto';
import { hintOf } from '../common/test/hint-of';

const PULSE = { service: 'svcA', alertType: 'pushover', alertTarget: 'pushoverTargetID', nextIn: 60 };
const AVAILABLE = '(available: log, mail, pushover, slack, webhook)';

const pulse = (overrides: Record<string, unknown>) => parsePulse({ ...PULSE, ...overrides });

describe(parsePulse.name, () => {
  it('accepts the §5.2 example, as JSON and as a form', () => {
    const expected = { service: 'svcA', alertType: 'pushover', alertTarget: 'pushoverTargetID', nextIn: 60 };
    expect(parsePulse(PULSE)).toEqual(expected);
    expect(parsePulse({ ...PULSE, nextIn: '60' })).toStrictEqual(expected);
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

  it.each([60, '60', 60.9, '60.5', ' 60.5 ', '+60', '60.999', '0060', '60.9999999999999999', '\t60\t'])(
    'truncates nextIn %j to 60',
    (nextIn) => {
      expect(pulse({ nextIn }).nextIn).toBe(60);
    },
  );

  const badNextIn = [0, -10, 0.5, '0.9', '-0.5', true, 'abc', '1e3', '60.', '.5', '0x10', 'Infinity', [60], {}];
  badNextIn.push('\u00a05', '5\u00a0', '\u20035', '\u0665', '\n60');

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

  // the channel list is declared once, in alerts/channels, in the order hints list it
  it('lists the channels in order and quotes the unknown value', () => {
    expect(hintOf(() => parsePulse({ ...PULSE, alertType: 'a\nb' }))).toBe(`unknown alert type: a////b ${AVAILABLE}`);
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
    expect(hintOf(() => parsePulse(body))).toBe('no service provided');
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
