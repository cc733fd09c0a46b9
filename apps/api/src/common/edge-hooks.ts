import { Injectable } from '@nestjs/common';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Env } from '../config/env';
import { AuthThrottle } from './auth-throttle';
import { ConsoleSessions, sameOrigin, sessionCookie } from './console-session';
import { HintedError } from './hinted-error';
import { digest, passwordMatches } from './password';

/**
 * Route-level auth marker, set with `@RouteConfig(PASSWORD)` on a handler. `admin` routes (enrolling agents,
 * reading hosts) take `ADMIN_PASSWORD`, which defaults to the shared password, in the same `password` header.
 */
export type RouteAuth = { auth: 'password' | 'password-or-redirect' | 'admin' };
export const PASSWORD: RouteAuth = { auth: 'password' };
export const PASSWORD_OR_REDIRECT: RouteAuth = { auth: 'password-or-redirect' };
export const ADMIN: RouteAuth = { auth: 'admin' };

/**
 * Throttle and authentication on headers only, in Fastify's onRequest phase: before the body is read,
 * so the precedence of §3.7 holds (403 before 413 and 400). Routing (404/405) has already happened:
 * unmatched requests carry no route config and reach the not-found handler.
 */
@Injectable()
export class EdgeHooks {
  private readonly expected: Buffer;
  private readonly expectedAdmin: Buffer;

  constructor(
    private readonly throttle: AuthThrottle,
    private readonly sessions: ConsoleSessions,
    env: Env,
  ) {
    this.expected = digest(env.password);
    this.expectedAdmin = digest(env.adminPassword);
  }

  install(fastify: FastifyInstance): void {
    // callback style: a right password is decided without a promise, and this runs before every request
    fastify.addHook('onRequest', (request, reply, done) => {
      let pending: Promise<void> | undefined;
      try {
        pending = this.check(request, reply);
      } catch (error) {
        done(error as Error);
        return;
      }
      if (pending === undefined) {
        done();
      } else {
        pending.then(() => done(), done);
      }
    });
  }

  /** Undefined when the request may go on at once, else the check still under way (it rejects to refuse). */
  private check(request: FastifyRequest, reply: FastifyReply): Promise<void> | undefined {
    const config = request.routeOptions.config as Partial<RouteAuth> | undefined;
    if (!config?.auth || request.method === 'OPTIONS') {
      return undefined;
    }
    const header = request.headers.password;
    if (config.auth === 'password-or-redirect' && header === undefined) {
      return redirect(reply);
    }
    const cookie = header === undefined ? sessionCookie(request) : undefined;
    if (cookie !== undefined) {
      return this.checkSession(request, cookie);
    }
    const expected = config.auth === 'admin' ? this.expectedAdmin : this.expected;
    const matches = (): boolean => header !== undefined && !Array.isArray(header) && passwordMatches(header, expected);
    const address = request.ip;
    if (header !== undefined && this.throttle.admitsAtOnce(address, matches)) {
      return undefined;
    }
    return this.throttle.admit(address, matches, header === undefined ? 'missing password' : 'bad password');
  }

  /**
   * The console's session stands for the admin password, so it opens every route. A cookie is sent by the browser
   * on its own, so a change also needs the console's own Origin: SameSite=Strict already keeps other sites' forms
   * out, and this keeps out a sibling page on another port of the same host.
   */
  private async checkSession(request: FastifyRequest, cookie: string): Promise<void> {
    if ((await this.sessions.check(cookie)) === null) {
      throw new HintedError(401, 'no session');
    }
    const safe = request.method === 'GET' || request.method === 'HEAD';
    if ((!safe || request.headers.origin !== undefined) && !sameOrigin(request)) {
      throw new HintedError(403, 'cross-origin request refused');
    }
  }
}

async function redirect(reply: FastifyReply): Promise<void> {
  await reply.redirect('/gui', 302);
}
