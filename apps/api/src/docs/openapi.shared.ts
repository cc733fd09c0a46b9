import { releaseVersion } from '@lib/release';
import type {
  CodeSample,
  Example,
  Header,
  MediaType,
  Operation,
  Parameter,
  Reference,
  Response,
  Schema,
  SecurityRequirement,
} from './openapi.types';

// Building blocks every group of routes repeats: the envelope's error answers with the spec's hints, the
// security alternatives and the two body encodings (watchtower-protocol.md §3.3-§3.7).

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The spec's example clock (2026-11-21 22:35:24 UTC) and ids, shared so that examples agree with each other. */
export const EXAMPLE_NOW = 1795300524;
export const EXAMPLE_AGENT_ID = '3f1c2b9a-6d4e-4f1a-9b2c-7e8d9f0a1b2c';
export const EXAMPLE_HOST_ID = '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80';

/** The release as the server reports it (`@lib/release`, from package.json), so the examples never go stale. */
export const RELEASE_VERSION = releaseVersion();
// the agent builds the same string (apps/agent/src/once.command.ts), from the same package.json
export const EXAMPLE_AGENT_VERSION = `watchtower-agent/${RELEASE_VERSION}`;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const response = (name: string): Reference => ({ $ref: `#/components/responses/${name}` });

/** The shared password (`password` header) or the console's session cookie, which stands for it. */
export const PASSWORD_AUTH: SecurityRequirement[] = [{ password: [] }, { consoleSession: [] }];
/** ADMIN_PASSWORD in the same header, or the console's session. */
export const ADMIN_AUTH: SecurityRequirement[] = [{ adminPassword: [] }, { consoleSession: [] }];
export const NO_AUTH: SecurityRequirement[] = [];

export const RETRY_AFTER: Header = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };

export function curl(source: string, label?: string): CodeSample {
  return label === undefined ? { lang: 'shell', source } : { lang: 'shell', label, source };
}

export function examples(entries: Record<string, [summary: string, value: unknown]>): Record<string, Example> {
  return Object.fromEntries(Object.entries(entries).map(([name, [summary, value]]) => [name, { summary, value }]));
}

export function json(schema: Schema, entries: Record<string, [summary: string, value: unknown]>): MediaType {
  return { schema, examples: examples(entries) };
}

/** A success answer of the envelope: HTTP 200 and `result` 200, keys sorted. */
export function ok(description: string, schema: Schema, entries: Record<string, [string, unknown]>): Response {
  return { description, content: { [JSON_TYPE]: json(schema, entries) } };
}

/** An envelope error: the real status in HTTP and `result`, and one example per hint the route can give. */
export function hinted(
  status: number,
  description: string,
  hints: Record<string, string>,
  headers?: Record<string, Header>,
): Response {
  const entries = Object.fromEntries(
    Object.entries(hints).map(([name, hint]): [string, [string, unknown]] => [name, [hint, { hint, result: status }]]),
  );
  return {
    description,
    ...(headers === undefined ? {} : { headers }),
    content: { [JSON_TYPE]: json(ref('Error'), entries) },
  };
}

/** The hints of §3.3 that any route reading a body can answer before its own checks. */
export const BODY_HINTS: Record<string, string> = {
  badJson: 'invalid JSON body',
  notObject: 'invalid body: expected a JSON object',
  tooDeep: 'invalid body: nesting too deep',
  multipart: 'unsupported content type',
};

/** The `{"error": ...}` answers of the agent surfaces (netwatch's shape, not the envelope), one example per text. */
export function plainError(description: string, texts: Record<string, string>, retry = false): Response {
  const entries = Object.fromEntries(
    Object.entries(texts).map(([name, error]): [string, [string, unknown]] => [name, [error, { error }]]),
  );
  return {
    description,
    ...(retry ? { headers: { 'Retry-After': RETRY_AFTER } } : {}),
    content: { [JSON_TYPE]: json(ref('PlainError'), entries) },
  };
}

export const aliasText = (target: string): string =>
  `An alias of \`${target}\`: same validation, body and status codes.`;

