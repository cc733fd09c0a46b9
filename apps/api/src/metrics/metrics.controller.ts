import { Controller, Get, Headers, Res } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { Metrics } from '../common/metrics';
import { HintedError } from '../common/hinted-error';
import { digest, passwordMatches } from '../common/password';
import { Env } from '../config/env';

/** Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
@Controller()
export class MetricsController {
  private readonly token: Buffer | null;

  constructor(
    private readonly metrics: Metrics,
    env: Env,
  ) {
    this.token = env.metricsToken === null ? null : digest(env.metricsToken);
  }

  @Get('metrics')
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (this.token !== null) {
      const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (given === undefined || !passwordMatches(given, this.token)) {
        throw new HintedError(401, 'metrics need Authorization: Bearer <METRICS_TOKEN>', {
          'www-authenticate': 'Bearer',
        });
      }
    }
    void reply.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
