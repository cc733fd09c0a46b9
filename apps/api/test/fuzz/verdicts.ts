import { FuzzAnswer, FuzzRequest } from './http';

/**
 * Which error format a route answers with: the watchTower envelope (`hint` and `result`, §3.6-§3.7), the
 * netwatch ingest's `{"error": ...}` (wire-format.md §4.2), Bull Board's gate (our 401/404/429 with a hint),
 * Bull Board itself once past the gate (its own JSON errors, for an operator who holds the admin password),
 * the health probes and /metrics (bodies of their own), or the console's static files (a missing one may be a
 * plain 404, §3.7).
 */
export type Surface = 'envelope' | 'ingest' | 'board' | 'board-admin' | 'health' | 'console';

// FUZZ_FULL=1 prints failing requests whole, to replay one by hand
function clip(value: unknown, max = process.env.FUZZ_FULL ? Infinity : 300): string {
  const text =
    typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : JSON.stringify(value);
  return text === undefined || text.length <= max ? String(text) : `${text.slice(0, max)}... (${text.length} chars)`;
}

export function describeRequest(request: FuzzRequest): string {
  const headers = (request.headers ?? [])
    .map(([name, value]) => `${name}: ${clip(value, process.env.FUZZ_FULL ? Infinity : 80)}`)
    .join(' | ');
  return `${request.method} ${clip(request.path)} [${headers}] body=${clip(request.body ?? '')}`;
}

class Finding extends Error {}

function fail(why: string, request: FuzzRequest, answer: FuzzAnswer): never {
  throw new Finding(
    `${why}\n  request: ${describeRequest(request)}\n  answer: ${answer.status} ${clip(answer.text, 500)}`,
  );
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const nonEmpty = (value: unknown): boolean => typeof value === 'string' && value.trim() !== '';

/** The §4.2 answer to a request whose snapshots were all refused: each result names its problem. */
function isRefusedBatch(body: Record<string, unknown>): boolean {
  const results = body.results;
  return (
    body.accepted === 0 &&
    Array.isArray(results) &&
    results.length > 0 &&
    results.every(
      (result: { status?: unknown; message?: unknown }) => result.status === 400 && nonEmpty(result.message),
    )
  );
}

function judgeRefusal(surface: Surface, request: FuzzRequest, answer: FuzzAnswer): void {
  if (request.method === 'HEAD') {
    return; // no body to judge
  }
  const body = parsed(answer.text);
  const type = String(answer.headers['content-type'] ?? '');
  if (body === undefined || !type.startsWith('application/json')) {
    fail(`a ${answer.status} that is not a JSON object (content-type ${type})`, request, answer);
  }
  if (surface === 'board-admin' || (surface === 'console' && answer.status === 404)) {
    return;
  }
  if (surface === 'ingest') {
    if (!nonEmpty(body.error) && !(answer.status === 400 && isRefusedBatch(body))) {
      fail('an ingest refusal without an error text', request, answer);
    }
    return;
  }
  if (!nonEmpty(body.hint)) {
    fail(`a ${answer.status} without a hint`, request, answer);
  }
  if (surface !== 'board' && body.result !== answer.status) {
    fail(`result ${String(body.result)} differs from the status`, request, answer);
  }
}

// What may answer a path no route has, before the 404 (§3.7): a preflight, and refusals of the request line
// itself (a method Node does not parse, a URL that does not percent-decode, a head over 16 KiB)
const BEFORE_ROUTING = [
  'malformed HTTP request',
  'invalid URL: bad percent-encoding',
  'request head too large (max 16 KiB)',
  'missing Host header',
];

function judgeRouting(request: FuzzRequest, answer: FuzzAnswer): void {
  if (request.method === 'OPTIONS' || answer.status === 404) {
    return;
  }
  // a HEAD answer has no body to name its reason
  const hint = request.method === 'HEAD' ? BEFORE_ROUTING[0] : parsed(answer.text)?.hint;
  if (!(answer.status === 400 || answer.status === 431) || !BEFORE_ROUTING.includes(String(hint))) {
    fail(`a ${answer.status} where routing answers 404 first (§3.7)`, request, answer);
  }
}

/** The property every fuzzed HTTP case must hold; throws a Finding naming the request and the answer. */
export function judge(surface: Surface, request: FuzzRequest, answer: FuzzAnswer, unrouted = false): void {
  const { status } = answer;
  if (status >= 500) {
    fail(`a ${status}`, request, answer);
  }
  if (unrouted) {
    judgeRouting(request, answer);
  }
  if (status >= 400) {
    judgeRefusal(surface, request, answer);
    return;
  }
  if (status >= 300) {
    // §5.6: the root without a password header sends browsers to the console
    const root = request.path === '/' || request.path.startsWith('/?');
    const anonymous = !(request.headers ?? []).some(([name]) => name.toLowerCase() === 'password');
    const toConsole = surface === 'console' && String(answer.headers.location).startsWith('/gui');
    if (!(status === 302 && root && anonymous && answer.headers.location === '/gui') && !toConsole) {
      fail(`an unexpected ${status}`, request, answer);
    }
    return;
  }
  const allowed =
    surface === 'ingest'
      ? [200, 207]
      : request.method === 'OPTIONS'
        ? [204]
        : surface === 'console'
          ? [200, 304]
          : [200];
  if (!allowed.includes(status)) {
    fail(`an unexpected ${status}`, request, answer);
  }
  if (surface === 'envelope' && status === 200 && request.method !== 'HEAD' && parsed(answer.text)?.result !== 200) {
    fail('a 200 whose body is not the envelope', request, answer);
  }
}

/** Sends the case; a timeout or a dropped connection is a finding too, with the server's last words. */
export async function answered(
  send: (request: FuzzRequest) => Promise<FuzzAnswer>,
  request: FuzzRequest,
  alive: () => void,
): Promise<FuzzAnswer> {
  try {
    return await send(request);
  } catch (error) {
    alive();
    throw new Finding(`no answer (${(error as Error).message})\n  request: ${describeRequest(request)}`);
  }
}
