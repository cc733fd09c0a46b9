import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  /** The last answer, kept while a reload is under way so nothing flickers. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `load()` now and whenever `deps` change (aborting the request for the old ones). `reload` loads again with
 * the same inputs; asked while a load is under way, it waits for it and loads once more, so a steady stream of
 * live updates never keeps aborting requests slower than the stream.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const sequence = useRef(0);
  const controller = useRef<AbortController | null>(null);
  const inFlight = useRef(false);
  const again = useRef(false);
  const start = useCallback(() => {
    const id = ++sequence.current;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    inFlight.current = true;
    again.current = false;
    setState((previous) => ({ ...previous, loading: true }));
    const settle = (next: (previous: typeof state) => typeof state): void => {
      if (id !== sequence.current) {
        return;
      }
      inFlight.current = false;
      setState(next);
      if (again.current) {
        start();
      }
    };
    load(abort.signal).then(
      (data) => settle(() => ({ data, error: undefined, loading: false })),
      (error: unknown) => settle((previous) => ({ ...previous, error, loading: false })),
    );
  }, deps);
  const reload = useCallback(() => {
    if (inFlight.current) {
      again.current = true;
    } else {
      start();
    }
  }, [start]);
  useEffect(() => {
    start();
    return () => {
      sequence.current += 1;
      inFlight.current = false;
      controller.current?.abort();
    };
  }, [start]);
  return { ...state, reload };
}

/** `value`, once it stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
