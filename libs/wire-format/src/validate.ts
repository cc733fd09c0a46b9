// Hand-written walker over the §2 tables (no schema library: the full §3 example must validate in well under
// 1 ms). Bad input never throws; the first problem comes back with its path, built only on failure.
import { hasNoValue, leafProblem, lengthProblem } from './rules';
import {
  agentHealthTable,
  hostInfoTable,
  ingestRequestTable,
  ingestResponseTable,
  MAX_SNAPSHOTS,
  SNAPSHOT_BOUNDS,
  snapshotTable,
  type ArrayType,
  type FieldSpec,
  type FieldType,
  type ObjectSchema,
} from './schema';
import type { AgentHealth, HostInfo, IngestRequest, IngestResponse, Snapshot } from './types';

/** The first rule a value breaks. */
export interface ValidationError {
  /** Path of the bad field, e.g. `snapshots[3].interfaces[0].rx_bytes`; `''` for the body itself. */
  path: string;
  message: string;
  /** HTTP status §4.2 gives this failure: `413` for more than 100 snapshots, otherwise `400`. */
  status: 400 | 413;
}

/** Outcome of a validation: the normalised value (known keys only, null-kind optionals set) or the error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ValidationError };

/** A request whose envelope is valid; its snapshots are still to be judged one by one (§4.2). */
export type IngestEnvelope = Omit<IngestRequest, 'snapshots'> & { snapshots: unknown[] };

// Segments are collected while the recursion unwinds, so a valid payload never builds a path string
class Issue {
  readonly segments: (string | number)[] = [];

  constructor(
    readonly message: string,
    readonly status: 400 | 413 = 400,
  ) {}

  at(segment: string | number): this {
    this.segments.push(segment);
    return this;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkArray(type: ArrayType, value: unknown[]): unknown[] | Issue {
  const nullItems = 'nullItems' in type;
  const problem = nullItems ? undefined : lengthProblem(value.length, type);
  if (problem !== undefined) {
    return new Issue(problem);
  }
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = nullItems && value[i] === null ? null : checkType(type.array, value[i]);
    if (item instanceof Issue) {
      return item.at(i);
    }
    out.push(item);
  }
  return out;
}

function checkType(type: FieldType, value: unknown): unknown {
  if (typeof type === 'string' || 'literal' in type || 'enum' in type) {
    const problem = leafProblem(type, value);
    return problem === undefined ? value : new Issue(problem);
  }
  if ('object' in type) {
    return checkObject(type.object, value);
  }
  if (!Array.isArray(value)) {
    return new Issue('must be an array');
  }
  if ('array' in type) {
    return checkArray(type, value);
  }
  const problem = lengthProblem(value.length, { size: type.tuple.length });
  if (problem !== undefined) {
    return new Issue(problem);
  }
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = checkType(type.tuple[i], value[i]);
    if (item instanceof Issue) {
      return item.at(i);
    }
    out.push(item);
  }
  return out;
}

// §1.3: a missing key and null are the same on input; the output spells null-kind as null, omits omit-kind
function checkField(field: FieldSpec, raw: unknown, out: Record<string, unknown>): Issue | undefined {
  if (raw === undefined || raw === null) {
    if (field.kind === 'req') {
      return new Issue(raw === null ? 'must not be null' : 'is required').at(field.key);
    }
  } else {
    const value = checkType(field.type, raw);
    if (value instanceof Issue) {
      return value.at(field.key);
    }
    if (!hasNoValue(field, value)) {
      out[field.key] = value;
      return undefined;
    }
  }
  if (field.kind === 'null') {
    out[field.key] = null;
  }
  return undefined;
}

function checkObject(schema: ObjectSchema, value: unknown): Record<string, unknown> | Issue {
  if (!isRecord(value)) {
    return new Issue('must be an object');
  }
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    const issue = checkField(field, value[field.key], out);
    if (issue !== undefined) {
      return issue;
    }
  }
  return out;
}

