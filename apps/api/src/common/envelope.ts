/**
 * Serializes a response body the way Flask 1.0 `jsonify` did (watchtower-protocol.md §3.6): keys sorted by
 * code point at every level, compact separators, ASCII-only output, one line plus `\n`. Values follow the
 * JSON.stringify rules (toJSON honoured, undefined dropped from objects, non-finite numbers as null).
 */
export function serializeEnvelope(value: unknown): string {
  let json: string | undefined;
  try {
    // native JSON.stringify on key-sorted data is about twice as fast as any serializer written in JS
    json = JSON.stringify(sortKeys(value, ''));
  } catch (error) {
    if (error !== INDEX_KEY) {
      throw error;
    }
    json = write(value, '');
  }
  if (json === undefined) {
    throw new TypeError('serializeEnvelope: the value has no JSON representation');
  }
  // JSON.stringify already escapes quotes, backslashes, C0 controls and lone surrogates (lowercase hex);
  // only DEL and above are left, and they can only occur inside string literals.
  return toAscii(json) + '\n';
}

const NOT_ASCII = /[\u007f-\uffff]/g;

/** JSON text with every unit from DEL up as `\uXXXX` (lowercase hex), the envelope's escaping. */
export function toAscii(json: string): string {
  return json.replace(NOT_ASCII, escapeUnit);
}

function escapeUnit(unit: string): string {
  return '\\u' + unit.charCodeAt(0).toString(16).padStart(4, '0');
}

// Thrown when a copy cannot hold a key as an ordinary property: V8 enumerates array-index keys ("9", "10")
// first and ascending whatever the insertion order, and assigning `__proto__` sets the prototype instead
const INDEX_KEY = Symbol('index key');
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

type Json = { toJSON(key: string): unknown };

function hasToJson(value: object): value is Json {
  return typeof (value as Partial<Json>).toJSON === 'function';
}

// Returns the input itself when nothing below it needs reordering, so pre-sorted rows cost no allocation.
function sortKeys(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  // JSON.stringify calls toJSON once and never on its result, so that result must reach it as a plain copy
  return hasToJson(value) ? sortValue(value.toJSON(key), true) : sortValue(value, false);
}

function sortValue(value: unknown, mustCopy: boolean): unknown {
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (Array.isArray(value)) {
    let copy = mustCopy ? value.slice() : undefined;
    for (let i = 0; i < value.length; i++) {
      const item = sortKeys(value[i], String(i));
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let changed = !sortInPlace(keys) || mustCopy;
  const members = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const member = object[keys[i]];
    members[i] = sortKeys(member, keys[i]);
    changed ||= members[i] !== member;
  }
  if (!changed) {
    return object;
  }
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    // functions are dropped by JSON.stringify anyway, and a copied `toJSON` one would be called
    if (typeof members[i] !== 'function') {
      if ((ARRAY_INDEX.test(keys[i]) && Number(keys[i]) < 0xffffffff) || keys[i] === '__proto__') {
        throw INDEX_KEY;
      }
      copy[keys[i]] = members[i];
    }
  }
  return copy;
}

/** Insertion sort (objects are small; Array#sort costs more to set up than it saves). True if already sorted. */
function sortInPlace(keys: string[]): boolean {
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && compareCodePoints(keys[j], key) > 0) {
      keys[j + 1] = keys[j];
      j--;
      sorted = false;
    }
    keys[j + 1] = key;
  }
  return sorted;
}

// The slow path, only for objects with array-index keys: same rules as JSON.stringify, written out.
function write(input: unknown, key: string): string | undefined {
  const value = typeof input === 'object' && input !== null && hasToJson(input) ? input.toJSON(key) : input;
  const boxed = value instanceof Number || value instanceof String || value instanceof Boolean;
  if (typeof value !== 'object' || value === null || boxed) {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return '[' + value.map((item, i) => write(item, String(i)) ?? 'null').join(',') + ']';
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  sortInPlace(keys);
  const members: string[] = [];
  for (const name of keys) {
    const member = write(object[name], name);
    if (member !== undefined) {
      members.push(JSON.stringify(name) + ':' + member);
    }
  }
  return '{' + members.join(',') + '}';
}

/** Orders strings by Unicode code point (Python's order), not by UTF-16 unit as `<` does. */
export function compareCodePoints(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  let i = 0;
  while (i < shared && a.charCodeAt(i) === b.charCodeAt(i)) {
    i++;
  }
  if (i === shared) {
    return a.length - b.length;
  }
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x < 0xd800 && y < 0xd800) {
    return x - y;
  }
  // surrogates are involved: restart at the code point boundary and compare whole code points
  if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) {
    i--;
  }
  const left = Array.from(a.slice(i), (c) => c.codePointAt(0) as number);
  const right = Array.from(b.slice(i), (c) => c.codePointAt(0) as number);
  for (let j = 0; j < Math.min(left.length, right.length); j++) {
    if (left[j] !== right[j]) {
      return left[j] - right[j];
    }
  }
  return left.length - right.length;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
