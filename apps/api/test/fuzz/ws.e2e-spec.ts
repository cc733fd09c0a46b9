import fc from 'fast-check';
import { ADMIN_PASSWORD, FuzzServer, Memory } from './fuzz-server';
import { describeOutcome, FuzzSocket, Outcome } from './fuzz-socket';
import { FuzzClient, FuzzRequest } from './http';
import { bodyOf, passwordHeaders, withBody } from './requests';
import { describeMemory, expectBounded } from './memory';
import { fuzzParameters, timeoutOf, totalRuns } from './runs';
import { answered, describeRequest, judge } from './verdicts';
import { describeFrame, Frame, frame, judgeFrame, newHost } from './ws-cases';
import { mutated } from './values';
import { example } from '../ingest-fixtures';

const ERROR_WINDOW_MS = 60_000;
const MAX_ERRORS = 10;

// Issue 10, hostile input, over the agent socket: every bad frame gets an `error` or a documented close
// (1003 binary, 1007 not UTF-8, 1009 oversize, 1008 ten errors a minute or no hello first, 4003 another
// protocol version, 1000 after bye), never 1011 or silence; the connection, and the next one, keep working.
describe('fuzz: the agent WebSocket /api/v1/agents/ws (issue 10, hostile input)', () => {
  let server: FuzzServer;
  let client: FuzzClient;
  let agent: { id: string; key: string };
  let socket: FuzzSocket | undefined;
  let errors: number[] = [];
  let before: Memory;
  const closes = new Map<number, number>();

  const printable = (arbitrary: fc.Arbitrary<Frame>): fc.Arbitrary<Frame> =>
    arbitrary.map((f) => Object.assign(f, { [fc.toStringMethod]: () => describeFrame(f) }));

  const send = (target: FuzzSocket, sent: Frame): void => {
    target.send(sent.kind === 'text' || sent.kind === 'oversize' ? sent.text : sent.bytes, sent.kind === 'binary');
  };

  /** A socket past hello; a new one after the server closed the last. */
  const session = async (): Promise<FuzzSocket> => {
    if (socket?.open) {
      return socket;
    }
    socket = await FuzzSocket.open(server.url, agent.key);
    const welcome = await socket.hello(newHost());
    if (welcome.kind !== 'message' || welcome.message.type !== 'welcome') {
      throw new Error(`no welcome after reconnecting: ${describeOutcome(welcome)}`);
    }
    errors = [];
    return socket;
  };

  const counted = (outcome: Outcome): void => {
    if (outcome.kind === 'close') {
      closes.set(outcome.code, (closes.get(outcome.code) ?? 0) + 1);
    }
  };

  beforeAll(async () => {
    server = await FuzzServer.start();
    client = new FuzzClient(server.url);
    const enrolled = await client.send({
      method: 'POST',
      path: '/api/v1/agents',
      headers: [
        ['password', ADMIN_PASSWORD],
        ['content-type', 'application/json'],
      ],
      body: JSON.stringify({ name: 'fz-ws-agent' }),
    });
    const body = JSON.parse(enrolled.text);
    agent = { id: body.agent.id, key: body.key };
    await session();
    before = await server.memory();
  }, 60_000);

  afterAll(async () => {
    socket?.close();
    await client?.close();
    await server?.stop();
  });

  it(
    `wsFirstMessage: ${fuzzParameters('wsFirstMessage').numRuns} first frames on a fresh connection`,
    async () =>
      fc.assert(
        fc.asyncProperty(printable(frame), async (sent) => {
          server.assertAlive();
          const fresh = await FuzzSocket.open(server.url, agent.key);
          try {
            send(fresh, sent);
            const outcome = await fresh.next();
            counted(outcome);
            judgeFrame(sent, outcome, true);
          } finally {
            fresh.close();
          }
        }),
        fuzzParameters('wsFirstMessage'),
      ),
    timeoutOf('wsFirstMessage'),
  );

  it(
    `wsMessages: ${fuzzParameters('wsMessages').numRuns} frames on a connection past hello`,
    async () =>
      fc.assert(
        fc.asyncProperty(printable(frame), async (sent) => {
          server.assertAlive();
          const live = await session();
          send(live, sent);
          const outcome = await live.next();
          counted(outcome);
          if (judgeFrame(sent, outcome, false) !== 'error') {
            return;
          }
          const now = Date.now();
          errors = [...errors.filter((at) => now - at < ERROR_WINDOW_MS), now];
          if (errors.length >= MAX_ERRORS) {
            // the tenth error within a minute is followed by the close, and a new connection starts over
            const close = await live.next();
            counted(close);
            if (close.kind !== 'close' || close.code !== 1008) {
              throw new Error(
                `no 1008 after ${MAX_ERRORS} errors: ${describeOutcome(close)}; last sent ${describeFrame(sent)}`,
              );
            }
          }
        }),
        fuzzParameters('wsMessages'),
      ),
    timeoutOf('wsMessages'),
  );

  it(
    `wsCommands: ${fuzzParameters('wsCommands').numRuns} commands to the connected agent`,
    async () => {
      const settings = fc
        .constantFrom<Record<string, unknown>>(
          { interval_secs: 30 },
          { health_interval_secs: 60, bandwidth_alert_bytes_per_sec: 0 },
        )
        .chain(mutated);
      const command = fc.record({
        path: fc.constantFrom('report-now', 'settings', 'settings'),
        headers: passwordHeaders(ADMIN_PASSWORD),
        body: bodyOf(settings),
      });
      await fc.assert(
        fc.asyncProperty(command, async ({ path, headers, body }) => {
          const live = await session();
          const request: FuzzRequest = withBody(
            { method: 'POST', path: `/api/v1/agents/${agent.id}/${path}`, headers },
            body,
          );
          const answer = await answered(
            async (r) => client.send(r),
            request,
            () => server.assertAlive(),
          );
          judge('envelope', request, answer);
          if (answer.status !== 200) {
            return;
          }
          const reply = JSON.parse(answer.text);
          const pushed = await live.next();
          const type = path === 'report-now' ? 'report_now' : 'settings_update';
          if (reply.delivered !== true || pushed.kind !== 'message' || pushed.message.type !== type) {
            throw new Error(
              `${type} not pushed: ${answer.text} then ${describeOutcome(pushed)}\n  ${describeRequest(request)}`,
            );
          }
        }),
        fuzzParameters('wsCommands'),
      );
    },
    timeoutOf('wsCommands'),
  );

  it('a burst of 200 frames without waiting: answered in order, or closed with 1013 past 64', async () => {
    const live = await session();
    for (let i = 0; i < 200; i++) {
      live.send(JSON.stringify({ type: 'event', id: `b-${i}`, service: 'fz-burst', message: `m${i}` }));
    }
    const outcomes: Outcome[] = [];
    while (outcomes.length < 200 && outcomes.at(-1)?.kind !== 'close') {
      outcomes.push(await live.next());
    }
    const acks = outcomes.filter((o) => o.kind === 'message');
    expect(acks).toEqual(
      acks.map((_, i) => ({ kind: 'message', message: { type: 'ack', id: `b-${i}`, result: 200 } })),
    );
    console.log(`burst: ${acks.length} acks, then ${describeOutcome(outcomes.at(-1)!)}`);
    if (acks.length < 200) {
      expect(outcomes.at(-1)).toMatchObject({ kind: 'close', code: 1013 });
    }
  });

  it('a valid ingest, pulse and event are still acknowledged after all that', async () => {
    const live = await session();
    const { snapshots } = example();
    live.send(
      JSON.stringify({
        type: 'ingest',
        id: 'last-1',
        snapshots: [{ ...snapshots[0], timestamp: new Date().toISOString() }],
      }),
    );
    expect(await live.next()).toMatchObject({ kind: 'message', message: { type: 'ack', id: 'last-1', accepted: 1 } });
    live.send(
      JSON.stringify({
        type: 'pulse',
        id: 'last-2',
        service: 'fz-last',
        nextIn: 60,
        alertType: 'log',
        alertTarget: 'x',
      }),
    );
    expect(await live.next()).toEqual({ kind: 'message', message: { type: 'ack', id: 'last-2', result: 200 } });
    live.send(JSON.stringify({ type: 'event', id: 'last-3', service: 'fz-last', message: 'still here' }));
    expect(await live.next()).toEqual({ kind: 'message', message: { type: 'ack', id: 'last-3', result: 200 } });
  });

  it('stays up, and its memory stays bounded', async () => {
    const live = await client.send({ method: 'GET', path: '/health/live' });
    expect([live.status, live.text]).toEqual([200, '{"status":"up"}']);
    const after = await server.memory();
    console.log(
      `fuzz WS: ${totalRuns()} total runs; ${describeMemory(before, after)}; ` +
        `closes by code: ${JSON.stringify(Object.fromEntries(closes))}`,
    );
    expect(server.internalErrors()).toEqual([]);
    expectBounded(before, after);
  });
});
