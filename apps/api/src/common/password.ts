import { hash, timingSafeEqual } from 'node:crypto';

/** Constant-time check whatever the lengths: both sides are hashed first (§3.4). */
export function passwordMatches(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(digest(given), expectedDigest);
}

/** The one-shot hash: no Hash object per call, on the path of every request. */
export function digest(password: string): Buffer {
  return hash('sha256', password, 'buffer');
}
