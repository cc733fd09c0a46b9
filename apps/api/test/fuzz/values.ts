import fc from 'fast-check';

// Hostile JSON values, and mutations of valid bodies that plant them at any depth. Serialize with `toJson`:
// JSON.stringify overflows its stack near 10,000 levels, so deep values travel as markers until then.

const DEEP_MARKER = /"@@deep:(\d+)@@"/g;

/** A value nested `depth` levels deep once serialized by `toJson` (arrays and objects alternate). */
export function deep(depth: number): string {
  return `@@deep:${depth}@@`;
}

export function nestedText(depth: number): string {
  const half = Math.floor(depth / 2);
  return '{"a":['.repeat(half) + (depth % 2 === 1 ? '[0]' : '0') + ']}'.repeat(half);
}

export function toJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(DEEP_MARKER, (_, depth: string) => nestedText(Number(depth)));
}

/** Sets an own property, even `__proto__`: a plain assignment would replace the object's prototype instead. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Values JSON can carry that a field of another type must refuse. */
export const wrongType = fc.constantFrom<unknown>(
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 2,
  5e-324,
  [],
  {},
  [null],
  { '': '' },
  '',
  ' ',
);

/** Numbers spelled as text: what forms send, and what strict parsing must refuse or read exactly. */
export const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom(
    ' 60 ',
    '60.9999999999999999',
    '\u00a05',
    '\u20035',
    '\ufeff5',
    '1e3',
    '0x1F',
    '0b11',
    '-0',
    '+7',
    '.5',
    '5.',
    '1_000',
    '٣',
    '５',
    'NaN',
    'Infinity',
    '-Infinity',
    '9'.repeat(400),
    '\t3\n',
  ),
);

const FILL = ['a', 'é', '😀', '\u0000', '\n', '\ud800', '\udfff', ' ', '%', '"', '\\', '\u2028', '\u202e'];

/** Strings around every length limit (255, 1024, 65,536) and far past them, of one repeated character. */
export const hugeString = fc
  .tuple(fc.constantFrom(255, 256, 1024, 1025, 4096, 65_536, 65_537, 200_000), fc.constantFrom(...FILL))
  .map(([length, fill]) => fill.repeat(length));

/** Any code points, lone surrogates included. */
export const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(...FILL),
);

/** An object whose keys are those that reach prototypes when code is careless. */
export const protoObject = fc
  .array(fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 1 })), { minLength: 1, maxLength: 3 })
  .map((entries) => {
    const object: Record<string, unknown> = {};
    entries.forEach(([key, value]) => setOwn(object, key, value));
    return object;
  });

export const deepValue = fc.constantFrom(33, 100, 1000, 10_000).map(deep);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: wrongType },
  { weight: 3, arbitrary: numberText },
  { weight: 2, arbitrary: oddString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: protoObject },
  { weight: 1, arbitrary: deepValue },
);

type Json = unknown;
type Path = (string | number)[];

/** Every place in `value` a mutation can aim at: the value itself, each member, each element. */
function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    value.forEach((item, index) => pathsOf(item, [...path, index], out));
  } else if (typeof value === 'object' && value !== null) {
    Object.entries(value).forEach(([key, item]) => pathsOf(item, [...path, key], out));
  }
  return out;
}

export type Mutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 10 })),
      value: hostileValue,
    }),
  },
);

/**
 * A copy of `base` with the mutations applied in order. Neither the base nor the planted values are touched:
 * some are constants shared by every run, and a later mutation writing into one would change it for good.
 */
export function applyMutations(base: Json, mutations: Mutation[]): Json {
  let value = structuredClone(base);
  for (const original of mutations) {
    const change = 'value' in original ? { ...original, value: structuredClone(original.value) } : original;
    const paths = pathsOf(value);
    const path = paths[change.at % paths.length];
    if (path.length === 0) {
      // the root: only a replacement makes sense (the body as a whole of another type)
      value = change.op === 'replace' ? change.value : value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], value);
    const key = path[path.length - 1];
    if (change.op === 'replace') {
      setOwn(parent, String(key), change.value);
    } else if (change.op === 'delete') {
      if (Array.isArray(parent)) {
        parent.splice(Number(key), 1);
      } else {
        delete parent[key];
      }
    } else if (typeof parent[key] === 'object' && parent[key] !== null && !Array.isArray(parent[key])) {
      setOwn(parent[key], change.key, change.value);
    } else if (Array.isArray(parent)) {
      // a named key on an array would never be serialized, and `constructor` would break splice
      parent.push(change.value);
    } else {
      setOwn(parent, change.key, change.value);
    }
  }
  return value;
}

/** Valid bodies, and those bodies with one to three hostile changes (the valid ones keep the handlers honest). */
export function mutated(base: Json): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(base) },
    {
      weight: 6,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((changes) => applyMutations(base, changes)),
    },
  );
}

/** Regular expressions that backtracking engines take exponential time on, and random ones from regex tokens. */
export const CATASTROPHIC = ['(a+)+$', '(.*a){20}', '(x+x+)+y', '(a|aa)+$', '(a|a?)+$', '([a-z]+)*$', '(.*){1,32000}'];
const REGEX_TOKENS = ['(', ')', '(?:', '(?=', '(?<n>', '\\1', '\\b', '\\p{L}', '[', ']', '[^', '^', '$', '.', '|'];
const QUANTIFIERS = ['*', '+', '?', '{1000}', '{2,}', '{0,1000}', '{1001}', '*?', '{99999999999}', '{,5}'];

export const regexText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...CATASTROPHIC) },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...REGEX_TOKENS, ...QUANTIFIERS), fc.constantFrom('a', 'x', '\\d', '\\')), {
        minLength: 1,
        maxLength: 30,
      })
      .map((tokens) => tokens.join('')),
  },
  { weight: 1, arbitrary: fc.constantFrom('(?:a?){1000}', '((a{1000}){1000}){1000}', 'a'.repeat(257), '(?i)a') },
);
