import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time check whatever the lengths: both sides are hashed first (§3.4). */
export function passwordMatches(given: string, expectedDigest: Buffer): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), expectedDigest);
}

export function digest(password: string): Buffer {
  return createHash('sha256').update(password).digest();
}
