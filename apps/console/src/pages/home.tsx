import { get } from '../api';
import { formatCount, formatDate, formatDuration } from '../format';
import { useLive } from '../live';
import { loadOverview } from '../overview';
import { useResource } from '../resource';
import { href, useTitle } from '../route';
import type {
  EventsPage as EventsAnswer,
  HeartbeatsPage as HeartbeatsAnswer,
  HeartbeatState,
  Overview,
} from '../types';
import { LevelBadge, ServiceBadge } from '../ui/badges';
import { Countdown } from '../ui/countdown';
import { ErrorNote } from '../ui/error-note';
import { ServiceLink } from './heartbeat-row';
import { PlaceholderRows } from '../ui/placeholder';

/** Warnings and worse: what the home page lists of the last day's events. */
const RECENT_LEVEL = 3;

const STATES: { state: HeartbeatState; label: string }[] = [
  { state: 'dead', label: 'Dead' },
  { state: 'late', label: 'Late' },
  { state: 'alive', label: 'Alive' },
  { state: 'cancelled', label: 'Cancelled' },
];

export function HomePage() {
  useTitle('Overview');
  const summary = useResource(async (signal) => loadOverview(signal), []);
  // what needs a human now: the dead services, most recently declared first
  const dead = useResource(
    async (signal) =>
      get<HeartbeatsAnswer>(
        '/api/v1/console/heartbeats',
        { state: 'dead', sort: 'expected', dir: 'desc', limit: 10 },
        signal,
      ),
    [],
  );
  useLive('heartbeats', () => {
    summary.reload();
    dead.reload();
  });
  const events = useResource(
    async (signal) => get<EventsAnswer>('/events', { level: RECENT_LEVEL, limit: 8 }, signal),
    [],
  );
  useLive('hosts', () => summary.reload(), 1000);
  useLive('events', () => events.reload(), 1000);
  const data = summary.data;

  return (
    <section>
      <h1>Overview</h1>
      <ErrorNote error={summary.error} />
      <div class="tiles" aria-busy={summary.loading && !data}>
        {STATES.map(({ state, label }) => (
          <a key={state} class={`tile tile-${state}`} href={href('heartbeats', { state })}>
            <span class="tile-value">{data ? formatCount(data.services[state]) : '–'}</span>
            <span class="tile-label">{label}</span>
          </a>
        ))}
        <a class="tile" href={href('heartbeats')}>
          <span class="tile-value">{data ? formatCount(data.services.total) : '–'}</span>
          <span class="tile-label">Services</span>
        </a>
        <a class="tile" href={href('hosts')}>
          <span class="tile-value">
            {data ? `${formatCount(data.agents.connected)} / ${formatCount(data.agents.enrolled)}` : '–'}
          </span>
          <span class="tile-label">Agents connected</span>
        </a>
      </div>

      {/* the lists that grow as they load sit side by side, so that nothing below them moves on a wide screen */}
      <div class="columns">
        <section class="card" aria-labelledby="dead-title">
          <h2 id="dead-title">Dead services</h2>
          <ErrorNote error={dead.error} />
          <DeadList answer={dead.data} />
        </section>
        <div>
          <Queues overview={data} />
          <section class="card" aria-labelledby="recent-title">
            <h2 id="recent-title">Recent events at level {RECENT_LEVEL} or above</h2>
            <ErrorNote error={events.error} />
            <RecentEvents answer={events.data} />
          </section>
        </div>
      </div>
    </section>
  );
}

function DeadList({ answer }: { answer: HeartbeatsAnswer | undefined }) {
  if (!answer) {
    return <ul class="plain reserve-5" aria-busy="true" />;
  }
  if (answer.heartbeats.length === 0) {
    return <p class="ok-note">Nothing is dead. Every service pulsed on time.</p>;
  }
  return (
    <>
      <ul class="plain reserve-5">
        {answer.heartbeats.map((heartbeat) => (
          <li key={heartbeat.service} class="dead-item">
            <ServiceLink service={heartbeat.service} />
            <span class="muted">
              <Countdown heartbeat={heartbeat} />
            </span>
          </li>
        ))}
      </ul>
      {answer.total > answer.heartbeats.length && (
        <p>
          <a href={href('heartbeats', { state: 'dead' })}>All {formatCount(answer.total)} dead services</a>
        </p>
      )}
    </>
  );
}

function RecentEvents({ answer }: { answer: EventsAnswer | undefined }) {
  if (!answer) {
    return <ul class="plain reserve-5" aria-busy="true" />;
  }
  if (answer.events.length === 0) {
    return <p class="ok-note">No event at level {RECENT_LEVEL} or above in the last day.</p>;
  }
  return (
    <>
      <ul class="plain recent-events">
        {answer.events.map((event, index) => (
          <li key={`${event.date}-${index}`}>
            <time class="muted">{formatDate(event.date)}</time> <LevelBadge level={event.level} />{' '}
            <ServiceBadge service={event.service} /> <span class="one-line">{event.message}</span>
          </li>
        ))}
      </ul>
      <p>
        <a href={href('events', { level: RECENT_LEVEL })}>All events at level {RECENT_LEVEL} or above</a>
      </p>
    </>
  );
}

const QUEUE_COUNTS = [
  ['Waiting', 'waiting'],
  ['Delayed', 'delayed'],
  ['Active', 'active'],
  ['Failed', 'failed'],
] as const;

function Queues({ overview }: { overview: Overview | null | undefined }) {
  return (
    <section class="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <div class="table-wrap">
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              {QUEUE_COUNTS.map(([label]) => (
                <th key={label} scope="col" class="num">
                  {label}
                </th>
              ))}
              <th scope="col" class="num">
                Oldest
              </th>
            </tr>
          </thead>
          <tbody>
            {(overview?.queues ?? []).map((queue) => (
              <tr key={queue.name} class={queue.failed > 0 ? 'warn-row' : undefined}>
                <th scope="row">{queue.name}</th>
                {QUEUE_COUNTS.map(([label, count]) => (
                  <td key={label} class="num">
                    {formatCount(queue[count])}
                  </td>
                ))}
                <td class="num">
                  {queue.oldestWaitingSeconds === null ? '–' : formatDuration(queue.oldestWaitingSeconds)}
                </td>
              </tr>
            ))}
            {!overview && <PlaceholderRows rows={4} columns={6} />}
          </tbody>
        </table>
      </div>
      <p>
        <a href="/bullboard" target="_blank" rel="noopener">
          Queue details in Bull Board
        </a>{' '}
        <span class="muted">(asks for the admin password)</span>
      </p>
      <p class="muted">Watchtower {overview?.version ?? ''}</p>
    </section>
  );
}
