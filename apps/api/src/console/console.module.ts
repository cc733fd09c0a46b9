import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { ConsoleController } from './console.controller';
import { ConsoleService } from './console.service';
import { ConsoleStream } from './console.stream';

/** The console's API (docs/console-api.md); its pages are static files served by console.static.ts. */
@Module({
  imports: [AgentsModule],
  controllers: [ConsoleController],
  providers: [ConsoleService, ConsoleStream],
})
export class ConsoleModule {}