/** A route's summary and description (its lines joined); an alias of `aliasOf` says so in both, first. */
export function routeText(
  method: string,
  aliasOf: string | undefined,
  summary: string,
  lines: string[] = [],
): Pick<Operation, 'summary' | 'description'> {
  const description = [...(aliasOf === undefined ? [] : [aliasText(`${method} ${aliasOf}`)]), ...lines];
  return {
    summary: aliasOf === undefined ? summary : `${summary} (alias of ${aliasOf})`,
    ...(description.length === 0 ? {} : { description: description.join(' ') }),
  };
}

/** A 400 with the route's own hints after the body-parsing ones. */
export function badBody(hints: Record<string, string>): Response {
  return hinted(400, 'The body is invalid; the hint names the field and the reason.', { ...hints, ...BODY_HINTS });
}

export function badQuery(hints: Record<string, string>): Response {
  return hinted(400, 'A query parameter is invalid; the hint names it.', hints);
}

/** The body of a route that takes both JSON and form fields (form values are strings; a repeated key keeps its last). */
export function jsonOrForm(
  schema: Schema,
  entries: Record<string, [string, unknown]>,
  form: Record<string, [string, string]>,
): { required: true; content: Record<string, MediaType> } {
  return {
    required: true,
    content: {
      [JSON_TYPE]: json(schema, entries),
      [FORM_TYPE]: { schema, examples: examples(form) },
    },
  };
}

/** The errors every authenticated envelope route can answer, after its own (§3.7 order). */
export function authenticatedErrors(options: { body: boolean }): Record<string, Reference> {
  return {
    '401': response('NoSession'),
    '403': response('Forbidden'),
    ...(options.body ? { '413': response('BodyTooLarge') } : {}),
    '429': response('Throttled'),
    '500': response('InternalError'),
    '503': response('Unavailable'),
  };
}

export const pathParameter = (name: string, description: string, schema: Schema, example: unknown): Parameter => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
  example,
});

/** The `{id}` of an agent or a host: a UUID path parameter, and the 404 when it names none. */
export function idParameter(noun: string, example: string): { parameter: Parameter; notFound: Response } {
  return {
    parameter: pathParameter(
      'id',
      `The ${noun} id (a UUID; anything else is 404).`,
      { type: 'string', format: 'uuid' },
      example,
    ),
    notFound: hinted(404, `No ${noun} has this id (or it is malformed).`, { unknown: `${noun} not found` }),
  };
}

export const queryParameter = (name: string, description: string, schema: Schema, example?: unknown): Parameter => ({
  name,
  in: 'query',
  description,
  schema,
  ...(example === undefined ? {} : { example }),
});

export const HUMAN_DATES = queryParameter(
  'humanDates',
  'Exactly `1` renders the dates as `"YYYY-MM-DD HH:mm:ss"` in the display zone (`TZ_DISPLAY`); anything else means epoch seconds.',
  { type: 'string', enum: ['1'] },
  '1',
);

/** The envelope's error answers shared by many routes, as `components.responses`. */
export const COMMON_RESPONSES: Record<string, Response> = {
  Forbidden: hinted(403, 'No valid `password` header (or session cookie), or a session request from another origin.', {
    missing: 'missing password',
    bad: 'bad password',
    crossOrigin: 'cross-origin request refused',
  }),
  NoSession: hinted(401, 'The session cookie was sent but has expired or was revoked (log in again).', {
    noSession: 'no session',
  }),
  Throttled: hinted(
    429,
    'Too many failed authentications from this address (`AUTH_FAILURES_PER_MINUTE`, per /64 for IPv6) in the current minute.',
    { throttled: 'too many requests' },
    { 'Retry-After': RETRY_AFTER },
  ),
  BodyTooLarge: hinted(413, 'The body is over `BODY_LIMIT_BYTES` (1 MiB by default).', {
    tooLarge: 'request body too large',
  }),
  InternalError: hinted(500, 'An unexpected failure; the reference is the request id written to the log.', {
    internal: 'internal error (ref 3k9x0a7b2c)',
  }),
  Unavailable: hinted(
    503,
    'The durable store behind the route (Redis, PostgreSQL or a queue) is unreachable; nothing was stored.',
    { unavailable: 'unavailable, retry later' },
    { 'Retry-After': RETRY_AFTER },
  ),
  NotFound: hinted(404, 'No route has this path.', { notFound: 'not found' }),
  MethodNotAllowed: hinted(405, 'The path exists with other methods, listed in `Allow`.', {
    methodNotAllowed: 'method not allowed',
  }),
};
