// Every call the console makes. The session cookie rides along on its own (same origin); browsers add the
// Origin header to every non-GET fetch, which the API insists on for changes made with a session.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly hint: string,
    /** Seconds, from Retry-After (a 429 or a 503). */
    readonly retryAfter: number | null = null,
  ) {
    super(hint);
  }
}

let unauthorized: () => void = () => undefined;

/** Who shows the login page when any call answers 401 (the session expired or was revoked). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') {
      params.set(name, String(value));
    }
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) {
      throw error;
    }
    throw new ApiError(0, 'the server did not answer: check the connection');
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) {
    return json as T;
  }
  if (response.status === 401) {
    unauthorized();
  }
  const retry = Number(response.headers.get('retry-after'));
  const hint = typeof json.hint === 'string' ? json.hint : typeof json.error === 'string' ? json.error : '';
  throw new ApiError(response.status, hint || `HTTP ${response.status}`, Number.isFinite(retry) ? retry : null);
}

export async function get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return api<T>('GET', withQuery(path, query), undefined, signal);
}

/** Why a call failed, in words for the page. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status === 0 ? error.hint : `${error.hint} (${error.status})`;
  }
  return error instanceof Error ? error.message : String(error);
}
