import { useEffect, useState } from 'preact/hooks';
import { api, describeError, get } from '../api';
import { syncClock } from '../clock';
import { formatCount } from '../format';
import { useLive } from '../live';
import { useDebounced, useResource } from '../resource';
import { replaceQuery, useTitle } from '../route';
import { HEARTBEAT_STATES, type Heartbeat, type HeartbeatsPage as Answer } from '../types';
import { announce } from '../ui/announce';
import { useConfirm } from '../ui/confirm';
import { ErrorNote } from '../ui/error-note';
import { Pager } from '../ui/pager';
import { PlaceholderRows } from '../ui/placeholder';
import { type Direction, SortHeader } from '../ui/sort-header';
import { COLUMNS, HeartbeatRows } from './heartbeat-row';
import { PingsSection } from './pings';

type Sort = 'service' | 'state' | 'last' | 'expected';
const SORTS: Sort[] = ['service', 'state', 'last', 'expected'];
const LIMIT = 50;

interface Filters {
  state: string;
  q: string;
  sort: Sort;
  dir: Direction;
  offset: number;
}

function parseFilters(query: URLSearchParams): Filters {
  const state = query.get('state') ?? '';
  const sort = query.get('sort') as Sort;
  return {
    state: (HEARTBEAT_STATES as string[]).includes(state) ? state : '',
    q: query.get('q') ?? '',
    // by default dead and late first, then alive, then cancelled (protocol §12): the API ranks states worst last
    sort: SORTS.includes(sort) ? sort : 'state',
    dir: query.get('dir') === 'asc' || (SORTS.includes(sort) && query.get('dir') !== 'desc') ? 'asc' : 'desc',
    offset: Math.max(0, Math.floor(Number(query.get('offset')) || 0)),
  };
}

