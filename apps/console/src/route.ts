import { useEffect, useState } from 'preact/hooks';

// Hash routes (#/heartbeats?state=dead), so the server only ever serves index.html. Filters live in the
// hash's query: a reload or a shared link shows the same list.

export interface Route {
  /** The path segments: [] for home, ['hosts', '<id>'] for a host. */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const mark = text.indexOf('?');
  const path = mark === -1 ? text : text.slice(0, mark);
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(mark === -1 ? '' : text.slice(mark + 1)),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      params.set(name, String(value));
    }
  }
  const text = params.toString();
  return `#/${path}${text ? `?${text}` : ''}`;
}

/** Mirrors a page's filters into the address bar without a history entry or a hashchange. */
export function replaceQuery(path: string, query: Record<string, string | number | undefined>): void {
  const next = href(path, query);
  if (location.hash !== next) {
    history.replaceState(null, '', next);
  }
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Watchtower` : 'Watchtower';
  }, [title]);
}
