import { useEffect, useRef } from 'preact/hooks';
import { get } from './api';
import { Store } from './store';

// One EventSource for the whole console (docs/console-api.md, "Live updates"). Pages subscribe to a topic and
// reload what they show. After a drop, every subscriber is told once the stream is back, since events sent
// meanwhile were missed.

export type Topic = 'heartbeats' | 'events' | 'hosts';
export type LiveState = 'off' | 'connecting' | 'live' | 'retrying';

export interface LiveMessage {
  services?: string[] | null;
  count?: number;
  hosts?: string[];
  /** Set on the catch-up call after a reconnection. */
  reconnected?: boolean;
}

const STREAM = '/api/v1/console/stream';
const TOPICS: Topic[] = ['heartbeats', 'events', 'hosts'];

export const liveState = new Store<LiveState>('off');
const listeners = new Map<Topic, Set<(message: LiveMessage) => void>>(TOPICS.map((topic) => [topic, new Set()]));
let source: EventSource | null = null;
let retryTimer: number | undefined;
let retryDelay = 1000;
let dropped = false;

function emit(topic: Topic, message: LiveMessage): void {
  listeners.get(topic)?.forEach((listener) => listener(message));
}

function open(): void {
  liveState.set(dropped ? 'retrying' : 'connecting');
  const stream = new EventSource(STREAM);
  source = stream;
  stream.onopen = () => {
    liveState.set('live');
    retryDelay = 1000;
    if (dropped) {
      dropped = false;
      TOPICS.forEach((topic) => emit(topic, { reconnected: true }));
    }
  };
  for (const topic of TOPICS) {
    stream.addEventListener(topic, (event: MessageEvent<string>) => {
      let message: LiveMessage = {};
      try {
        message = JSON.parse(event.data) as LiveMessage;
      } catch {
        // a malformed message still means "something changed"
      }
      emit(topic, message);
    });
  }
  stream.onerror = () => {
    dropped = true;
    if (stream.readyState !== EventSource.CLOSED) {
      liveState.set('retrying'); // the browser reconnects by itself
      return;
    }
    // refused (401, 5xx): ask whether the session still holds (a 401 shows the login page), then retry
    stream.close();
    source = null;
    liveState.set('retrying');
    get('/api/v1/session').catch(() => undefined);
    retryTimer = window.setTimeout(open, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30_000);
  };
}

export function startLive(): void {
  if (source === null && retryTimer === undefined) {
    open();
  }
}

export function stopLive(): void {
  window.clearTimeout(retryTimer);
  retryTimer = undefined;
  source?.close();
  source = null;
  dropped = false;
  retryDelay = 1000;
  liveState.set('off');
}

/**
 * Calls `handler` `debounceMs` after a live message on `topic`, with every message that arrived meanwhile: at
 * most once per `debounceMs`, and never starved by a steady stream (a busy install sends one every moment).
 * `handler` may change between renders; the subscription does not.
 */
export function useLive(topic: Topic, handler: (message: LiveMessage) => void, debounceMs = 300): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    let timer: number | undefined;
    let pending: LiveMessage[] = [];
    const listener = (message: LiveMessage): void => {
      pending.push(message);
      if (timer !== undefined) {
        return;
      }
      timer = window.setTimeout(() => {
        const burst = pending;
        pending = [];
        timer = undefined;
        latest.current(merge(burst));
      }, debounceMs);
    };
    listeners.get(topic)?.add(listener);
    return () => {
      window.clearTimeout(timer);
      listeners.get(topic)?.delete(listener);
    };
  }, [topic, debounceMs]);
}

/** A burst of messages as one: names are united, and "many" (null) or a reconnection wins. */
function merge(burst: LiveMessage[]): LiveMessage {
  const merged: LiveMessage = { count: 0, services: [], hosts: [] };
  for (const message of burst) {
    merged.count = (merged.count ?? 0) + (message.count ?? 0);
    if (message.reconnected) {
      merged.reconnected = true;
    }
    if (message.services === null || merged.services === null) {
      merged.services = null;
    } else if (message.services) {
      merged.services = [...(merged.services ?? []), ...message.services];
    }
    merged.hosts = [...(merged.hosts ?? []), ...(message.hosts ?? [])];
  }
  return merged;
}
