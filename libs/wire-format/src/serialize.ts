// Writes JSON by walking the §2 tables: keys in table order, null-kind as null, omit-kind left out, integral
// floats with `.0` (§1.7), strings (timestamps included) exactly as held. JSON.stringify cannot do the floats.
import { hasNoValue, leafProblem, lengthProblem } from './rules';
import {
  agentHealthTable,
  hostInfoTable,
  ingestRequestTable,
  ingestResponseTable,
  snapshotTable,
  type FieldType,
  type ObjectSchema,
} from './schema';
import type { AgentHealth, HostInfo, IngestRequest, IngestResponse, Snapshot } from './types';

// The path is a stack pushed and popped on the way down, so a refusal can name the field
type Path = (string | number)[];

function refuse(path: Path, message: string): never {
  const where = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  throw new TypeError(`wire-format: cannot serialize ${where.replace(/^\./, '') || 'body'}: ${message}`);
}

function formatFloat(value: number): string {
  if (!Number.isInteger(value) || Math.abs(value) >= 1e21) {
    return String(value);
  }
  return Object.is(value, -0) ? '-0.0' : `${value}.0`;
}

function writeItems(types: (i: number) => FieldType, items: unknown[], path: Path, nullItems: boolean): string {
  let json = '[';
  for (let i = 0; i < items.length; i++) {
    path.push(i);
    json += (i === 0 ? '' : ',') + (nullItems && items[i] === null ? 'null' : writeValue(types(i), items[i], path));
    path.pop();
  }
  return json + ']';
}

function writeValue(type: FieldType, value: unknown, path: Path): string {
  if (typeof type === 'string' || 'literal' in type || 'enum' in type) {
    const problem = leafProblem(type, value);
    if (problem !== undefined) {
      refuse(path, problem);
    }
    if (type === 'f64') {
      return formatFloat(value as number);
    }
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  }
  if ('object' in type) {
    return writeObject(type.object, value, path);
  }
  if (!Array.isArray(value)) {
    return refuse(path, 'must be an array');
  }
  const problem = lengthProblem(
    value.length,
    'tuple' in type ? { size: type.tuple.length } : 'nullItems' in type ? {} : type,
  );
  if (problem !== undefined) {
    refuse(path, problem);
  }
  if ('tuple' in type) {
    return writeItems((i) => type.tuple[i], value, path, false);
  }
  return writeItems(() => type.array, value, path, 'nullItems' in type);
}

function writeObject(schema: ObjectSchema, value: unknown, path: Path): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse(path, 'must be an object');
  }
  const record = value as Record<string, unknown>;
  let json = '';
  for (const field of schema.fields) {
    const raw = record[field.key];
    path.push(field.key);
    if (!hasNoValue(field, raw)) {
      json += `,"${field.key}":${writeValue(field.type, raw, path)}`;
    } else if (field.kind === 'null') {
      json += `,"${field.key}":null`;
    } else if (field.kind === 'req') {
      refuse(path, raw === null ? 'must not be null' : 'is required');
    }
    path.pop();
  }
  return `{${json.slice(1)}}`;
}

function serialize<T>(schema: ObjectSchema<T>, value: T, root: string): string {
  return writeObject(schema, value, root === '' ? [] : [root]);
}

/**
 * The request body exactly as netwatch writes it (§1, §3), compact. An empty optional list is written as
 * no value and an all-zero `dns_analytics` is left out (§6.2). Throws a `TypeError` naming the field when a
 * value breaks a §1–§2 rule, so an invalid payload is never produced.
 */
export function serializeIngestRequest(request: IngestRequest): string {
  return serialize(ingestRequestTable, request, '');
}

/** One snapshot, as inside {@link serializeIngestRequest} (for the WebSocket `ingest` message). */
export function serializeSnapshot(snapshot: Snapshot): string {
  return serialize(snapshotTable, snapshot, 'snapshot');
}

/** A `HostInfo`, as inside {@link serializeIngestRequest} (for the WebSocket `hello` message). */
export function serializeHostInfo(host: HostInfo): string {
  return serialize(hostInfoTable, host, 'host');
}

/** An `AgentHealth`, as inside {@link serializeIngestRequest} (for the WebSocket `ingest` message). */
export function serializeAgentHealth(health: AgentHealth): string {
  return serialize(agentHealthTable, health, 'agent_health');
}

/** The server's answer to an ingest, compact and in table order like the §3 response examples. */
export function serializeIngestResponse(response: IngestResponse): string {
  return serialize(ingestResponseTable, response, '');
}
