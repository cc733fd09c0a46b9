import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../api';
import { serverNow, useServerNow } from '../clock';
import { formatCount, formatDate } from '../format';
import { useLive } from '../live';
import { overview } from '../overview';
import { replaceQuery, useTitle } from '../route';
import { useStore } from '../store';
import type { EventsPage as Answer, EventView } from '../types';
import { LevelBadge, ServiceBadge } from '../ui/badges';
import { ErrorNote } from '../ui/error-note';
import { PlaceholderRows } from '../ui/placeholder';
import { EventFilters, parseFilters, SINCE } from './event-filters';

const LIMIT = 100;
/** The reference GUI's highlights: strong under 30 minutes, light under 2 hours. */
const RECENT = 30 * 60;
const LATELY = 2 * 3600;

interface Row extends EventView {
  key: number;
  fresh: boolean;
}

interface Listing {
  rows: Row[];
  next: string | undefined;
  from: number;
  to: number;
}

let keys = 0;
const toRows = (events: EventView[], fresh = false): Row[] => events.map((event) => ({ ...event, key: ++keys, fresh }));

export function EventsPage({ query }: { query: URLSearchParams }) {
  useTitle('Events');
  const presets = useStore(overview)?.eventsPresets ?? [];
  const [filters, setFilters] = useState(() => parseFilters(query));
  const [listing, setListing] = useState<Listing | null>(null);
  const [busy, setBusy] = useState<'first' | 'more' | 'tail' | null>('first');
  const [error, setError] = useState<unknown>(undefined);
  const [tail, setTail] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const generation = useRef(0);
  const tailAgain = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const now = useServerNow(15);

  useEffect(() => {
    const next = parseFilters(query);
    setFilters((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
  }, [query]);
  useEffect(
    () =>
      replaceQuery('events', {
        since: filters.since === SINCE[1].seconds ? undefined : filters.since,
        service: filters.service,
        message: filters.message,
        level: filters.level,
      }),
    [filters],
  );

  const params = (from: number, to: number): Record<string, string | number> => ({
    from,
    to,
    service: filters.service,
    message: filters.message,
    level: filters.level,
    limit: LIMIT,
  });

  const loadFirst = async (): Promise<void> => {
    const id = ++generation.current;
    setBusy('first');
    setUnseen(0);
    const to = Math.ceil(serverNow());
    const from = Math.floor(to - filters.since);
    try {
      const answer = await get<Answer>('/events', params(from, to));
      if (id === generation.current) {
        setListing({ rows: toRows(answer.events), next: answer.next, from, to });
        setError(undefined);
      }
    } catch (failure) {
      if (id === generation.current) {
        setListing(null);
        setError(failure);
      }
    } finally {
      if (id === generation.current) {
        setBusy(null);
      }
    }
  };

  const loadMore = async (): Promise<void> => {
    if (!listing?.next || busy) {
      return;
    }
    const id = generation.current;
    setBusy('more');
    try {
      const answer = await get<Answer>('/events', { ...params(listing.from, listing.to), cursor: listing.next });
      if (id === generation.current) {
        setListing({ ...listing, rows: [...listing.rows, ...toRows(answer.events)], next: answer.next });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      if (id === generation.current) {
        setBusy(null);
      }
    }
  };

  // Live tail: what arrived since the newest row shown goes on top. Events carry no id, so the answer from that
  // row's second on holds the rows already shown of that second too, last (newest first): they are left out. That
  // count is only known when the list reaches past that second; otherwise (or when more than a page arrived) the
  // list starts again from the newest page, which is what a tail shows anyway.
  const loadNewest = async (): Promise<void> => {
    if (!listing || busy) {
      // a load under way may have started before these events were written: look again once it is done
      tailAgain.current = true;
      return;
    }
    tailAgain.current = false;
    const newest = listing.rows[0]?.date ?? listing.from;
    const known = listing.rows.filter((row) => row.date === newest).length;
    if (listing.next && !listing.rows.some((row) => row.date < newest)) {
      await loadFirst();
      return;
    }
    const id = generation.current;
    const to = Math.ceil(serverNow());
    setBusy('tail');
    let again = false;
    try {
      const answer = await get<Answer>('/events', { ...params(newest, to), limit: 1000 });
      if (id !== generation.current) {
        return;
      }
      again = answer.next !== undefined;
      if (!again) {
        const added = answer.events.slice(0, Math.max(0, answer.events.length - known));
        const kept = listing.rows.map((row) => (row.fresh ? { ...row, fresh: false } : row));
        setListing({ ...listing, rows: [...toRows(added, true), ...kept], to });
      }
    } catch (failure) {
      setError(failure);
    } finally {
      if (id === generation.current) {
        setBusy(null);
      }
    }
    if (again) {
      await loadFirst();
    }
  };

  // loadFirst reads the filters of the render that changed them
  useEffect(() => void loadFirst(), [filters]);

  useEffect(() => {
    if (busy === null && tail && tailAgain.current) {
      void loadNewest();
    }
  }, [busy, tail]);

  useLive(
    'events',
    (message) => {
      if (tail) {
        void loadNewest();
      } else if (!message.reconnected) {
        setUnseen((count) => count + (message.count ?? 1));
      }
    },
    500,
  );

  // endless scrolling: the next page loads as the end of the list comes into view
  const more = useRef(loadMore);
  more.current = loadMore;
  useEffect(() => {
    const target = sentinel.current;
    if (!target) {
      return;
    }
    const observer = new IntersectionObserver((entries) => entries[0]?.isIntersecting && void more.current(), {
      rootMargin: '600px 0px',
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [listing?.next]);

  const rows = listing?.rows ?? [];
  return (
    <section>
      <h1>Events</h1>
      <EventFilters
        filters={filters}
        presets={presets}
        onApply={(next) => setFilters(next)}
        tail={tail}
        onTail={(on) => {
          setTail(on);
          if (on) {
            void loadFirst();
          }
        }}
      />
      <ErrorNote error={error} />
      <p class="summary" aria-live="polite">
        {listing ? `${formatCount(rows.length)}${listing.next ? '+' : ''} events` : ' '}
        {unseen > 0 && !tail && (
          <button type="button" class="link" onClick={() => void loadFirst()}>
            {formatCount(unseen)} new: show them
          </button>
        )}
      </p>
      <table class="cards events" aria-busy={busy === 'first'}>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Level</th>
            <th scope="col">Service</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} class={rowClass(row, now)}>
              <td data-label="Date" class="date">
                <time>{formatDate(row.date)}</time>
              </td>
              <td data-label="Level">
                <LevelBadge level={row.level} />
                {row.alert && <span class="alert-mark">alert</span>}
              </td>
              <td data-label="Service">
                <ServiceBadge service={row.service} />
              </td>
              <td data-label="Message" class="message">
                <Message text={row.message} />
              </td>
            </tr>
          ))}
          {!listing && busy === 'first' && <PlaceholderRows rows={10} columns={4} />}
        </tbody>
      </table>
      {listing && rows.length === 0 && <p class="muted">No events in this window.</p>}
      <div ref={sentinel} class="sentinel">
        {listing?.next && (
          <button type="button" onClick={() => void loadMore()} disabled={busy === 'more'}>
            {busy === 'more' ? 'Loading…' : 'Load older events'}
          </button>
        )}
      </div>
    </section>
  );
}

function rowClass(row: Row, now: number): string {
  const age = now - row.date;
  const recency = age < RECENT ? 'recent' : age < LATELY ? 'lately' : '';
  return [recency, row.fresh ? 'fresh' : ''].filter(Boolean).join(' ');
}

/** A long message is folded to a few lines, with a button to unfold it. */
function Message({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > 240 || text.split('\n').length > 3;
  if (!long) {
    return <span class="text">{text}</span>;
  }
  return (
    <>
      <span class={`text${open ? '' : ' folded'}`}>{text}</span>
      <button type="button" class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? 'less' : 'more'}
      </button>
    </>
  );
}
