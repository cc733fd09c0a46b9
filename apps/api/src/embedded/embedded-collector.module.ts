import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { EmbeddedCollector } from './embedded-collector';

/** Embedded collector mode (worker half: it is a scheduler); idle unless AGENT_EMBEDDED=true. */
@Module({ imports: [IngestModule], providers: [EmbeddedCollector] })
export class EmbeddedCollectorWorkerModule {}
