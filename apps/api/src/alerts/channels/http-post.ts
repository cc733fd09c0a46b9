import { UnrecoverableError } from 'bullmq';
import { Dispatcher, request } from 'undici';
import { truncate } from '../alert-format';
import { isPrivateTargetError, publicOnlyDispatcher } from './target-filter';

/** Per delivery attempt (watchtower-protocol.md §8.4). */
export const ALERT_TIMEOUT_MS = 10_000;

// Enough of a provider's answer to explain a failed job in Bull Board, not enough to flood Redis with a page of HTML
const ANSWER_CHARS = 200;
const ANSWER_BYTES = 4096;

export interface HttpPost {
  headers: Record<string, string>;
  body: string | Buffer;
}

/**
 * A URL a pulse chose (webhook, Slack), not the operator: it may only reach public addresses unless
 * `allowPrivate`, and its answer stays out of the error, so a failed job cannot read back an internal page.
 */
export interface Untrusted {
  allowPrivate: boolean;
}

// One for the process: keep-alive connections to the same receivers are reused across alerts.
let publicOnly: Dispatcher | undefined;

/** For channels that need nothing from the server's configuration. */
export function alwaysConfigured(): boolean {
  return true;
}

/** A target that is an absolute http(s) URL as written: the URL parser forgives blanks and missing slashes. */
export function isHttpUrl(target: string): boolean {
  try {
    return /^https?:\/\/[^\s/?#]\S*$/i.test(target) && new URL(target).hostname !== '';
  } catch {
    return false;
  }
}

/**
 * POSTs once and settles by the answer: 2xx resolves; a network error, a timeout, 408, 429 or 5xx throws an Error
 * (BullMQ retries); any other status throws UnrecoverableError (retrying cannot help). Messages name the origin
 * only, because webhook and Slack URLs carry their secret in the path.
 */
export async function postWithTimeout(
  url: string,
  { headers, body }: HttpPost,
  timeoutMs = ALERT_TIMEOUT_MS,
  untrusted?: Untrusted,
): Promise<void> {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new UnrecoverableError(`alert target is not a URL: ${JSON.stringify(truncate(url, ANSWER_CHARS))}`);
  }
  // one deadline for connecting, sending and reading the answer
  const signal = AbortSignal.timeout(timeoutMs);
  let statusCode: number;
  let answer: string;
  try {
    const dispatcher = untrusted && !untrusted.allowPrivate ? (publicOnly ??= publicOnlyDispatcher()) : undefined;
    const response = await request(url, { method: 'POST', headers, body, signal, dispatcher });
    statusCode = response.statusCode;
    if (statusCode >= 200 && statusCode < 300) {
      // drained, so the keep-alive connection can serve the next alert
      await response.body.dump();
      return;
    }
    if (untrusted) {
      await response.body.dump();
      answer = '';
    } else {
      answer = await readStart(response.body);
    }
  } catch (error) {
    if (isPrivateTargetError(error)) {
      // the address will not change its nature on a retry
      throw new UnrecoverableError(`POST ${origin} ${(error as Error).message}`);
    }
    const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : `failed: ${(error as Error).message}`;
    throw new Error(`POST ${origin} ${reason}`, { cause: error });
  }
  const message = `POST ${origin} answered ${statusCode}${untrusted ? '' : `: ${answer}`}`;
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) {
    throw new Error(message);
  }
  throw new UnrecoverableError(message);
}

/** The first characters of a response body, on one line; the rest is not downloaded. */
async function readStart(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  // leaving the loop early destroys the stream, which closes the connection instead of reading a huge page
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= ANSWER_BYTES) {
      break;
    }
  }
  const text = Buffer.concat(chunks).subarray(0, ANSWER_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
  return text === '' ? '(empty body)' : truncate(text, ANSWER_CHARS);
}
