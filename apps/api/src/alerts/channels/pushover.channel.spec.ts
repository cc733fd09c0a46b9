import { UnrecoverableError } from 'bullmq';
import { plainText } from '../alert-format';
import { PushoverChannel } from './pushover.channel';
import { alertJob, FakeHttp, NOW, testEnv } from './test/fakes';

describe(PushoverChannel.name, () => {
  let fake: FakeHttp;
  let channel: PushoverChannel;

  beforeEach(async () => {
    fake = await FakeHttp.start();
    fake.answer = { status: 200, body: '{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}' };
    channel = new PushoverChannel(
      testEnv({ PUSHOVER_TOKEN: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', PUSHOVER_API_URL: `${fake.url}/1/messages.json` }),
    );
  });
  afterEach(async () => fake.stop());

  it('posts the form Pushover expects', async () => {
    expect(channel.configured).toBe(true);
    const alert = alertJob({ type: 'pushover', target: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG' });
    await channel.send(alert);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/1/messages.json');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.raw.toString()))).toEqual({
      token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
      user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
      title: 'Service svcA has not pulsed',
      message: plainText(alert, 'Europe/Paris'),
      timestamp: String(NOW),
      url: 'https://watch.example.com/gui',
      url_title: 'Watchtower console',
    });
  });

  it('keeps the title within 250 and the message within 1024 characters', async () => {
    const recentEvents = Array.from({ length: 5 }, (_, i) => ({ date: NOW - i, level: 1, message: '€'.repeat(300) }));
    await channel.send(alertJob({ target: 'u', title: 'T'.repeat(400), context: { recentEvents } }));

    const form = new URLSearchParams(fake.requests[0].raw.toString());
    expect(form.get('title')).toBe(`${'T'.repeat(249)}…`);
    const message = form.get('message') ?? '';
    expect(Array.from(message)).toHaveLength(1024);
    expect(message.startsWith('The service svcA is not pulsing since 20261121 23:34:19\n\nRecent events:\n')).toBe(
      true,
    );
    expect(message.endsWith('…')).toBe(true);
  });

  it("fails for good on Pushover's 400, quoting its answer", async () => {
    fake.answer = { status: 400, body: '{"user":"invalid","errors":["user identifier is invalid"],"status":0}' };
    const error = await channel.send(alertJob({ target: 'nobody' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toContain('400: {"user":"invalid","errors":["user identifier is invalid"]');
  });

  it('retries on 429 (over quota) and 500', async () => {
    for (const status of [429, 500]) {
      fake.answer = { status, body: 'busy' };
      const error = await channel.send(alertJob({ target: 'u' })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(UnrecoverableError);
    }
  });

  it('retries when Pushover does not answer in time', async () => {
    fake.answer = 'hang';
    channel.timeoutMs = 200;
    await expect(channel.send(alertJob({ target: 'u' }))).rejects.toThrow(/timed out after 200 ms$/);
  });

  it('without PUSHOVER_TOKEN, says so at once and fails for good without a request', async () => {
    const unconfigured = new PushoverChannel(testEnv({ PUSHOVER_API_URL: `${fake.url}/1/messages.json` }));
    expect(unconfigured.configured).toBe(false);
    const error = await unconfigured.send(alertJob({ target: 'u' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(
      'alert channel pushover is not configured on this server (set PUSHOVER_TOKEN)',
    );
    expect(fake.requests).toHaveLength(0);
  });
});
