import { UnrecoverableError } from 'bullmq';
import { SlackChannel } from './slack.channel';
import { alertJob, DELIVERY_ID, FakeHttp, testEnv } from './test/fakes';

describe(SlackChannel.name, () => {
  let fake: FakeHttp;
  let channel: SlackChannel;

  beforeEach(async () => {
    fake = await FakeHttp.start();
    channel = new SlackChannel(testEnv());
  });
  afterEach(async () => fake.stop());

  it('posts a message with the title, the body, the context and a link to the console', async () => {
    expect(channel.configured).toBe(true);
    await channel.send(alertJob({ type: 'slack', target: `${fake.url}/services/T000/B000/XXXX` }), DELIVERY_ID);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.path).toBe('/services/T000/B000/XXXX');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-watchtower-delivery']).toBe(DELIVERY_ID);
    expect(JSON.parse(request.raw.toString())).toEqual({
      text: 'Service svcA has not pulsed',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Service svcA has not pulsed' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'The service svcA is not pulsing since 20261121 23:34:19' },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: [
                'Last pulse: 2026-11-21 23:34:19 (Europe/Paris)',
                'Late by: 5 s',
                'Expected every: 60 s',
                'Recent events:',
                '  2026-11-21 23:30:24 [level 3] disk almost full',
              ].join('\n'),
            },
            { type: 'mrkdwn', text: '<https://watch.example.com/gui|Open the Watchtower console>' },
          ],
        },
      ],
    });
  });

  it('escapes what Slack would read as markup, and keeps within its limits', async () => {
    const title = `<!channel> & ${'t'.repeat(200)}`;
    const body = `a <b> & ${'&'.repeat(3000)}`;
    await channel.send(alertJob({ target: `${fake.url}/h`, title, body, context: {} }), DELIVERY_ID);

    const message = JSON.parse(fake.requests[0].raw.toString()) as {
      text: string;
      blocks: { text?: { text: string }; elements?: { text: string }[] }[];
    };
    expect(message.text.startsWith('&lt;!channel&gt; &amp; ttt')).toBe(true);
    expect(message.blocks[0].text?.text).toBe(`${title.slice(0, 149)}…`);
    const section = message.blocks[1].text?.text ?? '';
    expect(section.startsWith('a &lt;b&gt; &amp; &amp;&amp;')).toBe(true);
    expect(section.length).toBeLessThanOrEqual(3000);
    expect(section).toMatch(/(&amp;)+…$/);
    // no context lines: the console link alone
    expect(message.blocks[2].elements).toEqual([
      { type: 'mrkdwn', text: '<https://watch.example.com/gui|Open the Watchtower console>' },
    ]);
  });

  // the answer stays out of the error by design: a target a pulse chose must not read back internal pages
  it("fails for good on Slack's 404 no_service, and retries on 429, without quoting the answer", async () => {
    fake.answer = { status: 404, body: 'no_service' };
    const gone = await channel.send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(UnrecoverableError);
    expect((gone as Error).message).toBe(`POST ${fake.url} answered 404`);

    fake.answer = { status: 429, body: 'rate_limited' };
    const limited = await channel.send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID).catch((e: unknown) => e);
    expect(limited).not.toBeInstanceOf(UnrecoverableError);
    expect((limited as Error).message).toBe(`POST ${fake.url} answered 429`);
  });

  it('retries when Slack does not answer in time', async () => {
    fake.answer = 'hang';
    channel.timeoutMs = 200;
    await expect(channel.send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID)).rejects.toThrow(
      /timed out after 200 ms$/,
    );
  });
});
