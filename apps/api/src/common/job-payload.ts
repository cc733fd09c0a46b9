import { UnrecoverableError } from 'bullmq';

/**
 * Job data is input like a request body (a job can be added from Bull Board): each processor checks its
 * job's shape before using it, and a malformed job fails at once with a message saying what is wrong,
 * instead of throwing a TypeError that is retried for days.
 */
export class MalformedJobError extends UnrecoverableError {
  constructor(queue: string, reason: string) {
    super(`malformed ${queue} job: ${reason}`);
    this.name = 'MalformedJobError';
  }
}

export type Shape = Record<string, (value: unknown) => boolean>;

export const isString = (value: unknown): boolean => typeof value === 'string';
export const isNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
export const isBoolean = (value: unknown): boolean => typeof value === 'boolean';
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const orNull =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === null || check(value);
export const orAbsent =
  (check: (value: unknown) => boolean) =>
  (value: unknown): boolean =>
    value === undefined || check(value);
export const oneOf =
  (...allowed: readonly unknown[]) =>
  (value: unknown): boolean =>
    allowed.includes(value);

/** The first field of `value` that breaks `shape`, as "field (got type)", or null when it fits. */
export function shapeError(value: unknown, shape: Shape): string | null {
  if (!isObject(value)) {
    return `expected an object, got ${describe(value)}`;
  }
  for (const [field, check] of Object.entries(shape)) {
    if (!check(value[field])) {
      return `"${field}" is invalid (got ${describe(value[field])})`;
    }
  }
  return null;
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'an array' : typeof value;
}
