import { Controller, Get } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { Env } from '../config/env';
import { EventsPreset } from '../config/json-settings';
import { Clock } from '../common/clock';
import { PASSWORD } from '../common/edge-hooks';

/** `GET /hello`: server clock, presets and version; the console also checks a password with it (§5.1). */
@Controller()
export class InfoController {
  constructor(
    private readonly env: Env,
    private readonly clock: Clock,
  ) {}

  @Get('hello')
  @RouteConfig(PASSWORD)
  hello(): { eventsPresets: EventsPreset[]; version: string; world: number } {
    return {
      eventsPresets: this.env.eventsPresets,
      version: this.env.guiVersion,
      world: this.clock.seconds(),
    };
  }
}
