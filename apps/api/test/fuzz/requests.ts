import fc from 'fast-check';
import { ADMIN_PASSWORD, PASSWORD } from './fuzz-server';
import { FuzzRequest } from './http';
import { CATASTROPHIC, hugeString, nestedText, numberText, oddString, PROTO_KEYS, regexText, toJson } from './values';

// The parts of a hostile HTTP request: credentials, a body in any encoding, path segments and query strings.

/** Header values undici can put on the wire (tab, 0x20-0x7E, 0x80-0xFF); anything else becomes `?`. */
export function headerSafe(text: string): string {
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

// encodeURIComponent throws on a lone surrogate; the oddity is kept as U+FFFD instead
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export function encodeText(text: string): string {
  return encodeURIComponent(wellFormed(text));
}

function basic(password: string): string {
  return `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
}

const wrongSecret = fc.oneof(
  fc.constantFrom('', ' ', 'nope', `${PASSWORD} `, PASSWORD.toUpperCase(), 'x'.repeat(8000), 'x'.repeat(20_000)),
  oddString.map(headerSafe),
);

/** The `password` header of the watchTower routes: mostly right (so validation is reached), often not. */
export function passwordHeaders(right: string): fc.Arbitrary<[string, string][]> {
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant<[string, string][]>([['password', right]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([['PassWord', right]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
    { weight: 2, arbitrary: wrongSecret.map((value): [string, string][] => [['password', value]]) },
    {
      weight: 1,
      arbitrary: fc.constant<[string, string][]>([
        ['password', right],
        ['password', 'second'],
      ]),
    },
    {
      weight: 1,
      arbitrary: fc.constant<[string, string][]>([['password', right === PASSWORD ? ADMIN_PASSWORD : PASSWORD]]),
    },
  );
}

/** `Authorization` for the agent surfaces: the key, other keys, other schemes, malformed values. */
export function bearerHeaders(keys: { live: string; revoked: string }): fc.Arbitrary<[string, string][]> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<[string, string][]>([['authorization', `Bearer ${keys.live}`]]) },
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            `bearer ${keys.live}`,
            `Bearer  ${keys.live}  `,
            `Bearer ${keys.revoked}`,
            `Bearer ${keys.live.slice(0, 14)}${'0'.repeat(32)}`,
            `Bearer ${keys.live}x`,
            'Bearer ',
            'Bearer',
            `Basic ${keys.live}`,
            basic(PASSWORD),
            `Bearer ${'k'.repeat(8000)}`,
          ),
          oddString.map((text) => `Bearer ${headerSafe(text)}`),
        )
        .map((value): [string, string][] => [['authorization', value]]),
    },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
  );
}

/** Bull Board's basic auth: wrong and malformed credentials on any request, the right ones only where safe. */
export const wrongBoardAuth: fc.Arbitrary<[string, string][]> = fc.oneof(
  fc.constant<[string, string][]>([]),
  fc
    .oneof(
      fc.constantFrom(
        basic('nope'),
        basic(''),
        basic(PASSWORD),
        'Basic',
        'Basic !!!',
        'Basic =',
        `Basic ${'A'.repeat(8000)}`,
      ),
      fc.constantFrom('Bearer x', 'Digest a=b', basic(`${ADMIN_PASSWORD}\u0000`)),
      oddString.map((text) => `Basic ${Buffer.from(text).toString('base64')}`),
    )
    .map((value): [string, string][] => [['authorization', headerSafe(value)]]),
);
export const rightBoardAuth: [string, string][] = [['authorization', basic(ADMIN_PASSWORD)]];

export interface BodyPlan {
  contentType?: string;
  body: string | Buffer;
}

const OTHER_TYPES = [
  undefined,
  'text/plain',
  'application/octet-stream',
  'APPLICATION/JSON; charset=latin1',
  'application/x-www-form-urlencoded',
  '',
  'foo/bar',
  ';;;',
];

// JSON no serializer writes: numbers beyond a double, repeated keys, escapes of lone surrogates and NUL
const RAW_JSON = [
  '{"service":"fz-raw","nextIn":1e400,"alertType":"log","alertTarget":"ops","message":"m"}',
  '{"service":"fz-raw","nextIn":-1e400,"alertType":"log","alertTarget":"ops","message":"m","level":1e400}',
  '{"service":"fz-raw","service":{"a":1},"nextIn":60,"nextIn":"x","alertType":"log","alertTarget":"ops","message":"m"}',
  '{"service":"\\ud800","message":"\\udfff\\u0000","nextIn":60,"alertType":"log","alertTarget":"\\u0000"}',
  '{"\\u0000":1,"service":"fz-raw","message":"m","name":"\\u0000"}',
  '{"service":"fz-raw","message":"m","level":-0,"nextIn":60.0000000000000001,"alertType":"log","alertTarget":"x"}',
  '{"service":"fz-raw","message":"m","level":2147483648,"interval_secs":1e1}',
  '{"__proto__":{"service":"polluted"},"constructor":{"prototype":{"message":"polluted"}}}',
];

function formOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) {
    return String(value);
  }
  const form = new URLSearchParams();
  for (const [key, item] of Object.entries(value)) {
    form.append(key, typeof item === 'string' ? item : toJson(item));
  }
  return form.toString();
}

/** `value` as the body of a request, in every encoding the legacy parser has to cope with. */
export function bodyOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<BodyPlan> {
  const json = value.map(toJson);
  return fc.oneof(
    { weight: 6, arbitrary: json.map((body) => ({ contentType: 'application/json', body })) },
    {
      weight: 2,
      arbitrary: fc.tuple(json, fc.constantFrom(...OTHER_TYPES)).map(([body, contentType]) => ({ contentType, body })),
    },
    {
      weight: 3,
      arbitrary: value.map((item) => ({ contentType: 'application/x-www-form-urlencoded', body: formOf(item) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(oddString, fc.constantFrom('%zz=%&&==', 'a=1&a=2&a', '=&=', '%ff%fe=%c3%28', '__proto__[x]=1'))
        .map((body) => ({ contentType: 'application/x-www-form-urlencoded', body })),
    },
    {
      weight: 1,
      arbitrary: json.map((body) => ({
        contentType: 'multipart/form-data; boundary=x',
        body: `--x\r\n\r\n${body}\r\n--x--`,
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(json, fc.nat(), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88], [0xc0, 0xaf]))
        .map(([text, at, bytes]) => {
          const utf8 = Buffer.from(text);
          const cut = at % (utf8.length + 1);
          return {
            contentType: 'application/json',
            body: Buffer.concat([utf8.subarray(0, cut), Buffer.from(bytes), utf8.subarray(cut)]),
          };
        }),
    },
    { weight: 1, arbitrary: json.map((body) => ({ body: `\ufeff${body}` })) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_JSON).map((body) => ({ contentType: 'application/json', body })) },
    {
      weight: 1,
      arbitrary: fc.tuple(json, fc.nat()).map(([body, at]) => ({ body: body.slice(0, at % (body.length + 1)) })),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: Buffer.from(bytes) })) },
    { weight: 1, arbitrary: fc.constantFrom(33, 1000, 10_000).map((depth) => ({ body: nestedText(depth) })) },
  );
}

export function withBody(request: FuzzRequest, plan: BodyPlan | undefined): FuzzRequest {
  if (plan === undefined) {
    return request;
  }
  const headers = [...(request.headers ?? [])];
  if (plan.contentType !== undefined) {
    headers.push(['content-type', plan.contentType]);
  }
  return { ...request, headers, body: plan.body };
}

const ODD_SEGMENTS = [
  '%zz',
  '%',
  '%00',
  '..',
  '.',
  '%2e%2e',
  'a%2Fb',
  '%c3%28',
  '%ed%a0%80',
  '%ff',
  '~',
  "!$&'()*+,;=",
  '%25',
  '%20',
  '+',
  ':id',
  '*',
];

/** One path segment: known names, any text percent-encoded, raw oddities, past the 3,060-character limit. */
export function segment(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known).map(encodeText) },
    { weight: 3, arbitrary: oddString.map(encodeText) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.constantFrom(...ODD_SEGMENTS), { minLength: 1, maxLength: 3 })
        .map((parts) => parts.join('')),
    },
    { weight: 1, arbitrary: fc.constantFrom('s'.repeat(3060), 's'.repeat(3061), encodeText('😀'.repeat(256))) },
  );
}

/** Query values: numbers as text, dates, regexes, odd and long strings. */
export const queryValue = fc.oneof(
  numberText,
  oddString,
  regexText,
  fc.constantFrom(
    '1',
    '',
    '2026-11-21T22:35:24Z',
    '2026-02-30T00:00:00Z',
    '9999-12-31T23:59:59+00:00',
    '0000-01-01T00:00:00-23:59',
    '2026-11-21 23:35:24 01:00',
    '-62135596801',
    '-62135596800',
    '253402300799',
    '253402300800',
    '0',
    '-1',
    '31536000',
    '2147483648',
    'MTc5NTMwMDU0ODo0Mg',
    Buffer.from('253402300799:9223372036854775807').toString('base64url'),
    Buffer.from('1:99999999999999999999').toString('base64url'),
    Buffer.from('-0:0').toString('base64url'),
    'MQ',
    'MQ==',
  ),
  // percent-encoded, 1,500 characters stay under Node's 16 KiB head limit; the 431s come from the head cases
  hugeString.map((text) => text.slice(0, 1500)),
);

/** `?k=v&...`, keys drawn from the route's own and hostile ones, encoded properly or left half raw. */
export function queryOf(keys: string[], values: fc.Arbitrary<string> = queryValue): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS, 'a[b]', 'a[]', '', 'constructor[prototype][x]') },
  );
  const encode = fc.constantFrom(
    encodeText,
    // only what undici refuses is escaped: '&', '=', '#', '%' and latin1 stay raw
    (text: string) => wellFormed(text).replace(/[^\u0021-\u00ff]/gu, encodeURIComponent),
  );
  return fc
    .array(fc.tuple(key, values, encode), { maxLength: 5 })
    .map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([k, v, e]) => `${e(k)}=${e(v)}`).join('&')));
}

export { CATASTROPHIC };
