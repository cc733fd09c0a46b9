import { useEffect, useState } from 'preact/hooks';

// Every status decision uses server time: the browser's clock corrected by the `now` the API sends (protocol
// §12). The API floors `now` to the second, so the true server time lies within the following second.
let offsetSeconds = 0;

export function syncClock(serverNow: number): void {
  offsetSeconds = serverNow + 0.5 - Date.now() / 1000;
}

/** Server time in (fractional) epoch seconds. */
export function serverNow(): number {
  return Date.now() / 1000 + offsetSeconds;
}

// One timer for every countdown on the page, so they all change in the same frame.
const tickers = new Set<() => void>();
let timer: number | undefined;

function schedule(): void {
  timer = window.setTimeout(
    () => {
      tickers.forEach((tick) => tick());
      schedule();
    },
    1000 - (Date.now() % 1000) + 5,
  );
}

/** Server time, re-rendered every second (or every `everySeconds`). */
export function useServerNow(everySeconds = 1): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    let count = 0;
    const tick = (): void => {
      count += 1;
      if (count % everySeconds === 0) {
        setNow(serverNow());
      }
    };
    tickers.add(tick);
    if (timer === undefined) {
      schedule();
    }
    return () => {
      tickers.delete(tick);
      if (tickers.size === 0) {
        window.clearTimeout(timer);
        timer = undefined;
      }
    };
  }, [everySeconds]);
  return now;
}
