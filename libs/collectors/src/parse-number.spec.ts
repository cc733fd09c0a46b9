import fc from 'fast-check';
import { parseDecimal, parseUint } from './parse-number';

describe('parseUint', () => {
  it('accepts plain digits below the limit only', () => {
    expect(parseUint('0')).toBe(0);
    expect(parseUint('007')).toBe(7);
    expect(parseUint('4294967295', 2 ** 32)).toBe(4294967295);
    for (const text of [undefined, '', ' 1', '1 ', '-1', '+1', '1.0', '1e3', '0x10', '4294967296']) {
      expect(parseUint(text, 2 ** 32)).toBeNull();
    }
    expect(parseUint('9'.repeat(20))).toBe(1e20);
    expect(parseUint('1' + '0'.repeat(21))).toBeNull();
  });
});

describe('parseDecimal', () => {
  it('accepts plain non-negative decimals only', () => {
    expect(parseDecimal('0.043')).toBe(0.043);
    expect(parseDecimal('12')).toBe(12);
    expect(parseDecimal('.5')).toBe(0.5);
    expect(parseDecimal('5.')).toBe(5);
    for (const text of [undefined, '', '.', '-1', '+1', '1e3', 'inf', 'NaN', '1,5', ' 1', '1'.repeat(400)]) {
      expect(parseDecimal(text)).toBeNull();
    }
  });

  it('returns finite non-negative numbers or null for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const value = parseDecimal(text);
        expect(value === null || (Number.isFinite(value) && value >= 0)).toBe(true);
        const int = parseUint(text);
        expect(int === null || (Number.isInteger(int) && int >= 0 && int < 1e21)).toBe(true);
      }),
    );
  });
});
