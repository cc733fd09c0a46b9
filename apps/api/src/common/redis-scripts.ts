import { createHash } from 'node:crypto';
import Redis from 'ioredis';

/**
 * Runs a Lua script by EVALSHA, so a call sends a 40-byte digest instead of the script; EVAL once when Redis
 * lacks it (after a restart or a SCRIPT FLUSH).
 */
export async function evalScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const sha = digestOf(script);
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) {
      throw error;
    }
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}

const digests = new Map<string, string>();
function digestOf(script: string): string {
  let sha = digests.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    digests.set(script, sha);
  }
  return sha;
}
