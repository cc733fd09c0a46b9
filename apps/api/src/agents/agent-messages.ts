import {
  AgentHealth,
  formatValidationError,
  HostInfo,
  MAX_SNAPSHOTS,
  validateAgentHealth,
  validateHostInfo,
} from '@lib/wire-format';
import { HintedError } from '../common/hinted-error';
import { MAX_DEPTH, tooDeep } from '../common/legacy-body';
import { EventInput, parseEvent } from '../events/events.dto';
import { parsePulse, PulseInput } from '../heartbeat/heartbeat.dto';

// Agent → server messages (agent-protocol.md §3), validated once here: the connection trusts what comes out.

export type AgentMessage =
  | { type: 'hello'; schemaVersion: number; agentVersion: string; host: HostInfo }
  | { type: 'ingest'; id: string; snapshots: unknown[]; agentHealth?: AgentHealth }
  | { type: 'pulse'; id: string; pulse: PulseInput }
  | { type: 'event'; id: string; event: EventInput }
  | { type: 'bye'; reason: string | null };

export type ErrorCode = 'bad_json' | 'unknown_type' | 'invalid' | 'unavailable' | 'internal';

/** A message the server answers with `error`; the connection stays open. */
export class MessageError {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly id?: string,
  ) {}

  toMessage(): object {
    return { type: 'error', ...(this.id === undefined ? {} : { id: this.id }), code: this.code, message: this.message };
  }
}

/** The protocol version this server speaks; an agent asking for another is refused with 4003. */
export const SCHEMA_VERSION = 1 as const;

const MAX_ID = 255;
const TYPES = new Set(['hello', 'ingest', 'pulse', 'event', 'bye']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseAgentMessage(text: string): AgentMessage | MessageError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new MessageError('bad_json', 'not valid JSON');
  }
  if (!isRecord(value)) {
    return new MessageError('invalid', 'a message must be a JSON object');
  }
  const id = typeof value.id === 'string' && value.id.length <= MAX_ID ? value.id : undefined;
  // as for HTTP bodies (§3.3): deeper values would overflow the stack of whatever serializes them later
  if (tooDeep(value)) {
    return new MessageError('invalid', `nesting deeper than ${MAX_DEPTH} levels`, id);
  }
  if (typeof value.type !== 'string') {
    return new MessageError('invalid', 'type: must be a string', id);
  }
  if (!TYPES.has(value.type)) {
    return new MessageError('unknown_type', `unknown message type: ${value.type.slice(0, 50)}`, id);
  }
  try {
    return parseKnown(value.type, value, id);
  } catch (error) {
    // the HTTP parsers throw their hints; over the socket they are `invalid` answers
    if (error instanceof HintedError) {
      return new MessageError('invalid', error.hint, id);
    }
    throw error;
  }
}

function parseKnown(type: string, value: Record<string, unknown>, id: string | undefined): AgentMessage | MessageError {
  if (type === 'hello') {
    return parseHello(value);
  }
  if (type === 'bye') {
    return { type: 'bye', reason: typeof value.reason === 'string' ? value.reason.slice(0, 255) : null };
  }
  if (id === undefined) {
    return new MessageError('invalid', `id: must be a string of 1 to ${MAX_ID} characters`);
  }
  if (type === 'ingest') {
    return parseIngest(value, id);
  }
  if (type === 'pulse') {
    return { type: 'pulse', id, pulse: parsePulse(value) };
  }
  // the message id is the socket's, not an idempotency key: agents restart their counters
  const { id: _messageId, ...body } = value;
  return { type: 'event', id, event: parseEvent(body) };
}

function parseHello(value: Record<string, unknown>): AgentMessage | MessageError {
  if (typeof value.schema_version !== 'number' || !Number.isInteger(value.schema_version)) {
    return new MessageError('invalid', 'schema_version: must be an integer');
  }
  if (typeof value.agent_version !== 'string' || value.agent_version === '') {
    return new MessageError('invalid', 'agent_version: must be a non-empty string');
  }
  const host = validateHostInfo(value.host);
  if (!host.ok) {
    return new MessageError('invalid', formatValidationError(host.error));
  }
  return { type: 'hello', schemaVersion: value.schema_version, agentVersion: value.agent_version, host: host.value };
}

function parseIngest(value: Record<string, unknown>, id: string): AgentMessage | MessageError {
  const snapshots = value.snapshots;
  if (!Array.isArray(snapshots) || snapshots.length < 1 || snapshots.length > MAX_SNAPSHOTS) {
    return new MessageError('invalid', `snapshots: must be an array of 1 to ${MAX_SNAPSHOTS} snapshots`, id);
  }
  if (value.agent_health === undefined) {
    return { type: 'ingest', id, snapshots };
  }
  const health = validateAgentHealth(value.agent_health);
  if (!health.ok) {
    return new MessageError('invalid', formatValidationError(health.error), id);
  }
  return { type: 'ingest', id, snapshots, agentHealth: health.value };
}
