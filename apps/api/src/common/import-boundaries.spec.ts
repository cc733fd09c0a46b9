import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint, Linter } from 'eslint';
import { parser } from 'typescript-eslint';

const ROOT = resolve(__dirname, '../../../..');
// CommonJS and outside tsconfig's include, so required rather than imported
const { configs: boundaries, FEATURES } = require(resolve(ROOT, 'eslint.boundaries.js')) as {
  configs: Linter.Config[];
  FEATURES: string[];
};

// The boundaries alone, on virtual files: no type-aware project, so paths need not exist
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser } }, ...boundaries],
});

async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return result.messages;
}

const LIBS_NO_APPS = 'libs/ never import apps/';
const AGENT_NO_API = 'apps/agent never imports apps/api';
const CONSOLE_NO_APPS = 'apps/console never imports apps/api or apps/agent';
const LIBS_BY_ALIAS = 'only through its alias';
const BELOW_FEATURES = 'common/ and database/ import no feature';
const ALERTS_NO_DEADLINES = 'alerts/ imports nothing from heartbeat/ or pings/';

// The rule's feature list must name every folder of apps/api/src but the three below the features: a folder
// dropped from the list, or a new one never added, fails here
const FOUNDATION = ['common', 'config', 'database'];
const FEATURE_FOLDERS = readdirSync(resolve(ROOT, 'apps/api/src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !FOUNDATION.includes(entry.name))
  .map((entry) => entry.name);

describe('import boundaries (eslint.boundaries.js)', () => {
  it.each<[string, string, string]>([
    // 1. libs never import apps
    ['libs/collectors/src/disk.ts', `import { Env } from '../../../apps/api/src/config/env';`, LIBS_NO_APPS],
    ['libs/collectors/src/capture/frame.ts', `import { x } from '../../../../apps/agent/src/host-id';`, LIBS_NO_APPS],
    ['libs/wire-format/test/example.ts', `import type { Env } from 'apps/api/src/config/env';`, LIBS_NO_APPS],
    // 2. the agent never imports the API
    ['apps/agent/src/sampler.service.ts', `import { QUEUE } from '../../api/src/common/queues';`, AGENT_NO_API],
    ['apps/agent/src/config/env.ts', `import { Env } from '../../../apps/api/src/config/env';`, AGENT_NO_API],
    ['apps/agent/test/once.e2e-spec.ts', `export * from 'apps/api/src/app.module';`, AGENT_NO_API],
    // 3. nor does the console import either of them, from .ts or .tsx, however the path is spelled
    [
      'apps/console/src/types.ts',
      `import type { HostSummaryRow } from '../../api/src/database/repositories';`,
      CONSOLE_NO_APPS,
    ],
    [
      'apps/console/src/pages/host-tables.tsx',
      `import { QUEUE } from '../../../api/src/common/queues';`,
      CONSOLE_NO_APPS,
    ],
    ['apps/console/src/ui/badges.tsx', `import { x } from '../../../../apps/agent/src/host-id';`, CONSOLE_NO_APPS],
    ['apps/console/src/app.tsx', `export type { Env } from 'apps/api/src/config/env';`, CONSOLE_NO_APPS],
    ['apps/console/vite.config.ts', `import { x } from '../api/src/docs/openapi';`, CONSOLE_NO_APPS],
    ['apps/console/src/api.ts', `import type { AgentEnv } from '../../agent/src/config/env';`, CONSOLE_NO_APPS],
    // 4. apps reach libs through their alias only, wherever they sit
    [
      'apps/agent/src/sampler.service.ts',
      `import { collectDisk } from '../../../libs/collectors/src/disk';`,
      LIBS_BY_ALIAS,
    ],
    [
      'apps/api/src/heartbeat/heartbeat.service.ts',
      `import { parseMounts } from '@lib/collectors/src/disk';`,
      LIBS_BY_ALIAS,
    ],
    ['apps/api/test/app.ts', `import { validateSnapshot } from 'libs/wire-format/src/validate';`, LIBS_BY_ALIAS],
    ['apps/api/src/common/envelope.ts', `import type { Snapshot } from '@lib/wire-format/src/types';`, LIBS_BY_ALIAS],
    [
      'apps/api/src/database/entities/snapshot.entity.ts',
      `import { x } from '../../../../../libs/wire-format/src';`,
      LIBS_BY_ALIAS,
    ],
    [
      'apps/api/src/alerts/channels/mail.channel.ts',
      `import { x } from '../../../../../libs/collectors/src';`,
      LIBS_BY_ALIAS,
    ],
    ['apps/agent/src/main.ts', `import { x } from '@lib/wire-format/src/serialize';`, LIBS_BY_ALIAS],
    // 5. common/ and database/ sit below every feature
    [
      'apps/api/src/database/entities/event.entity.ts',
      `import { AlertJob } from '../../alerts/alerts.types';`,
      BELOW_FEATURES,
    ],
    ['apps/api/src/database/migrations/index.ts', `import { x } from '../../pings/pings.service';`, BELOW_FEATURES],
    ['apps/api/src/database/database.module.ts', `export { x } from '../persistence';`, BELOW_FEATURES],
    ['apps/api/src/common/queues.ts', `import { x } from 'apps/api/src/events/events.service';`, BELOW_FEATURES],
    ['apps/api/src/common/clock.ts', `import { x } from '../../src/heartbeat/heartbeat.store';`, BELOW_FEATURES],
    // 6. alerts knows nothing of deadlines
    [
      'apps/api/src/alerts/facts.service.ts',
      `import { HeartbeatStore } from '../heartbeat/heartbeat.store';`,
      ALERTS_NO_DEADLINES,
    ],
    [
      'apps/api/src/alerts/channels/log.channel.ts',
      `import type { Ping } from '../../pings/pings.service';`,
      ALERTS_NO_DEADLINES,
    ],
    [
      'apps/api/src/alerts/alerts.module.ts',
      `import { PingsModule } from 'apps/api/src/pings/pings.module';`,
      ALERTS_NO_DEADLINES,
    ],
  ])('%s: %s is an error', async (file, code, rule) => {
    const messages = await lint(file, code);

    expect(messages).toEqual([
      expect.objectContaining({ ruleId: 'no-restricted-imports', severity: 2, message: expect.stringContaining(rule) }),
    ]);
  });

  it('lists every feature folder of apps/api/src in the rule', () => {
    expect(FEATURES).toEqual(expect.arrayContaining(FEATURE_FOLDERS));
  });

  it.each(FEATURES)('common/ and database/ may not import the %s feature', async (feature) => {
    const fromCommon = await lint(
      'apps/api/src/common/password.ts',
      `import { x } from '../${feature}/${feature}.module';`,
    );
    const fromEntities = await lint('apps/api/src/database/entities/index.ts', `export * from '../../${feature}';`);

    for (const messages of [fromCommon, fromEntities]) {
      expect(messages).toEqual([
        expect.objectContaining({ ruleId: 'no-restricted-imports', message: expect.stringContaining(BELOW_FEATURES) }),
      ]);
    }
  });

  it.each<[string, string]>([
    ['apps/api/src/common/edge-hooks.ts', `import { Env } from '../config/env';`],
    ['apps/api/src/common/envelope.filter.ts', `import { toEnvelope } from './envelope';`],
    ['apps/api/src/common/envelope.ts', `import type { Snapshot } from '@lib/wire-format';`],
    ['apps/api/src/database/database.module.ts', `import { Env } from '../config/env';`],
    ['apps/api/src/database/repositories/events.repository.ts', `import { Clock } from '../../common/clock';`],
    [
      'apps/api/src/database/migrations/1795300000000-Init.ts',
      `import { Heartbeat } from '../entities/heartbeat.entity';`,
    ],
    ['apps/api/src/heartbeat/heartbeat.service.ts', `import { QUEUE } from '../common/queues';`],
    ['apps/api/src/heartbeat/heartbeat.service.ts', `import { FactsService } from '../alerts/facts.service';`],
    ['apps/api/src/pings/pings.service.ts', `import { Heartbeat } from '../database/entities';`],
    ['apps/api/src/embedded/embedded-service.ts', `import { collectDisk } from '@lib/collectors';`],
    ['apps/api/src/alerts/alert-format.ts', `import { formatHuman } from '../common/display-dates';`],
    ['apps/api/src/alerts/channels/mail.channel.ts', `import { Env } from '../../config/env';`],
    ['apps/api/src/alerts/channels/log.channel.ts', `import { AlertJob } from '../alerts.types';`],
    ['apps/api/src/alerts/alerts.module.ts', `import { PersistenceModule } from '../persistence/persistence.module';`],
    ['apps/api/test/app.ts', `import { setupApp } from '../src/app.setup';`],
    ['apps/agent/src/sampler.service.ts', `import { collectDisk } from '@lib/collectors';`],
    ['apps/agent/src/once.command.ts', `import { serializeIngestRequest } from '@lib/wire-format';`],
    ['apps/agent/src/main.ts', `import { AgentEnv } from './config/env';`],
    ['libs/collectors/src/processes.ts', `import type { ProcessBandwidth } from '@lib/wire-format';`],
    ['libs/collectors/src/capture/frame.spec.ts', `import { dns } from '../../test/fixtures/network-intel/frames';`],
    ['libs/wire-format/test/example.ts', `import type { IngestRequest } from '../src';`],
    ['apps/console/src/pages/hosts.tsx', `import { ApiError } from '../api';`],
    ['apps/console/src/ui/sort-header.tsx', `import { useState } from 'preact/hooks';`],
    ['apps/console/src/main.tsx', `import { App } from './app';`],
  ])('%s: %s is allowed', async (file, code) => {
    // an empty list also proves the file was linted: an unmatched path gets an "ignored" warning
    expect(await lint(file, code)).toEqual([]);
  });
});