export function HeartbeatsPage({ query }: { query: URLSearchParams }) {
  useTitle('Heartbeats');
  const [filters, setFilters] = useState(() => parseFilters(query));
  const [text, setText] = useState(filters.q);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [historyVersion, setHistoryVersion] = useState(0);
  const { dialog, ask } = useConfirm();
  const q = useDebounced(text.trim(), 300);

  // a link to another filter while this page is open (a home tile) arrives as a new query
  useEffect(() => {
    const next = parseFilters(query);
    setFilters(next);
    setText(next.q);
  }, [query]);
  useEffect(() => setFilters((current) => (current.q === q ? current : { ...current, q, offset: 0 })), [q]);
  useEffect(() => replaceQuery('heartbeats', { ...filters, offset: filters.offset || undefined }), [filters]);

  const list = useResource(
    async (signal) => {
      const answer = await get<Answer>(
        '/api/v1/console/heartbeats',
        {
          state: filters.state,
          q: filters.q,
          sort: filters.sort,
          dir: filters.dir,
          limit: LIMIT,
          offset: filters.offset,
        },
        signal,
      );
      syncClock(answer.now);
      return answer;
    },
    [filters.state, filters.q, filters.sort, filters.dir, filters.offset],
  );
  useLive('heartbeats', (message) => {
    list.reload();
    const named = message.services;
    if (message.reconnected || named === null || named?.some((service) => expanded.has(service))) {
      setHistoryVersion((version) => version + 1);
    }
  });

  const update = (change: Partial<Filters>): void => setFilters((current) => ({ ...current, offset: 0, ...change }));
  const toggle = (service: string): void =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(service)) {
        next.add(service);
      }
      return next;
    });

  const act = async (heartbeat: Heartbeat, action: 'cancel' | 'delete'): Promise<void> => {
    const { service } = heartbeat;
    const yes = await ask(
      action === 'cancel'
        ? {
            title: `Cancel ${service}?`,
            body: <p>Its deadline is dropped and no alert is sent until it pulses again, which resumes it.</p>,
            confirm: 'Cancel monitoring',
          }
        : {
            title: `Delete ${service}?`,
            body: <p>Its record and deadline are removed, with no alert and no event. A new pulse creates it again.</p>,
            confirm: 'Delete',
          },
    );
    if (!yes) {
      return;
    }
    try {
      if (action === 'cancel') {
        await api('DELETE', '/heartbeat', { service });
      } else {
        await api('DELETE', `/heartbeats/${encodeURIComponent(service)}`);
      }
      announce(action === 'cancel' ? `${service} cancelled` : `${service} deleted`);
      list.reload();
    } catch (error) {
      announce(`${service}: ${describeError(error)}`, true);
    }
  };

  const answer = list.data;
  return (
    <section>
      <h1>Heartbeats</h1>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div class="field grow">
          <label for="hb-q">Search services</label>
          <input
            id="hb-q"
            type="search"
            maxLength={255}
            value={text}
            placeholder="part of a name"
            onInput={(event) => setText(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="hb-state">State</label>
          <select
            id="hb-state"
            value={filters.state}
            onChange={(event) => update({ state: event.currentTarget.value })}
          >
            <option value="">all</option>
            {HEARTBEAT_STATES.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={list.error} />
      <p class="summary" aria-live="polite">
        {answer ? summary(answer, filters) : ' '}
      </p>
      <table class="cards heartbeats" aria-busy={list.loading}>
        <thead>
          <tr>
            <SortHeader label="Service" column="service" {...sortProps(filters, update)} />
            <SortHeader label="State" column="state" {...sortProps(filters, update)} />
            <SortHeader label="Last pulse" column="last" {...sortProps(filters, update)} />
            <SortHeader label="Next deadline" column="expected" {...sortProps(filters, update)} />
            <th scope="col">Alerts to</th>
            <th scope="col">Reminders</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        {answer?.heartbeats.map((heartbeat) => (
          <HeartbeatRows
            key={heartbeat.service}
            heartbeat={heartbeat}
            open={expanded.has(heartbeat.service)}
            historyVersion={historyVersion}
            onToggle={() => toggle(heartbeat.service)}
            onAct={(action) => void act(heartbeat, action)}
          />
        ))}
        {!answer && (
          <tbody>
            <PlaceholderRows rows={8} columns={COLUMNS} />
          </tbody>
        )}
      </table>
      {answer && answer.total === 0 && <EmptyNote filtered={Boolean(filters.state || filters.q)} />}
      {answer && (
        <Pager
          offset={filters.offset}
          limit={LIMIT}
          total={answer.total}
          onPage={(offset) => setFilters((current) => ({ ...current, offset }))}
        />
      )}
      <PingsSection />
      {dialog}
    </section>
  );
}

function sortProps(filters: Filters, update: (change: Partial<Filters>) => void) {
  return { sort: filters.sort, dir: filters.dir, onSort: (sort: Sort, dir: Direction) => update({ sort, dir }) };
}

function summary(answer: Answer, filters: Filters): string {
  const what = [filters.state, 'services'].filter(Boolean).join(' ');
  const matching = filters.q ? ` matching “${filters.q}”` : '';
  if (answer.total === 0) {
    return `No ${what}${matching}.`;
  }
  const last = Math.min(filters.offset + answer.heartbeats.length, answer.total);
  return `${formatCount(filters.offset + 1)}–${formatCount(last)} of ${formatCount(answer.total)} ${what}${matching}`;
}

function EmptyNote({ filtered }: { filtered: boolean }) {
  if (filtered) {
    return <p class="muted">Try another search or state.</p>;
  }
  return (
    <div class="card">
      <p>No service has pulsed yet. A service pulses with the number of seconds within which it pulses again:</p>
      <pre>
        <code>{`curl -H "password: $WATCHTOWER_PASSWORD" -d '{"service":"backup","nextIn":3600}' ${location.origin}/heartbeat`}</code>
      </pre>
    </div>
  );
}
