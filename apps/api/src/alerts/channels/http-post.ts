import { UnrecoverableError } from 'bullmq';
import { request } from 'undici';
import { truncate } from '../alert-format';

/** Per delivery attempt (watchtower-protocol.md §8.4). */
export const ALERT_TIMEOUT_MS = 10_000;

// Enough of a provider's answer to explain a failed job in Bull Board, not enough to flood Redis with a page of HTML
const ANSWER_CHARS = 200;
const ANSWER_BYTES = 4096;

export interface HttpPost {
  headers: Record<string, string>;
  body: string | Buffer;
}

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
    const response = await request(url, { method: 'POST', headers, body, signal });
    statusCode = response.statusCode;
    if (statusCode >= 200 && statusCode < 300) {
      // drained, so the keep-alive connection can serve the next alert
      await response.body.dump();
      return;
    }
    answer = await readStart(response.body);
  } catch (error) {
    const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : `failed: ${(error as Error).message}`;
    throw new Error(`POST ${origin} ${reason}`, { cause: error });
  }
  const message = `POST ${origin} answered ${statusCode}: ${answer}`;
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
