// The server's base URL and the two endpoints the agent derives from it (agent-protocol.md §2). Pure functions:
// no I/O, so the rules are tested as a table.

export const GATEWAY_PATH = '/api/v1/agents/ws';
export const INGEST_PATH = '/api/v1/ingest';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const SECURE: Record<string, boolean> = { https: true, wss: true, http: false, ws: false };

interface Base {
  secure: boolean;
  /** Host, port and base path, without a trailing `/`. */
  rest: string;
  /** No scheme was given, so `wss://`/`https://` was assumed (the reference agent warns; so do we). */
  assumed: boolean;
}

function parse(server: string): Base | string {
  const text = server.trim();
  const scheme = SCHEME.exec(text)?.[1].toLowerCase();
  if (scheme !== undefined && !(scheme in SECURE)) {
    return 'must be an https, http, wss or ws URL, or a bare host name';
  }
  const rest = (scheme === undefined ? text : text.slice(scheme.length + 3)).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(`https://${rest}`);
  } catch {
    return 'must be a URL such as https://watchtower.example.org';
  }
  if (!url.hostname || /\s/.test(rest)) {
    return 'must be a URL such as https://watchtower.example.org';
  }
  if (url.search || url.hash || rest.includes('?') || rest.includes('#')) {
    return 'must not have a query or a fragment: the agent appends its paths to it';
  }
  // netwatch's `endpoint` was the full ingest URL; appending our path to it would silently double the path
  if (url.pathname.endsWith(GATEWAY_PATH) || url.pathname.endsWith(INGEST_PATH)) {
    return `must be the server's base URL: drop ${url.pathname.endsWith(INGEST_PATH) ? INGEST_PATH : GATEWAY_PATH}`;
  }
  return { secure: scheme === undefined || SECURE[scheme], rest, assumed: scheme === undefined };
}

function base(server: string): Base {
  const parsed = parse(server);
  if (typeof parsed === 'string') {
    throw new Error(`server URL ${parsed} (got "${server}")`);
  }
  return parsed;
}

/** Why `server` cannot be used ("must be ..."), or null when it can. */
export function serverProblem(server: string): string | null {
  const parsed = parse(server);
  return typeof parsed === 'string' ? parsed : null;
}

/** True when `server` names no scheme and `wss://` is assumed. */
export function schemeAssumed(server: string): boolean {
  return base(server).assumed;
}

/** The WebSocket gateway: `https`->`wss`, `http`->`ws`, `ws(s)` kept, none->`wss`; trailing `/` dropped. */
export function gatewayUrl(server: string): string {
  const { secure, rest } = base(server);
  return `${secure ? 'wss' : 'ws'}://${rest}${GATEWAY_PATH}`;
}

/** The netwatch-compatible HTTP ingest route on the same server (`wss`->`https`, `ws`->`http`). */
export function ingestUrl(server: string): string {
  const { secure, rest } = base(server);
  return `${secure ? 'https' : 'http'}://${rest}${INGEST_PATH}`;
}
