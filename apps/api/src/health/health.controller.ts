import { Controller, Get, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { HealthChecks } from './health.checks';

/**
 * Probes for load balancers and orchestrators: no password (a probe has none), and nothing beyond up/degraded
 * and the failing parts' names. The bodies are sent as strings so they stay exactly these bytes (the reply
 * serializer would add the envelope's `result`).
 */
@Controller()
export class HealthController {
  constructor(private readonly checks: HealthChecks) {}

  /** The process answers: nothing else is checked, so a store outage never gets it restarted. */
  @Get('health/live')
  live(@Res() reply: FastifyReply): void {
    void reply.type('application/json').send('{"status":"up"}');
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const failing = await this.checks.failing();
    const body = failing.length === 0 ? { status: 'up' } : { status: 'degraded', failing };
    void reply
      .status(failing.length === 0 ? 200 : 503)
      .type('application/json')
      .send(JSON.stringify(body));
  }
}
