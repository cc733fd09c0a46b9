import { eventually, TestApp, TestStores } from './app';
import { JavaClient, JavascriptClient, PythonClient, PythonHeartbeatManager } from './clients';

// The compatibility suite of watchtower-protocol.md §14, one test per case, against the real stack:
// CT-01 to CT-07, the three original clients. CT-08 onwards: compat-protocol.e2e-spec.ts; CT-12 and CT-21:
// heartbeat-lifecycle.e2e-spec.ts.
describe('watchTower compatibility (§14): the original clients', () => {
  let stores: TestStores;
  let app: TestApp;
  let python: PythonClient;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    python = new PythonClient(app.url, app.password);
  });
  afterAll(async () => stores.destroy());

  it('CT-01 Python script steps 1-5', async () => {
    const pulsed = await python.pulse('testPython', 'pushover', 'pushoverTargetID', 60);
    expect(pulsed.heartBeat).toMatchObject({ service: 'testPython', nextIn: 60, cancelled: false, alerted: false });
    const cancelled = await python.cancel('testPython');
    expect(cancelled.heartBeat.cancelled).toBe(true);
    const list = await python.heartbeats();
    expect(list.find((h) => h.service === 'testPython')).toMatchObject({ cancelled: true, alertType: 'pushover' });
    await python.add('test4', 'my m"es\nsage', 4);
    const events = await eventually(async () => {
      const found = await python.events(null, null, '^test4$');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(events[0]).toMatchObject({ service: 'test4', message: 'my m"es\nsage', level: 4, alert: false });
    expect(Object.keys(events[0]).sort()).toEqual(['alert', 'date', 'level', 'message', 'service']);
  });

  it('CT-02 Python manager', async () => {
    const manager = new PythonHeartbeatManager(python, 'managed', 'log', 'ops', 2, 100);
    manager.start();
    const first = await eventually(async () => {
      const record = (await python.heartbeats()).find((h) => h.service === 'managed');
      expect(record).toBeDefined();
      return record;
    });
    await eventually(async () => {
      const record = (await python.heartbeats()).find((h) => h.service === 'managed');
      expect(record.last).toBeGreaterThan(first.last);
    }, 4000);
    await manager.interrupt();
    const record = (await python.heartbeats()).find((h) => h.service === 'managed');
    expect(record.cancelled).toBe(true);
  });

  it('CT-03 Python, wrong password', async () => {
    const wrong = new PythonClient(app.url, 'nope');
    const calls = [
      async () => wrong.pulse('x', 'log', 't', 60),
      async () => wrong.cancel('x'),
      async () => wrong.add('x', 'm'),
      async () => wrong.heartbeats(),
      async () => wrong.events(),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({ kind: 'Status KO', body: '{"hint":"bad password","result":403}\n' });
    }
  });

  it('CT-04 Python events(level=5), events(service="test4")', async () => {
    await python.add('ct04-a', 'low', 4);
    await python.add('ct04-b', 'high', 6);
    await eventually(async () => expect(await python.events(null, null, '^ct04')).toHaveLength(2));
    const high = await python.events(null, null, '^ct04', 5);
    expect(high.map((e) => e.service)).toEqual(['ct04-b']);
    const byService = await python.events(null, null, 'ct04-A');
    expect(byService.map((e) => e.message)).toEqual(['low']);
  });

  it('CT-05 Java test steps', async () => {
    const java = new JavaClient(app.url, app.password);
    const pulsed = await java.pulse('testJava', 'pushover', 'pushoverTargetID', 60);
    expect(JSON.parse(pulsed).result).toBe(200);
    const cancelled = await java.cancel('testJava');
    expect(JSON.parse(cancelled)).toMatchObject({ result: 200, heartBeat: { cancelled: true } });
    expect(await java.add('testJava', 'ok message', 3)).toBe('{"result":200}');
    await eventually(async () => expect(await app.eventsOf('testJava')).toEqual([{ message: 'ok message', level: 3 }]));
  });

  it('CT-06 Java message with backslashes', async () => {
    const java = new JavaClient(app.url, app.password);
    expect(await java.add('ct06', 'C:\\temp\\new', 1)).toBe('{"result":200}');
    await eventually(async () => expect(await app.eventsOf('ct06')).toEqual([{ message: 'C:\temp\new', level: 1 }]));
  });

  it('CT-07 JS client (agent option fixed)', async () => {
    const js = new JavascriptClient(app.url, app.password);
    expect(await js.pulse('testJS', 'log', 'ops', 60)).toMatchObject({
      result: 200,
      heartBeat: { service: 'testJS', nextIn: 60 },
    });
    const listed = JSON.parse(await js.listHeartbeats());
    expect(listed.heartBeats.map((h: { service: string }) => h.service)).toContain('testJS');
    expect(await js.cancel('testJS')).toMatchObject({ result: 200, action: 'cancel', heartBeat: { cancelled: true } });
  });
});
