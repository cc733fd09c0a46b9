// Strict number parsing for command output: `Number('')` is 0 and `parseFloat('1x')` is 1, and neither belongs
// in a payload, so only plain decimal text is accepted.

/**
 * A non-negative decimal integer (digits only), or null when the text is anything else or not below `limit`.
 * The default limit keeps counters below 1e21, where JSON would switch to exponent notation.
 */
export function parseUint(text: string | undefined, limit = 1e21): number | null {
  if (text === undefined || !/^\d+$/.test(text)) {
    return null;
  }
  const value = Number(text);
  return value < limit ? value : null;
}

/** A non-negative finite decimal (`0.5`, `12`, `.5`, `5.`), or null. No sign, no exponent, no `inf`. */
export function parseDecimal(text: string | undefined): number | null {
  if (text === undefined || !/^(\d+\.?\d*|\.\d+)$/.test(text)) {
    return null;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
