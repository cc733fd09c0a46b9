import { useEffect, useState } from 'preact/hooks';
import type { EventsPreset } from '../types';

// The reference GUI's filters (a preset, since, service, message, an Update action) plus the level at or
// above and the live tail toggle.

export const SINCE = [
  { seconds: 3600, label: 'last hour' },
  { seconds: 86400, label: 'last day' },
  { seconds: 2 * 86400, label: 'last 2 days' },
  { seconds: 7 * 86400, label: 'last week' },
];

export interface Filters {
  since: number;
  service: string;
  message: string;
  /** Kept as typed: an integer, or empty for every level. */
  level: string;
}

export function parseFilters(query: URLSearchParams): Filters {
  const since = Number(query.get('since'));
  const level = query.get('level') ?? '';
  return {
    since: SINCE.some((option) => option.seconds === since) ? since : SINCE[1].seconds,
    service: query.get('service') ?? '',
    message: query.get('message') ?? '',
    level: /^-?\d+$/.test(level) ? level : '',
  };
}

export function EventFilters(props: {
  filters: Filters;
  presets: EventsPreset[];
  onApply: (filters: Filters) => void;
  tail: boolean;
  onTail: (on: boolean) => void;
}) {
  const [draft, setDraft] = useState(props.filters);
  useEffect(() => setDraft(props.filters), [props.filters]);
  const preset = props.presets.find(
    (candidate) => (candidate.service ?? '') === draft.service && (candidate.message ?? '') === draft.message,
  );
  const apply = (change: Partial<Filters> = {}): void => props.onApply({ ...draft, ...change });

  return (
    <form
      class="filters"
      role="search"
      aria-label="Event filters"
      onSubmit={(event) => {
        event.preventDefault();
        apply();
      }}
    >
      {props.presets.length > 0 && (
        <div class="field">
          <label for="ev-preset">Preset</label>
          <select
            id="ev-preset"
            value={preset?.name ?? ''}
            onChange={(event) => {
              const chosen = props.presets.find((candidate) => candidate.name === event.currentTarget.value);
              apply({ service: chosen?.service ?? '', message: chosen?.message ?? '' });
            }}
          >
            <option value="">none</option>
            {props.presets.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for="ev-since">Since</label>
        <select
          id="ev-since"
          value={draft.since}
          onChange={(event) => apply({ since: Number(event.currentTarget.value) })}
        >
          {SINCE.map((option) => (
            <option key={option.seconds} value={option.seconds}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field grow">
        <label for="ev-service">Service</label>
        <input
          id="ev-service"
          type="search"
          value={draft.service}
          placeholder="regular expression"
          onInput={(event) => setDraft({ ...draft, service: event.currentTarget.value })}
        />
      </div>
      <div class="field grow">
        <label for="ev-message">Message</label>
        <input
          id="ev-message"
          type="search"
          value={draft.message}
          placeholder="regular expression"
          onInput={(event) => setDraft({ ...draft, message: event.currentTarget.value })}
        />
      </div>
      <div class="field narrow">
        <label for="ev-level">Level at or above</label>
        <input
          id="ev-level"
          type="number"
          step={1}
          inputMode="numeric"
          value={draft.level}
          placeholder="any"
          onInput={(event) => setDraft({ ...draft, level: event.currentTarget.value })}
        />
      </div>
      <div class="field buttons">
        <button type="submit" class="primary">
          Update
        </button>
        <label class="toggle">
          <input type="checkbox" checked={props.tail} onChange={(event) => props.onTail(event.currentTarget.checked)} />
          Live tail
        </label>
      </div>
    </form>
  );
}
