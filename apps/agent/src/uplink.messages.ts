// The agent's side of the WebSocket messages (agent-protocol.md §3). Payloads are written by libs/wire-format's
// serializers and spliced into the message, so an `ingest` carries exactly the bytes an HTTP ingest would.
import { AgentHealth, HostInfo, serializeAgentHealth, serializeHostInfo } from '@lib/wire-format';
import type { QueuedSnapshot } from './send-queue';

/** Frames are at most 1 MiB on the server (`maxPayload`); a message must stay below it. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Codes the server uses for a message it will never accept; any other code for an ingest is worth a retry. */
const PERMANENT_CODES = new Set(['bad_json', 'unknown_type', 'invalid']);

export interface ServerSettings {
  interval_secs?: number;
  health_interval_secs?: number;
  bandwidth_alert_bytes_per_sec?: number;
}

export interface SnapshotOutcome {
  index?: number;
  status: number;
  message?: string;
}

export type ServerMessage =
  | {
      type: 'welcome';
      agent_id?: string;
      host_id?: string;
      server_time?: string;
      server_version?: string;
      settings?: ServerSettings;
    }
  | { type: 'ack'; id: string; accepted?: number; rejected?: number; results?: SnapshotOutcome[] }
  | { type: 'error'; id?: string; code: string; message: string }
  | { type: 'settings_update'; settings: ServerSettings }
  | { type: 'report_now' };

const jsonString = (value: string): string => JSON.stringify(value);

export function helloMessage(agentVersion: string, host: HostInfo): string {
  return `{"type":"hello","schema_version":1,"agent_version":${jsonString(agentVersion)},"host":${serializeHostInfo(host)}}`;
}

export function ingestMessage(id: string, batch: readonly QueuedSnapshot[], health: AgentHealth): string {
  const snapshots = batch.map((entry) => entry.json).join(',');
  return `{"type":"ingest","id":${jsonString(id)},"snapshots":[${snapshots}],"agent_health":${serializeAgentHealth(health)}}`;
}

export function byeMessage(reason: string): string {
  return JSON.stringify({ type: 'bye', reason });
}

export type FittedBatch = { batch: QueuedSnapshot[]; text: string } | { tooLarge: QueuedSnapshot };

/**
 * The largest head of `candidates` whose message stays under `limit` bytes, halving from the full batch
 * (wire-format.md §5.2). A single snapshot that does not fit can never be sent and is returned as `tooLarge`.
 */
export function fitBatch(
  candidates: readonly QueuedSnapshot[],
  build: (batch: readonly QueuedSnapshot[]) => string,
  limit = MAX_FRAME_BYTES,
): FittedBatch {
  let batch = candidates.slice();
  for (;;) {
    const text = build(batch);
    if (Buffer.byteLength(text) < limit) {
      return { batch, text };
    }
    if (batch.length === 1) {
      return { tooLarge: batch[0] };
    }
    batch = batch.slice(0, Math.ceil(batch.length / 2));
  }
}

export function isRetryable(code: string): boolean {
  return !PERMANENT_CODES.has(code);
}

/** The entries of an acknowledged batch the server could not keep (status >= 500), to stay queued. */
export function keptAfterAck(
  batch: readonly QueuedSnapshot[],
  results: readonly SnapshotOutcome[] = [],
): QueuedSnapshot[] {
  return results
    .map((result, position) => ({ result, entry: batch[typeof result.index === 'number' ? result.index : position] }))
    .filter(({ result, entry }) => entry !== undefined && result.status >= 500)
    .map(({ entry }) => entry);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A server message, or null for anything this agent does not understand (logged by the caller, never fatal). */
export function parseServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || typeof value.type !== 'string') {
    return null;
  }
  switch (value.type) {
    case 'welcome':
      return { ...value, type: 'welcome', settings: isObject(value.settings) ? value.settings : undefined };
    case 'ack':
      return typeof value.id === 'string'
        ? { ...value, type: 'ack', id: value.id, results: Array.isArray(value.results) ? value.results : undefined }
        : null;
    case 'error':
      return {
        type: 'error',
        id: typeof value.id === 'string' ? value.id : undefined,
        code: String(value.code),
        message: String(value.message),
      };
    case 'settings_update':
      return isObject(value.settings) ? { type: 'settings_update', settings: value.settings } : null;
    case 'report_now':
      return { type: 'report_now' };
    default:
      return null;
  }
}
