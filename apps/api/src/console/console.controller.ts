import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthThrottle } from '../common/auth-throttle';
import { ConsoleSessions, isSecure, sessionCookie } from '../common/console-session';
import { ADMIN } from '../common/edge-hooks';
import { HintedError } from '../common/hinted-error';
import { digest, passwordMatches } from '../common/password';
import { Env } from '../config/env';
import type { HeartbeatsPageQuery } from '../database/repositories';
import { HeartbeatsPagePipe, parseLogin } from './console.dto';
import { ConsoleService, Overview } from './console.service';
import { ConsoleStream } from './console.stream';

// The console's calls (docs/console-api.md). The session routes carry no route auth: they are the door itself.
@Controller()
export class ConsoleController {
  private readonly admin: Buffer;

  constructor(
    private readonly console: ConsoleService,
    private readonly stream: ConsoleStream,
    private readonly sessions: ConsoleSessions,
    private readonly throttle: AuthThrottle,
    env: Env,
  ) {
    this.admin = digest(env.adminPassword);
  }

  @Post('api/v1/session')
  @HttpCode(200)
  async login(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ expiresAt: number }> {
    const password = parseLogin(body);
    await this.throttle.admit(request.ip, () => passwordMatches(password, this.admin));
    const { setCookie, expiresAt } = await this.sessions.open(isSecure(request));
    void reply.header('set-cookie', setCookie);
    return { expiresAt };
  }

  @Get('api/v1/session')
  async session(@Req() request: FastifyRequest): Promise<{ expiresAt: number }> {
    const cookie = sessionCookie(request);
    const expiresAt = cookie === undefined ? null : await this.sessions.check(cookie);
    if (expiresAt === null) {
      throw new HintedError(401, 'no session');
    }
    return { expiresAt };
  }

  @Delete('api/v1/session')
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<object> {
    const cookie = sessionCookie(request);
    if (cookie !== undefined) {
      await this.sessions.close(cookie);
    }
    void reply.header('set-cookie', this.sessions.clearingCookie(isSecure(request)));
    return {};
  }

  @Get('api/v1/console/overview')
  @RouteConfig(ADMIN)
  async overview(): Promise<Overview> {
    return this.console.overview();
  }

  @Get('api/v1/console/heartbeats')
  @RouteConfig(ADMIN)
  async heartbeats(@Query(HeartbeatsPagePipe) query: Omit<HeartbeatsPageQuery, 'now'>): Promise<object> {
    return this.console.heartbeatsPage(query);
  }

  @Get('api/v1/console/heartbeats/:service/history')
  @RouteConfig(ADMIN)
  async history(@Param('service') service: string): Promise<object> {
    return this.console.historyOf(service);
  }

  @Get('api/v1/console/stream')
  @RouteConfig(ADMIN)
  streamChanges(@Res() reply: FastifyReply): void {
    if (this.stream.full) {
      throw new HintedError(503, 'too many live streams, retry later', { 'retry-after': '30' });
    }
    reply.hijack();
    this.stream.open(reply.raw);
  }
}
