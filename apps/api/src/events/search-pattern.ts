import { HintedError, quoteForHint } from '../common/hinted-error';

// §7.4: `service` and `message` filters accept a portable regex subset (same meaning in RE2, JavaScript,
// Python and PostgreSQL). Patterns outside it are refused; accepted ones are rewritten for PostgreSQL's
// `~*` (case-insensitive, unanchored, `^`/`$` at the value ends), whose DFA matcher runs in linear time.

const MAX_LENGTH = 256;
const MAX_COUNT = 1000;
// PostgreSQL refuses counts above 255 (DUPMAX), so larger ones are split into nested counts
const PG_MAX_COUNT = 255;
// PostgreSQL expands counts into copies: matching a 100 000-character value can cost 0.6 ms per copied atom
const MAX_EXPANDED_ATOMS = 2000;
// and copies of a group that can match empty text compile in cubic time ((?:a?){1000}: 15 s)
const MAX_NULLABLE_COPIES = 100;

const CLASS_ESCAPES: Record<string, string> = { d: '0-9', w: 'a-zA-Z0-9_', s: ' \\t\\n\\r\\f\\v' };
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' };
export const PUNCTUATION = /^[!-/:-@[-`{-~]$/;

/** Checks a §7.4 pattern and returns the equivalent PostgreSQL ARE source, to be used with `~*`. */
export function compileSearchPattern(pattern: string, field: 'service' | 'message'): string {
  const chars = Array.from(pattern);
  if (chars.length > MAX_LENGTH) {
    throw new HintedError(400, `${field} regex too long (max ${MAX_LENGTH})`);
  }
  try {
    return new PatternCompiler(chars).compile();
  } catch (error) {
    throw error instanceof PatternError
      ? new HintedError(400, `invalid ${field} regex: ${quoteForHint(error.message)}`)
      : error;
  }
}

class PatternError extends Error {}

interface Piece {
  source: string;
  size: number; // atoms once PostgreSQL has expanded the counted repetitions
  nullable: boolean; // can match the empty string
  anchored: boolean; // holds a ^ or $
}

class PatternCompiler {
  private pos = 0;

  constructor(private readonly chars: readonly string[]) {}

  compile(): string {
    const result = this.alternation();
    if (this.pos < this.chars.length) {
      throw new PatternError(`unmatched ) at position ${this.pos + 1}`);
    }
    return checkSize(result).source;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private alternation(): Piece {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.sequence());
    }
    return {
      source: branches.map((branch) => branch.source).join('|'),
      size: branches.reduce((total, branch) => total + branch.size, 0),
      nullable: branches.some((branch) => branch.nullable),
      anchored: branches.some((branch) => branch.anchored),
    };
  }

  private sequence(): Piece {
    const sequence: Piece = { source: '', size: 0, nullable: true, anchored: false };
    while (this.pos < this.chars.length && this.peek() !== '|' && this.peek() !== ')') {
      const piece = this.quantified();
      sequence.source += piece.source;
      sequence.size += piece.size;
      sequence.nullable &&= piece.nullable;
      sequence.anchored ||= piece.anchored;
    }
    return sequence;
  }

  private quantified(): Piece {
    const atom = this.atom();
    const counts = this.quantifier();
    if (counts === undefined) {
      return atom;
    }
    if (atom.source === '^' || atom.source === '$') {
      throw new PatternError(`nothing to repeat at position ${this.pos}`);
    }
    // lazy and greedy forms find the same matches; only the yes/no answer reaches `~*`
    this.pos += this.peek() === '?' ? 1 : 0;
    if ('*+?{'.includes(this.peek() ?? '-')) {
      throw new PatternError(`multiple repeat at position ${this.pos + 1}`);
    }
    return repeat(atom, counts.min, counts.max);
  }

  private quantifier(): { min: number; max?: number } | undefined {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : undefined };
    }
    if (c !== '{') {
      return undefined;
    }
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.pos, this.pos + 24).join(''));
    if (match === null) {
      throw new PatternError(`unescaped { at position ${this.pos + 1} (counts are {m}, {m,} or {m,n})`);
    }
    this.pos += match[0].length;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? undefined : Number(match[3]);
    const largest = max ?? min;
    if (largest > MAX_COUNT || largest < min) {
      throw new PatternError(`${largest < min ? 'counts out of order' : `count above ${MAX_COUNT}`} in ${match[0]}`);
    }
    return { min, max };
  }

  private atom(): Piece {
    const c = this.chars[this.pos++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return atomPiece(this.bracket());
      case '.':
        // PostgreSQL's `.` also matches a line break; the other engines' does not
        return atomPiece('[^\\n]');
      case '^':
      case '$':
        return { source: c, size: 0, nullable: true, anchored: true };
      case '\\':
        return atomPiece(this.escape(false));
      case '*':
      case '+':
      case '?':
      case '{': {
        const at = this.pos--;
        this.quantifier(); // throws "unescaped {" when the `{` starts no count
        throw new PatternError(`nothing to repeat at position ${at}`);
      }
      case '}':
        throw new PatternError(`unescaped } at position ${this.pos}`);
      case ']':
        throw new PatternError(`unmatched ] at position ${this.pos}`);
      default:
        return atomPiece(literal(c));
    }
  }

  private group(): Piece {
    if (this.peek() === '?') {
      if (this.peek(1) !== ':') {
        throw refusal(`(${this.chars.slice(this.pos, this.pos + 3).join('')}`);
      }
      this.pos += 2;
    }
    const inner = this.alternation();
    if (this.peek() !== ')') {
      throw new PatternError('missing )');
    }
    this.pos++;
    // Skippable anchors multiply PostgreSQL's compile work: (?:^|$) 12 times takes 5 ms, 16 times 7 s
    const size = inner.size + (inner.nullable && inner.anchored ? MAX_EXPANDED_ATOMS / 10 : 0);
    // capture groups become plain groups: nothing reads the captures, and PostgreSQL matches faster without
    return checkSize({ ...inner, size, source: `(?:${inner.source})` });
  }

  private bracket(): string {
    const negated = this.peek() === '^';
    this.pos += negated ? 1 : 0;
    if (this.peek() === ']') {
      // JavaScript reads `[]` as an empty class where the others read a literal `]`
      throw new PatternError('empty class [] (write \\] for a literal ])');
    }
    let body = '';
    for (let first = true; this.peek() !== ']'; first = false) {
      if (this.pos >= this.chars.length) {
        throw new PatternError('missing ]');
      }
      const item = this.classItem(first);
      if ('set' in item) {
        body += item.set;
      } else if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const end = this.classItem(false);
        if ('set' in end) {
          throw new PatternError(`invalid range ending in a class escape at position ${this.pos}`);
        }
        if ((item.char.codePointAt(0) as number) > (end.char.codePointAt(0) as number)) {
          throw new PatternError(`range out of order: ${item.char}-${end.char}`);
        }
        body += `${literal(item.char)}-${literal(end.char)}`;
      } else {
        body += literal(item.char);
      }
    }
    this.pos++;
    return `[${negated ? '^' : ''}${body}]`;
  }

  private classItem(first: boolean): { char: string } | { set: string } {
    const c = this.chars[this.pos++];
    if (c === '\\') {
      const escaped = this.escape(true);
      return escaped.length === 1 ? { char: escaped } : { set: escaped };
    }
    if (c === '[') {
      // PostgreSQL reads `[:alpha:]`, `[.x.]` and `[=x=]` inside brackets; the others do not
      throw new PatternError(`unescaped [ inside [] at position ${this.pos}`);
    }
    if (c === '-' && !first && this.peek() !== ']' && this.peek() !== undefined) {
      throw new PatternError(`ambiguous - inside [] at position ${this.pos} (write \\-)`);
    }
    return { char: c };
  }

  // Outside brackets: PostgreSQL source. Inside: one raw character, or the body of a set (`0-9`)
  private escape(inBracket: boolean): string {
    const c = this.chars[this.pos++];
    if (c === undefined) {
      throw new PatternError('trailing backslash');
    }
    const set = CLASS_ESCAPES[c.toLowerCase()];
    if (set !== undefined) {
      if (inBracket && c !== c.toLowerCase()) {
        throw new PatternError(`\\${c} inside [] is not supported (PostgreSQL 15 refuses it)`);
      }
      // PostgreSQL's own \d \w \s follow the database locale; explicit ASCII sets keep the portable meaning
      return inBracket ? set : `[${c === c.toLowerCase() ? '' : '^'}${set}]`;
    }
    const char = CONTROL_ESCAPES[c] ?? (PUNCTUATION.test(c) ? c : undefined);
    if (char === undefined) {
      throw refusal(`\\${c}`);
    }
    return inBracket ? char : literal(char);
  }
}

// One character as PostgreSQL source: punctuation escaped; U+0000 looked for as U+FFFD, as stored (§3.8)
function literal(c: string): string {
  return c === '\u0000' ? '\ufffd' : PUNCTUATION.test(c) ? `\\${c}` : c;
}

function atomPiece(source: string): Piece {
  return { source, size: 1, nullable: false, anchored: false };
}

function checkSize(piece: Piece): Piece {
  if (piece.size > MAX_EXPANDED_ATOMS) {
    throw new PatternError('too complex for a safe search (repeated counts or optional anchors)');
  }
  return piece;
}

function repeat(atom: Piece, min: number, max: number | undefined): Piece {
  const copies = Math.max(1, min, max ?? min);
  const size = Math.max(atom.size, 1) * copies;
  if (atom.nullable && copies > 1 && size > MAX_NULLABLE_COPIES) {
    throw new PatternError(`too complex: a group that can match empty text repeated over ${MAX_NULLABLE_COPIES} times`);
  }
  const a = atom.source;
  let source = counted(a, min, false) + (max === undefined ? `${a}*` : counted(a, max - min, true));
  if (max === undefined && min <= 1) {
    source = min === 0 ? `${a}*` : `${a}+`;
  }
  return checkSize({ ...atom, source, size, nullable: atom.nullable || min === 0 });
}

// a{n} or a{0,n}, with n above 255 written (?:a{255}){q}a{r}: the same language, in counts PostgreSQL accepts
function counted(a: string, n: number, optional: boolean): string {
  const count = (k: number) => (optional ? `{0,${k}}` : `{${k}}`);
  const whole = Math.floor(n / PG_MAX_COUNT);
  const rest = n % PG_MAX_COUNT;
  return (whole === 0 ? '' : `(?:${a}${count(PG_MAX_COUNT)}){${whole}}`) + (rest === 0 ? '' : a + count(rest));
}

// Why a construct outside the subset is refused, by how it starts
const REFUSALS: [RegExp, string][] = [
  [/^\(\?(?:[=!]|<[=!])/, 'lookaround is not supported'],
  [/^\(\?[<P']/, 'named groups are not supported'],
  [/^\(\?#/, 'comments are not supported'],
  [/^\(\?[a-zA-Z^-]/, 'inline flags are not supported'],
  [/^\\\d/, 'backreferences are not supported'],
  [/^\\[bB]/, 'word boundaries are not supported'],
  [/^\\[pP]/, 'Unicode property classes are not supported'],
];

function refusal(construct: string): PatternError {
  const reason = REFUSALS.find(([start]) => start.test(construct))?.[1] ?? 'unsupported syntax';
  return new PatternError(`${reason}: ${construct}`);
}
