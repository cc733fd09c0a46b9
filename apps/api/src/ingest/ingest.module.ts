import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AlertsModule } from '../alerts/alerts.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { IngestRateLimit } from './ingest-rate-limit';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

/** The ingest pipeline (exported for the agents gateway and embedded mode) and `POST /api/v1/ingest`. */
@Module({
  imports: [PersistenceModule, AlertsModule, AgentsModule],
  providers: [IngestService, IngestController, IngestRateLimit],
  exports: [IngestService],
})
export class IngestModule {}
