import { formatValidationError, type IngestResponse, type ValidationError } from '@lib/wire-format';
import { HintedError } from '../common/hinted-error';

// The request-level rules of wire-format.md §4.2 that need no store: header shapes and answer shapes.

/** The key of `Authorization: Bearer <key>`, or undefined when the header is missing or another scheme. */
export function bearerKey(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') {
    return undefined;
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** Step 4: `application/json`, parameters (charset) allowed, case-insensitive. */
export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0].trim().toLowerCase() === 'application/json';
}

/** A request-level failure from the wire-format validator (steps 6-8): 400, or 413 past 100 snapshots. */
export function envelopeError(error: ValidationError): HintedError {
  return new HintedError(error.status, formatValidationError(error));
}

/** §4.2: 200 when every snapshot was accepted, 207 when some were, 400 when none was. */
export function ingestStatus(response: IngestResponse): 200 | 207 | 400 {
  if (response.rejected === 0) {
    return 200;
  }
  return response.accepted > 0 ? 207 : 400;
}

/** The body of every request-level failure, `{"error":"<text>"}`: what a netwatch agent logs. */
export function errorBody(text: string): string {
  return JSON.stringify({ error: text });
}
