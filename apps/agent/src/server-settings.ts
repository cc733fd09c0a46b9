// The server's settings (agent-protocol.md §3, `welcome` and `settings_update`) against the agent's own: the
// bounds are the settings table's (collectors.md §1.4), so a server cannot set what the operator could not.
import { SETTINGS } from './config/settings';
import type { ServerSettings } from './uplink.messages';

/** The settings a server may change while the agent runs. */
export interface LiveSettings {
  intervalSecs: number;
  healthIntervalSecs: number;
  bandwidthAlertBytesPerSec: number;
}

const FIELDS: { readonly [K in keyof ServerSettings]-?: keyof LiveSettings } = {
  interval_secs: 'intervalSecs',
  health_interval_secs: 'healthIntervalSecs',
  bandwidth_alert_bytes_per_sec: 'bandwidthAlertBytesPerSec',
};

export interface SettingsChange {
  /** Only the values that pass the bounds and differ from the current ones. */
  changes: Partial<LiveSettings>;
  /** One line per value out of bounds, naming it and the rule it broke. */
  ignored: string[];
}

/** What `settings` would change in `current`; absent values keep theirs, values out of bounds are ignored. */
export function settingsChange(settings: ServerSettings, current: Readonly<LiveSettings>): SettingsChange {
  const result: SettingsChange = { changes: {}, ignored: [] };
  for (const [field, name] of Object.entries(FIELDS) as [keyof ServerSettings, keyof LiveSettings][]) {
    const value: unknown = settings[field];
    if (value === undefined) {
      continue;
    }
    const parsed = SETTINGS[name].kind.file(value);
    if ('problem' in parsed) {
      result.ignored.push(`ignored the server's ${field} ${JSON.stringify(value)}: ${parsed.problem}`);
    } else if (parsed.value !== current[name]) {
      result.changes[name] = parsed.value;
    }
  }
  return result;
}
