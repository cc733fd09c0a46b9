import { PUNCTUATION } from './search-pattern';

/**
 * The text a `^literal$` pattern matches exactly (case-insensitively), or undefined for any other pattern: such a
 * search is an indexed equality on lower(service) instead of a regex scan. Only plain characters and escaped
 * punctuation count as literal, so every pattern this accepts means the same as its regex.
 */
export function exactLiteral(pattern: string): string | undefined {
  const chars = Array.from(pattern);
  if (chars.length < 3 || chars[0] !== '^' || chars[chars.length - 1] !== '$') {
    return undefined;
  }
  let text = '';
  for (let i = 1; i < chars.length - 1; i++) {
    const char = chars[i];
    if (char === '\\') {
      const next = chars[++i];
      if (next === undefined || i === chars.length - 1 || !PUNCTUATION.test(next)) {
        return undefined;
      }
      text += next;
    } else if (PUNCTUATION.test(char) && !LITERAL_PUNCTUATION.includes(char)) {
      return undefined;
    } else {
      text += char;
    }
  }
  return text;
}

/** Punctuation with no meaning outside a class, as §7.4 reads it. */
const LITERAL_PUNCTUATION = '!"#%&\',-/:;<=>@_`~';
