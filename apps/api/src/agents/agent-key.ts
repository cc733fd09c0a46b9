import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Agent keys (agent-protocol.md §1): `wt_ak_` + 32 base62 characters, about 190 bits of randomness. The
// server keeps only the lookup prefix and a SHA-256 digest: a slow hash buys nothing against 190 bits.

const PREFIX = 'wt_ak_';
const LENGTH = 32;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The largest multiple of 62 below 256: bytes from 248 up are dropped, so every character is equally likely. */
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);
/** `wt_ak_` and 8 random characters: unique per key (an index), and not enough to guess the rest. */
export const KEY_PREFIX_LENGTH = 14;
export const AGENT_KEY_PATTERN = /^wt_ak_[0-9A-Za-z]{32}$/;

export function generateAgentKey(): string {
  let key = PREFIX;
  while (key.length < PREFIX.length + LENGTH) {
    // rejection sampling: 40 bytes yield 32 usable ones with overwhelming probability, else draw again
    for (const byte of randomBytes(40)) {
      if (byte < UNBIASED_LIMIT && key.length < PREFIX.length + LENGTH) {
        key += ALPHABET[byte % ALPHABET.length];
      }
    }
  }
  return key;
}

export function isAgentKey(value: unknown): value is string {
  return typeof value === 'string' && AGENT_KEY_PATTERN.test(value);
}

export function agentKeyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

export function agentKeyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/** Constant-time: both sides are SHA-256 digests, so the lengths match unless the stored one is corrupt. */
export function agentKeyMatches(key: string, storedDigest: Buffer): boolean {
  const given = agentKeyDigest(key);
  return storedDigest.length === given.length && timingSafeEqual(given, storedDigest);
}
