import { createHash } from 'node:crypto';
import {
  AGENT_KEY_PATTERN,
  agentKeyDigest,
  agentKeyMatches,
  agentKeyPrefix,
  generateAgentKey,
  isAgentKey,
  KEY_PREFIX_LENGTH,
} from './agent-key';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe(generateAgentKey.name, () => {
  const keys = Array.from({ length: 1000 }, generateAgentKey);

  it('is wt_ak_ and 32 base62 characters', () => {
    for (const key of keys) {
      expect(key).toMatch(/^wt_ak_[0-9A-Za-z]{32}$/);
    }
  });

  it('never repeats a key or a lookup prefix over 1000 keys', () => {
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys.map(agentKeyPrefix)).size).toBe(keys.length);
  });

  it('draws from the whole base62 alphabet and nothing else, without a visible bias', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      for (const char of generateAgentKey().slice(6)) {
        counts.set(char, (counts.get(char) ?? 0) + 1);
      }
    }
    expect([...counts.keys()].sort().join('')).toBe([...BASE62].sort().join(''));
    // 320,000 characters: about 5,161 per symbol (sd ~71); `byte % 62` would give the first 8 about 6,250
    const expected = (10_000 * 32) / 62;
    for (const count of counts.values()) {
      expect(Math.abs(count - expected)).toBeLessThan(expected * 0.1);
    }
  });
});

describe(agentKeyPrefix.name, () => {
  it('is the first 14 characters: wt_ak_ and 8 random ones', () => {
    const key = generateAgentKey();
    expect(KEY_PREFIX_LENGTH).toBe(14);
    expect(agentKeyPrefix(key)).toBe(key.slice(0, 14));
  });
});

describe(agentKeyMatches.name, () => {
  const key = generateAgentKey();
  const stored = agentKeyDigest(key);

  it('stores the SHA-256 of the whole key', () => {
    expect(stored.equals(createHash('sha256').update(key).digest())).toBe(true);
  });

  it('accepts the key and refuses any other, even with the same prefix', () => {
    expect(agentKeyMatches(key, stored)).toBe(true);
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    expect(agentKeyMatches(key.slice(0, -1) + last, stored)).toBe(false);
    expect(agentKeyMatches('', stored)).toBe(false);
  });

  it('refuses a stored digest of the wrong length instead of throwing', () => {
    expect(agentKeyMatches(key, stored.subarray(0, 16))).toBe(false);
  });
});

describe(isAgentKey.name, () => {
  it.each([
    ['', false],
    ['wt_ak_', false],
    ['wt_ak_' + 'a'.repeat(31), false],
    ['wt_ak_' + 'a'.repeat(33), false],
    ['wt_ak_' + 'a'.repeat(31) + '-', false],
    ['WT_AK_' + 'a'.repeat(32), false],
    [' wt_ak_' + 'a'.repeat(32), false],
    ['wt_ak_' + 'a'.repeat(32) + '\n', false],
    ['wt_ak_' + 'aZ09'.repeat(8), true],
  ])('%j -> %s', (value, expected) => {
    expect(isAgentKey(value)).toBe(expected);
    expect(AGENT_KEY_PATTERN.test(value)).toBe(expected);
  });

  it('refuses what is not a string', () => {
    expect(isAgentKey(undefined)).toBe(false);
    expect(isAgentKey(['wt_ak_' + 'a'.repeat(32)])).toBe(false);
  });
});
