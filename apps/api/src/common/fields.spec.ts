import {
  field,
  integerText,
  isHumanDates,
  isPresent,
  last,
  param,
  parseInteger,
  requirePresent,
  toService,
  tooLong,
  toTruncated,
  withoutNul,
} from './fields';
import { hintOf } from './test/hint-of';

describe(field.name, () => {
  it('reads own keys only', () => {
    const input = Object.create({ service: 'inherited' }) as Record<string, unknown>;
    expect(field(input, 'service')).toBeUndefined();
    expect(field({}, 'constructor')).toBeUndefined();
    expect(field({ service: 'svcA' }, 'service')).toBe('svcA');
  });
});

describe(isPresent.name, () => {
  it('treats undefined, null and the empty string as absent', () => {
    expect([undefined, null, ''].map(isPresent)).toEqual([false, false, false]);
    expect([0, false, ' ', [], {}].map(isPresent)).toEqual([true, true, true, true, true]);
    expect(hintOf(() => requirePresent('', 'no service provided'))).toBe('no service provided');
  });
});

describe(toService.name, () => {
  it('keeps text verbatim but for U+0000, numbers as their decimal text (§3.8)', () => {
    expect(toService(42)).toBe('42');
    expect(toService(' spaced\tname ')).toBe(' spaced\tname ');
    expect(toService('a\u0000b')).toBe('a\ufffdb');
    expect(toService('😀'.repeat(255))).toBe('😀'.repeat(255));
  });

  it.each(['', true, null, [], ['a'], { a: 1 }, NaN, 'x'.repeat(256), '😀'.repeat(256)])('refuses %j', (value) => {
    expect(hintOf(() => toService(value))).toBe('service must be a string of 1 to 255 characters');
  });
});

describe(tooLong.name, () => {
  it('counts code points, as PostgreSQL does', () => {
    expect(tooLong('😀'.repeat(3), 3)).toBe(false);
    expect(tooLong('x'.repeat(4), 3)).toBe(true);
    expect(withoutNul('\u0000')).toBe('\ufffd');
  });
});

describe(toTruncated.name, () => {
  it('truncates numbers and their decimal text, and refuses anything else (§5.2 step 6)', () => {
    expect([60.9, '60.5', ' +60 ', '-0.5'].map(toTruncated)).toEqual([60, 60, 60, 0]);
    expect(Object.is(toTruncated(-0.5), 0)).toBe(true);
    expect([Infinity, true, '1e3', '.5', '60.', [60]].map(toTruncated)).toEqual(Array(6).fill(undefined));
  });

  it('reads decimal text by its digits, never through float rounding', () => {
    expect(toTruncated('60.9999999999999999')).toBe(60);
    expect(toTruncated('-60.9999999999999999')).toBe(-60);
    expect(Object.is(toTruncated('-0.9'), 0)).toBe(true);
    expect(toTruncated('\t 31536000.99999999999 \t')).toBe(31536000);
  });

  it('trims ASCII whitespace only, and takes ASCII digits only', () => {
    const refused = ['\u00a05', '5\u00a0', '\u20035', '\u0665', '５', '\ufeff5', '\u30005'];
    expect(refused.map(toTruncated)).toEqual(Array(refused.length).fill(undefined));
    expect(refused.map(integerText)).toEqual(Array(refused.length).fill(undefined));
    expect(['\n5', '5\r\n'].map(toTruncated)).toEqual([undefined, undefined]);
    // §7.2's level pattern allows any ASCII whitespace
    expect([' 7 ', '\t-7\n', '+0'].map(integerText)).toEqual([7, -7, 0]);
    expect(integerText('7.5')).toBeUndefined();
  });
});

describe(param.name, () => {
  it('reads the last value of a repeated key; absent or empty is undefined (§7.3)', () => {
    const parse = (text: string, hint: string) => parseInteger(text, 1, 10, hint);
    expect(last(['a', 'b'])).toBe('b');
    expect(param({ limit: ['x', '3'] }, 'limit', 'invalid limit', parse)).toBe(3);
    expect(param({ limit: '' }, 'limit', 'invalid limit', parse)).toBeUndefined();
    expect(hintOf(() => param({ limit: { a: 1 } }, 'limit', 'invalid limit', parse))).toBe('invalid limit');
    expect(hintOf(() => param({ limit: '11' }, 'limit', 'invalid limit', parse))).toBe('invalid limit');
  });
});

describe(isHumanDates.name, () => {
  it('is on only for exactly "1", taking the last value of a repeated key', () => {
    for (const value of ['1', ['0', '1']]) {
      expect(isHumanDates(value)).toBe(true);
    }
    for (const value of ['0', 'true', ' 1', 1, true, undefined, ['1', '0']]) {
      expect(isHumanDates(value)).toBe(false);
    }
  });
});
