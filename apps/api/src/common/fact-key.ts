import { hash } from 'node:crypto';

/**
 * What identifies a fact, e.g. `['down', service, deadline]`: the same fact seen twice (a re-driven death, a
 * retried request, a second process) always maps to the same event uid and the same alert job id.
 */
export type FactKey = readonly string[];

/** The one hash of a key: 32 hex characters, no ':' (BullMQ job ids refuse it), whatever the service name holds. */
export function factId(key: FactKey): string {
  return shortHash(key.join('\u0000'));
}

/** 32 hex characters of sha256, whatever the text holds: fit for a BullMQ job id or a Redis key name. */
export function shortHash(text: string): string {
  // the one-shot hash: no Hash object per call, on the path of every event
  return hash('sha256', text, 'hex').slice(0, 32);
}
