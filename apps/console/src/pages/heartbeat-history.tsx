import { get } from '../api';
import { formatDate, formatDuration } from '../format';
import { useResource } from '../resource';
import type { HistoryEntry } from '../types';
import { ErrorNote } from '../ui/error-note';

const SLOTS = 50;

type Kind = HistoryEntry['action'] | 'recovery';

const WORDS: Record<Kind, string> = {
  pulse: 'pulse',
  alert: 'declared dead',
  cancel: 'cancelled',
  recovery: 'recovered',
};

/** The last 50 pulses and transitions of a service, oldest on the left, and the transitions in words. */
export function HistoryStrip({ service, version }: { service: string; version: number }) {
  const history = useResource(
    async (signal) =>
      (
        await get<{ history: HistoryEntry[] }>(
          `/api/v1/console/heartbeats/${encodeURIComponent(service)}/history`,
          {},
          signal,
        )
      ).history,
    [service, version],
  );
  // the API answers newest first; a pulse right after an alert is the recovery
  const entries = [...(history.data ?? [])].reverse().map((entry, index, all) => ({
    ...entry,
    kind: (entry.action === 'pulse' && all[index - 1]?.action === 'alert' ? 'recovery' : entry.action) as Kind,
  }));
  const transitions = entries.filter((entry) => entry.kind !== 'pulse').reverse();

  return (
    <div class="history">
      <ErrorNote error={history.error} />
      <ol class="strip" aria-label={`Last ${SLOTS} pulses and transitions of ${service}, oldest first`}>
        {Array.from({ length: SLOTS - entries.length }, (_, index) => (
          <li key={`empty-${index}`} class="slot empty" aria-hidden="true" />
        ))}
        {entries.map((entry) => (
          <li key={`${entry.at}-${entry.action}`} class={`slot h-${entry.kind}`} title={describe(entry)}>
            <span class="sr-only">{describe(entry)}</span>
          </li>
        ))}
      </ol>
      <div class="legend" aria-hidden="true">
        <span class="key h-pulse" /> pulse <span class="key h-alert" /> declared dead <span class="key h-recovery" />{' '}
        recovered <span class="key h-cancel" /> cancelled
      </div>
      {history.data && (
        <p class="muted">
          {entries.length === 0
            ? 'No history yet (the server keeps it with HEARTBEAT_HISTORY=true).'
            : transitions.length === 0
              ? `${entries.length} pulses, no transition.`
              : `Transitions: ${transitions
                  .slice(0, 5)
                  .map((entry) => `${WORDS[entry.kind]} ${formatDate(entry.at)}`)
                  .join('; ')}`}
        </p>
      )}
    </div>
  );
}

function describe(entry: HistoryEntry & { kind: Kind }): string {
  const next = entry.action === 'pulse' ? `, next within ${formatDuration(entry.nextIn)}` : '';
  return `${WORDS[entry.kind]} ${formatDate(entry.at)}${next}`;
}
