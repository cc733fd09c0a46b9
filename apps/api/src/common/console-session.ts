import { Global, Injectable, Module } from '@nestjs/common';
import { parseCookie, stringifySetCookie } from 'cookie';
import { FastifyRequest } from 'fastify';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Env } from '../config/env';
import { Clock } from './clock';
import { RedisClient } from './redis.module';

export const SESSION_COOKIE = 'wt_session';

/**
 * The console's sessions (docs/console-api.md). The cookie is `<id>.<signature>`: the id is 32 random bytes, the
 * signature an HMAC of it under a random secret kept in Redis (shared by every process), so a forged cookie is
 * refused without a lookup and a stolen one reveals nothing about the password. The session itself is a Redis key
 * with the session's lifetime, so logging out ends it everywhere, also for a copy of the cookie.
 */
@Injectable()
export class ConsoleSessions {
  private secret: Buffer | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /** A new session: the Set-Cookie that carries it (Max-Age its lifetime) and when it ends (epoch seconds). */
  async open(secure: boolean): Promise<{ setCookie: string; expiresAt: number }> {
    const id = randomBytes(32).toString('base64url');
    const lifetime = this.env.consoleSessionHours * 3600;
    const expiresAt = this.clock.seconds() + lifetime;
    await this.redis.set(this.key(id), String(expiresAt), 'EX', lifetime);
    const value = `${id}.${this.sign(id, await this.loadSecret())}`;
    return { setCookie: this.cookie(value, lifetime, secure), expiresAt };
  }

  /** When the session of this cookie value ends, or null when it is forged, expired or logged out. */
  async check(value: string): Promise<number | null> {
    const [id, signature, extra] = value.split('.');
    if (!id || !signature || extra !== undefined) {
      return null;
    }
    // a secret that Redis lost and another process replaced: read it again once before refusing
    if (!this.signedBy(id, signature, await this.loadSecret())) {
      this.secret = undefined;
      if (!this.signedBy(id, signature, await this.loadSecret())) {
        return null;
      }
    }
    const expiresAt = Number(await this.redis.get(this.key(id)));
    return expiresAt > this.clock.seconds() ? expiresAt : null;
  }

  async close(value: string): Promise<void> {
    const [id] = value.split('.');
    if (id) {
      await this.redis.del(this.key(id));
    }
  }

  /** The Set-Cookie that clears the session cookie (logging out). */
  clearingCookie(secure: boolean): string {
    return this.cookie('', 0, secure);
  }

  private cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
    return stringifySetCookie({
      name: SESSION_COOKIE,
      value,
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      maxAge: maxAgeSeconds,
    });
  }

  private key(id: string): string {
    return `${this.env.redisPrefix}:console:session:${id}`;
  }

  private sign(id: string, secret: Buffer): string {
    return createHmac('sha256', secret).update(id).digest('base64url');
  }

  private signedBy(id: string, signature: string, secret: Buffer): boolean {
    const expected = Buffer.from(this.sign(id, secret));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async loadSecret(): Promise<Buffer> {
    if (this.secret === undefined) {
      const key = `${this.env.redisPrefix}:console:secret`;
      await this.redis.set(key, randomBytes(32).toString('base64url'), 'NX');
      const stored = await this.redis.get(key);
      if (stored === null) {
        throw new Error('the console session secret vanished from Redis');
      }
      this.secret = Buffer.from(stored, 'base64url');
    }
    return this.secret;
  }
}

/** Global: the edge hooks check sessions on every route, the console opens and closes them. */
@Global()
@Module({ providers: [ConsoleSessions], exports: [ConsoleSessions] })
export class ConsoleSessionsModule {}

/** The session cookie's value in a request, if it carries one. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[SESSION_COOKIE];
}

/** Whether the request's `Origin` (required) names the host it was sent to: the console's own page. */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    return false;
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** Cookies get `Secure` when the browser reached us over TLS, directly or through a trusted proxy. */
export function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}
