import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, TestApp, TestStores } from './app';

interface Listed {
  id: string;
  hostname: string;
  embedded: boolean;
  agentId: string | null;
  agentVersion: string;
  cpuPct: number | null;
  lastSnapshotAt: number | null;
}

describe('embedded collector mode: AGENT_EMBEDDED=true', () => {
  let stores: TestStores;
  let dataDir: string;
  const env = () => ({
    AGENT_EMBEDDED: 'true',
    AGENT_GATEWAY: '127.0.0.1',
    AGENT_DNS_SERVER: '127.0.0.1',
    AGENTS_INTERVAL_SECS: '10',
    DATA_DIR: dataDir,
  });
  const hosts = async (app: TestApp): Promise<Listed[]> => (await app.request('GET', '/api/v1/hosts')).json.hosts;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wt-embedded-'));
    stores = await TestStores.create();
  });
  afterAll(async () => {
    await stores.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows its own host within one interval, with a cpu figure, and keeps its identity across a restart', async () => {
    const app = await stores.start(env());
    const [own] = await eventually(async () => {
      const listed = await hosts(app);
      expect(listed).toEqual([
        expect.objectContaining({
          hostname: hostname(),
          embedded: true,
          agentId: null,
          agentVersion: expect.stringMatching(/^watchtower-api\//),
          cpuPct: expect.any(Number),
        }),
      ]);
      return listed;
    }, 15_000);
    expect(readFileSync(join(dataDir, 'host-id'), 'utf8').trim()).toBe(own.id);
    const detail = await app.request('GET', `/api/v1/hosts/${own.id}`);
    expect(detail.json.latest.interfaces.length).toBeGreaterThan(0);
    await app.close();

    const again = await stores.start(env());
    await eventually(async () => {
      const listed = await hosts(again);
      expect(listed).toEqual([expect.objectContaining({ id: own.id, embedded: true })]);
      expect(listed[0].lastSnapshotAt).toBeGreaterThan(own.lastSnapshotAt!);
    }, 15_000);
  }, 60_000);
});
