import { Injectable, PipeTransform } from '@nestjs/common';
import { parseAlertChannel } from '../alerts/channels';
import { field, isPresent, MAX_SERVICE, requirePresent, toBoundedText } from '../common/fields';
import { HintedError, quoteForHint } from '../common/hinted-error';
import type { AgentSettingsOverrides } from '../database/entities';

// The enrollment body and the agent id of a path (agent-protocol.md §1), and what the routes answer.

export interface EnrollInput {
  name: string;
  /** Both or neither: without them, the agent's alerts go to the defaults. */
  alertType: string | null;
  alertTarget: string | null;
}

/** An agent as the API shows it: never its key, key prefix or digest. Times are epoch seconds. */
export interface AgentView {
  id: string;
  name: string;
  alertType: string | null;
  alertTarget: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  connected: boolean;
  /** The live socket, from whichever process holds it; null when the agent is not connected. */
  connection: AgentConnectionView | null;
}

/** Socket state, reported apart from snapshot freshness (agent-protocol.md §5). Times are epoch seconds. */
export interface AgentConnectionView {
  protocol: 'ws' | 'wss';
  /** The API process (replica) holding the socket. */
  process: string;
  since: number;
  agentVersion: string | null;
  hostId: string | null;
  lastSnapshotAt: number | null;
}

/** `POST /api/v1/agents/:id/settings`: what `settings_update` carries and the agent's row keeps; at least one field. */
export type SettingsInput = AgentSettingsOverrides;

/** What a command route answers: whether a connected agent's socket took the command. */
export interface CommandReply {
  command: 'report_now' | 'settings_update';
  delivered: boolean;
}

/** The one reply that carries the key: it is not stored, so it cannot be shown again. */
export interface EnrollReply {
  agent: { id: string; name: string };
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The name follows the service rule (a string or a number's decimal text, 1 to 255 characters). */
export function parseEnroll(body: Record<string, unknown>): EnrollInput {
  const rawName = field(body, 'name');
  requirePresent(rawName, 'no name provided');
  const name = toBoundedText(rawName, MAX_SERVICE, `name must be a string of 1 to ${MAX_SERVICE} characters`);
  const rawType = field(body, 'alertType');
  const rawTarget = field(body, 'alertTarget');
  if (!isPresent(rawType) && !isPresent(rawTarget)) {
    return { name, alertType: null, alertTarget: null };
  }
  if (!isPresent(rawType) || !isPresent(rawTarget)) {
    throw new HintedError(400, 'alertType and alertTarget go together: give both or neither');
  }
  return { name, ...parseAlertChannel(rawType, rawTarget) };
}

const SETTINGS_BOUNDS: Record<keyof SettingsInput, [number, number]> = {
  interval_secs: [10, 3600],
  health_interval_secs: [10, 86_400],
  bandwidth_alert_bytes_per_sec: [0, Number.MAX_SAFE_INTEGER],
};

/** Whole numbers within bounds; unknown keys are refused, so a typo is not silently a no-op. */
export function parseSettings(body: Record<string, unknown>): SettingsInput {
  const settings: SettingsInput = {};
  for (const key of Object.keys(body)) {
    const bounds = Object.hasOwn(SETTINGS_BOUNDS, key) ? SETTINGS_BOUNDS[key as keyof SettingsInput] : undefined;
    if (!bounds) {
      throw new HintedError(400, `unknown setting: ${quoteForHint(key)}`);
    }
    // a form body sends digits as text, as the other routes accept
    const raw = body[key];
    const value = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds[0] || value > bounds[1]) {
      throw new HintedError(400, `${key} must be an integer from ${bounds[0]} to ${bounds[1]}`);
    }
    settings[key as keyof SettingsInput] = value;
  }
  if (Object.keys(settings).length === 0) {
    throw new HintedError(400, `no setting provided: ${Object.keys(SETTINGS_BOUNDS).join(', ')}`);
  }
  return settings;
}

@Injectable()
export class SettingsPipe implements PipeTransform<Record<string, unknown> | undefined, SettingsInput> {
  transform(body: Record<string, unknown> | undefined): SettingsInput {
    return parseSettings(body ?? {});
  }
}

@Injectable()
export class EnrollPipe implements PipeTransform<Record<string, unknown> | undefined, EnrollInput> {
  transform(body: Record<string, unknown> | undefined): EnrollInput {
    return parseEnroll(body ?? {});
  }
}

/** A malformed id names no agent: 404 here, so PostgreSQL never sees a string it would refuse as a uuid. */
@Injectable()
export class AgentIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (!UUID.test(id)) {
      throw new HintedError(404, 'agent not found');
    }
    return id.toLowerCase();
  }
}
