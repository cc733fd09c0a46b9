import { Client } from 'pg';

import { HintedError } from '../common/hinted-error';
import { exactLiteral } from './exact-literal';
import { compileSearchPattern } from './search-pattern';

// Same variable and default as the e2e helpers (apps/api/test/stores.ts)
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function hintOf(pattern: string, field: 'service' | 'message' = 'service'): string {
  try {
    compileSearchPattern(pattern, field);
  } catch (error) {
    expect(error).toBeInstanceOf(HintedError);
    expect((error as HintedError).status).toBe(400);
    return (error as HintedError).hint;
  }
  throw new Error(`expected ${JSON.stringify(pattern)} to be refused`);
}

describe(compileSearchPattern.name, () => {
  describe('refusals', () => {
    it.each<[string, string]>([
      ['(a)\\1', 'backreferences are not supported: \\1'],
      ['(?=a)', 'lookaround is not supported: (?=a'],
      ['a(?!b)', 'lookaround is not supported: (?!b'],
      ['(?<=a)b', 'lookaround is not supported: (?<='],
      ['(?<n>a)', 'named groups are not supported: (?<n'],
      ['(?P<n>a)', 'named groups are not supported: (?P<'],
      ['(?i)a', 'inline flags are not supported: (?i)'],
      ['\\b', 'word boundaries are not supported: \\b'],
      ['[\\b]', 'word boundaries are not supported: \\b'],
      ['\\p{L}', 'Unicode property classes are not supported: \\p'],
      ['\\x41', 'unsupported syntax: \\x'],
      ['a{1001}', 'count above 1000 in {1001}'],
      ['a{2,1001}', 'count above 1000 in {2,1001}'],
      ['a{3,2}', 'counts out of order in {3,2}'],
      ['a{,5}', 'unescaped { at position 2 (counts are {m}, {m,} or {m,n})'],
      ['(a', 'missing )'],
      ['a)', 'unmatched ) at position 2'],
      ['*a', 'nothing to repeat at position 1'],
      ['a|+', 'nothing to repeat at position 3'],
      ['^*', 'nothing to repeat at position 2'],
      ['a**', 'multiple repeat at position 3'],
      ['a{2}{3}', 'multiple repeat at position 5'],
      ['[a', 'missing ]'],
      ['[]a]', 'empty class [] (write \\] for a literal ])'],
      ['a]', 'unmatched ] at position 2'],
      ['a}', 'unescaped } at position 2'],
      ['[z-a]', 'range out of order: z-a'],
      ['[\\d-z]', 'ambiguous - inside [] at position 4 (write \\-)'],
      ['[[:alpha:]]', 'unescaped [ inside [] at position 2'],
      ['[\\D]', '\\D inside [] is not supported (PostgreSQL 15 refuses it)'],
      ['[^\\W]', '\\W inside [] is not supported (PostgreSQL 15 refuses it)'],
      ['[a\\S]', '\\S inside [] is not supported (PostgreSQL 15 refuses it)'],
      ['a\\', 'trailing backslash'],
      ['(?:a?){101}', 'too complex: a group that can match empty text repeated over 100 times'],
      ['(?:.{1000}){3}', 'too complex for a safe search (repeated counts or optional anchors)'],
      ['(?:^|$)'.repeat(11), 'too complex for a safe search (repeated counts or optional anchors)'],
    ])('refuses %j', (pattern, reason) => {
      expect(hintOf(pattern)).toBe(`invalid service regex: ${reason}`);
    });

    it('names the field and keeps the hint on one line of at most 100 characters of reason', () => {
      expect(hintOf('(?\nx', 'message')).toBe('invalid message regex: unsupported syntax: (?////x');
      expect(hintOf(`(?=${'a'.repeat(200)})`).length).toBeLessThanOrEqual('invalid service regex: '.length + 100);
    });

    it('limits patterns to 256 characters', () => {
      expect(hintOf('a'.repeat(257))).toBe('service regex too long (max 256)');
      expect(hintOf('a'.repeat(257), 'message')).toBe('message regex too long (max 256)');
      expect(compileSearchPattern('😀'.repeat(256), 'service')).toBe('😀'.repeat(256));
    });
  });

  describe('translation for PostgreSQL', () => {
    it.each<[string, string]>([
      ['SVCA', 'SVCA'],
      ['^svc[AD]$', '^svc[AD]$'],
      ['a.b', 'a[^\\n]b'],
      ['\\d+\\W', '[0-9]+[^a-zA-Z0-9_]'],
      ['[\\d\\s_-]', '[0-9 \\t\\n\\r\\f\\v\\_\\-]'],
      ['(a|b)+?c*?', '(?:a|b)+c*'],
      ['a{1000}', '(?:a{255}){3}a{235}'],
      ['a{2,}x{1,300}', 'a{2}a*x{1}(?:x{0,255}){1}x{0,44}'],
      ['a\\.b/c#', 'a\\.b\\/c\\#'],
      ['a\u0000', 'a\ufffd'],
    ])('%j -> %j', (pattern, source) => {
      expect(compileSearchPattern(pattern, 'service')).toBe(source);
    });
  });

  describe('on PostgreSQL', () => {
    let db: Client;

    beforeAll(async () => {
      db = new Client({ connectionString: DATABASE_URL });
      await db.connect();
    });
    afterAll(async () => db.end());

    async function matches(value: string, pattern: string): Promise<boolean> {
      const source = compileSearchPattern(pattern, 'message');
      const { rows } = await db.query<{ m: boolean }>('select $1::text ~* $2 as m', [value, source]);
      return rows[0].m;
    }

    it.each<[string, string, boolean]>([
      ['SVCA', 'svcA', true],
      ['^svc[AD]$', 'svcA', true],
      ['^svc[AD]$', 'SVCd', true],
      ['^svc[AD]$', 'svcAB', false],
      ['^svc[AD]$', 'xsvcA', false],
      ['a.b', 'a\nb', false],
      ['a.b', 'a\rb', true],
      ['[^x]', '\n', true],
      ['^b', 'a\nb', false],
      ['a$', 'a\nb', false],
      ['\\d+', 'build 42', true],
      ['\\d+', 'build', false],
      ['[\\d]', '7', true],
      ['\\D', '123', false],
      ['[\\w]+$', 'ok_1', true],
      ['\\s', 'a\tb', true],
      ['a+?b', 'aaab', true],
      ['^a*?$', 'aaa', true],
      ['^(?:a|b){2,3}$', 'ab', true],
      ['^(?:a|b){2,3}$', 'abab', false],
      ['^(a)(b)?$', 'A', true],
      ['^a{1000}$', 'a'.repeat(1000), true],
      ['^a{1000}$', 'a'.repeat(999), false],
      ['^a{256,300}$', 'a'.repeat(300), true],
      ['^a{256,300}$', 'a'.repeat(301), false],
      ['[\\]\\-\\\\^]', '^', true],
      ['(^|,)tag(,|$)', 'x,tag', true],
      ['(^|,)tag(,|$)', 'xtag', false],
      ['a\u0000', 'a\ufffd', true],
      ['é', 'É', true],
    ])('%j against %j: %s', async (pattern, value, expected) => {
      await expect(matches(value, pattern)).resolves.toBe(expected);
    });

    it('agrees with JavaScript on a grid of patterns and values', async () => {
      const patterns = ['^[a-c]+$', '[^a-c]', 'b?c$', '(?:ab|c)+', '\\S\\s\\S', '^.{2}$', '[-x]', '\\$|\\^', 'x{0}y'];
      const values = ['', 'abc', 'ABC', 'a c', 'ab\nc', 'x', '-', 'y', '$', 'cab', 'é', 'a\tb'];
      for (const pattern of patterns) {
        const expected = values.map((value) => new RegExp(pattern, 'iu').test(value));
        const actual = await Promise.all(values.map(async (value) => matches(value, pattern)));
        expect({ pattern, actual }).toEqual({ pattern, actual: expected });
      }
    });

    it.each<[string, string]>([
      ['(a+)+$', `${'a'.repeat(100000)}!`],
      ['(.*a){20}', 'b'.repeat(100000)],
      ['(x+x+)+y', 'x'.repeat(100000)],
      ['(?:a?){100}b', 'a'.repeat(100000)],
      ['(?:^|,)a(?:,|$)'.repeat(4), `${'a,'.repeat(50000)}`],
    ])('answers %j against a 100 000-character value within 1 s', async (pattern, value) => {
      const start = Date.now();
      await matches(value, pattern);
      expect(Date.now() - start).toBeLessThan(1000);
    });
  });
});

describe(exactLiteral.name, () => {
  it.each([
    ['^svc-42$', 'svc-42'],
    ['^Billing API$', 'Billing API'],
    ['^a\\.b\\*c$', 'a.b*c'],
    ['^été_2026@host:1$', 'été_2026@host:1'],
  ])('reads %s as the exact text %s', (pattern, text) => {
    expect(exactLiteral(pattern)).toBe(text);
  });

  it.each([
    'svc-42',
    '^svc-42',
    'svc-42$',
    '^svc.42$',
    '^a|b$',
    '^(a)$',
    '^a+$',
    '^a\\$',
    '^\\d$',
    '^[a]$',
    '^$',
    '^a{2}$',
  ])('leaves %s to the regex', (pattern) => {
    expect(exactLiteral(pattern)).toBeUndefined();
  });
});
