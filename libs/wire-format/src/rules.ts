// The per-value rules of §1, shared by the validator (which reports them) and the serializer (which refuses
// to write a value that breaks them). Each function answers with the problem's message, or undefined.
import type { FieldSpec, FieldType } from './schema';
import { isTimestamp } from './timestamp';

const NON_NEGATIVE_INTEGER = 'must be a non-negative integer';
// 2^64 is the first double above u64::MAX; JSON.parse rounds u64::MAX itself up to it
const U64_LIMIT = 2 ** 64;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function integerProblem(value: unknown, limit: number, max: string): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return NON_NEGATIVE_INTEGER;
  }
  return value < limit ? undefined : `must be at most ${max}`;
}

/** Problem with a value whose type is not an array, a tuple or an object. */
export function leafProblem(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'u64':
      return integerProblem(value, U64_LIMIT, '18446744073709551615');
    case 'u32':
      return integerProblem(value, 2 ** 32, '4294967295');
    case 'u16':
      return integerProblem(value, 2 ** 16, '65535');
    case 'f64':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'timestamp':
      return typeof value === 'string' && isTimestamp(value) ? undefined : 'must be an RFC 3339 timestamp';
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? undefined : 'must be a lowercase hyphenated UUID';
  }
  if ('literal' in type) {
    return value === type.literal ? undefined : `must be ${type.literal}`;
  }
  if ('enum' in type) {
    return typeof value === 'string' && type.enum.includes(value)
      ? undefined
      : `must be one of ${type.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  throw new Error('wire-format: composite type reached leafProblem'); // a bug in this library, not bad input
}

/** Problem with the length of an array whose element count the table fixes or bounds. */
export function lengthProblem(
  length: number,
  bounds: { size?: number; min?: number; max?: number },
): string | undefined {
  if (bounds.size !== undefined && length !== bounds.size) {
    return `must have exactly ${bounds.size} elements`;
  }
  if (bounds.min !== undefined && length < bounds.min) {
    return `must have at least ${bounds.min} element${bounds.min === 1 ? '' : 's'}`;
  }
  if (bounds.max !== undefined && length > bounds.max) {
    return `must have at most ${bounds.max} elements`;
  }
  return undefined;
}

/**
 * True when a field has no value: missing, `null`, or (optional fields only, §6.2) an empty list or a value
 * the table declares empty. Input and output then agree: `disk_usage: []` reads and writes as `null`.
 */
export function hasNoValue(field: FieldSpec, value: unknown): boolean {
  if (value === undefined || value === null) {
    return true;
  }
  if (field.kind === 'req') {
    return false;
  }
  return (Array.isArray(value) && value.length === 0) || (field.isEmpty?.(value) ?? false);
}