function failure(issue: Issue, prefix: string): { ok: false; error: ValidationError } {
  let path = prefix;
  for (let i = issue.segments.length - 1; i >= 0; i--) {
    const segment = issue.segments[i];
    path = typeof segment === 'number' ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`;
  }
  return { ok: false, error: { path, message: issue.message, status: issue.status } };
}

function validateObject<T>(schema: ObjectSchema<T>, value: unknown, prefix: string): Result<T> {
  const out = checkObject(schema, value);
  return out instanceof Issue ? failure(out, prefix) : { ok: true, value: out as T };
}

/**
 * Request-level checks of §4.2 steps 6–8: `schema_version`, `agent_version`, `host` and `agent_health`
 * fully, `snapshots` only as an array of 1 to 100 entries (more than 100 gives `status: 413`).
 * Validate each entry of `value.snapshots` with {@link validateSnapshot} so one bad snapshot never sinks
 * the batch.
 */
export function validateEnvelope(body: unknown): Result<IngestEnvelope> {
  if (!isRecord(body)) {
    return failure(new Issue('must be an object'), '');
  }
  const out: Record<string, unknown> = {};
  for (const field of ingestRequestTable.fields) {
    const raw = body[field.key];
    if (field.key !== 'snapshots') {
      const issue = checkField(field, raw, out);
      if (issue !== undefined) {
        return failure(issue, '');
      }
    } else if (Array.isArray(raw)) {
      out.snapshots = raw;
    } else {
      const message = raw === undefined ? 'is required' : raw === null ? 'must not be null' : 'must be an array';
      return failure(new Issue(message).at('snapshots'), '');
    }
  }
  const count = (out.snapshots as unknown[]).length;
  const problem = lengthProblem(count, SNAPSHOT_BOUNDS);
  if (problem !== undefined) {
    return failure(new Issue(problem, count > MAX_SNAPSHOTS ? 413 : 400).at('snapshots'), '');
  }
  return { ok: true, value: out as IngestEnvelope };
}

/**
 * Validates one snapshot. Error paths start with `snapshots[index]`, or with `snapshot` when no index is
 * given (the agent checking a snapshot before enqueueing it, §6.11). Does not apply the ±24 h window.
 */
export function validateSnapshot(value: unknown, index?: number): Result<Snapshot> {
  return validateObject(snapshotTable, value, index === undefined ? 'snapshot' : `snapshots[${index}]`);
}

/** Validates a whole request, envelope first, and reports the first problem anywhere in it. */
export function validateIngestRequest(body: unknown): Result<IngestRequest> {
  const envelope = validateEnvelope(body);
  if (!envelope.ok) {
    return envelope;
  }
  const snapshots: Snapshot[] = [];
  for (let i = 0; i < envelope.value.snapshots.length; i++) {
    const snapshot = validateSnapshot(envelope.value.snapshots[i], i);
    if (!snapshot.ok) {
      return snapshot;
    }
    snapshots.push(snapshot.value);
  }
  return { ok: true, value: { ...envelope.value, snapshots } };
}

/** Validates a `HostInfo` on its own (the WebSocket `hello`); `path` prefixes error paths. */
export function validateHostInfo(value: unknown, path = 'host'): Result<HostInfo> {
  return validateObject(hostInfoTable, value, path);
}

/** Validates an `AgentHealth` on its own (the WebSocket `ingest`); `path` prefixes error paths. */
export function validateAgentHealth(value: unknown, path = 'agent_health'): Result<AgentHealth> {
  return validateObject(agentHealthTable, value, path);
}

/** Validates a server's answer to an ingest (§2.14), as the agent reads it. */
export function validateIngestResponse(body: unknown): Result<IngestResponse> {
  return validateObject(ingestResponseTable, body, '');
}

/** `path: message`, the text §4.2 puts in a rejected snapshot's result; the body itself is called `body`. */
export function formatValidationError(error: ValidationError): string {
  return `${error.path === '' ? 'body' : error.path}: ${error.message}`;
}
