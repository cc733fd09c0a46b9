import { HintedError } from './hinted-error';

// Field primitives shared by every feature's inputs (watchtower-protocol.md §3.8, §5.2, §7.3). Inputs are the
// parsed body or query: JSON values, or strings for form bodies and queries. Each feature's dto owns its fields.

export const MAX_SERVICE = 255;
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** An own key of the input: `constructor` and friends read as absent, never as Object.prototype members. */
export function field(input: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(input, name) ? input[name] : undefined;
}

export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function requirePresent(value: unknown, hint: string): void {
  if (!isPresent(value)) {
    throw new HintedError(400, hint);
  }
}

/** §3.8: a JSON number is stored as its decimal text (42 -> "42"); nothing else is rewritten but U+0000. */
export function toService(value: unknown): string {
  return toBoundedText(value, MAX_SERVICE, `service must be a string of 1 to ${MAX_SERVICE} characters`);
}

/** The service rule with another limit and hint: a string or a finite number's decimal text, 1 to `max` long. */
export function toBoundedText(value: unknown, max: number, hint: string): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== 'string' || text === '' || tooLong(text, max)) {
    throw new HintedError(400, hint);
  }
  return withoutNul(text);
}

/** PostgreSQL text cannot hold U+0000 (§3.8). */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\ufffd') : text;
}

/** Lengths count characters (code points), as PostgreSQL does; the UTF-16 length is an upper bound. */
export function tooLong(text: string, max: number): boolean {
  return text.length > max && text.length - (text.match(/[\ud800-\udbff][\udc00-\udfff]/g)?.length ?? 0) > max;
}

// ASCII only: JavaScript's `\s` also matches U+00A0, U+2003, U+FEFF... so "\u00a05" would read as 5.
// §5.2 step 6 allows surrounding spaces (and tabs); §7.2's level pattern any ASCII whitespace.
const DECIMAL_TEXT = /^[ \t]*([+-]?)([0-9]+)(?:\.[0-9]+)?[ \t]*$/;
const INTEGER_TEXT = /^[\t\n\v\f\r ]*([+-]?)([0-9]+)[\t\n\v\f\r ]*$/;

/** The §5.2 step 6 number rule, shared by nextIn and repeatEvery: undefined when the value is not a number. */
export function toTruncated(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.trunc(value) + 0 : undefined;
  }
  return typeof value === 'string' ? fromDigits(DECIMAL_TEXT.exec(value)) : undefined;
}

/** The decimal text of an integer, surrounded by ASCII whitespace at most (§7.2); undefined otherwise. */
export function integerText(value: string): number | undefined {
  return fromDigits(INTEGER_TEXT.exec(value));
}

// Truncation keeps the integer digits: Number('60.9999999999999999') rounds to 61 before any Math.trunc.
function fromDigits(match: RegExpExecArray | null): number | undefined {
  if (match === null) {
    return undefined;
  }
  const magnitude = Number(match[2]);
  return match[1] === '-' ? 0 - magnitude + 0 : magnitude;
}

/** A repeated query key counts by its last value. */
export function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** A query value: the last of a repeated key; absent or empty means undefined (§7.3). */
export function param<T>(
  query: Record<string, unknown>,
  name: string,
  hint: string,
  parse: (text: string, hint: string) => T,
): T | undefined {
  const value = last(field(query, name));
  if (!isPresent(value)) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new HintedError(400, hint);
  }
  return parse(value, hint);
}

export function parseInteger(text: string, min: number, max: number, hint: string): number {
  const value = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new HintedError(400, hint);
  }
  return value + 0;
}

/** `humanDates` is on only for exactly `1` (§5.4); a repeated query key counts by its last value. */
export function isHumanDates(value: unknown): boolean {
  return last(value) === '1';
}
