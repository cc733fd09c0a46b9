import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { example } from '../ingest-fixtures';
import { describeOutcome, Outcome } from './fuzz-socket';
import { hugeString, mutated, oddString, toJson } from './values';

// Agent -> server frames (agent-protocol.md §3: hello, ingest, pulse, event, bye, and types it does not
// know), valid and mutated, plus frames that are not JSON, not text, not UTF-8 or too large.

export type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Buffer }
  | { kind: 'invalid-utf8'; bytes: Buffer }
  | { kind: 'oversize'; text: string };

/** A host of its own per connection, so each hello is a new host as a fresh agent install would be. */
export function newHost(): Record<string, unknown> {
  const id = randomUUID();
  return { ...example().host, host_id: id, hostname: `fz-${id.slice(0, 8)}` };
}

function snapshot(offsetMs = 0): Record<string, unknown> {
  return { ...example().snapshots[0], timestamp: new Date(Date.now() + offsetMs).toISOString() };
}

const UNKNOWN_TYPES = [
  'welcome',
  'ack',
  'error',
  'settings_update',
  'report_now',
  'snapshot',
  'snapshots',
  'command_result',
  'HELLO',
  '',
  'x'.repeat(300),
];

/** Valid messages of every type the agent may send, and messages of types it may not. */
function bases(): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.constant({
        type: 'hello',
        schema_version: 1,
        agent_version: 'watchtower-agent/1.0.0',
        host: newHost(),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        { type: 'ingest', id: 'm-1', snapshots: [snapshot()] },
        { type: 'ingest', id: 'm-2', snapshots: [snapshot(), snapshot(-1000)], agent_health: example().agent_health },
        { type: 'ingest', id: 'm-3', snapshots: [snapshot(-48 * 3600_000)] },
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        { type: 'pulse', id: 'p-1', service: 'fz-relayed', nextIn: 3600, alertType: 'log', alertTarget: 'ops' },
        {
          type: 'pulse',
          id: 'p-2',
          service: 42,
          nextIn: '60',
          alertType: 'mail',
          alertTarget: 'ops@example.org',
          repeatEvery: 600,
        },
      ),
    },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        { type: 'event', id: 'e-1', service: 'fz-ws', message: 'disk 91% full', level: 4 },
        { type: 'event', id: 'e-2', service: 'fz-ws', message: 5, level: '3', alert: true },
      ),
    },
    { weight: 1, arbitrary: fc.constant({ type: 'bye', reason: 'stopping' }) },
    { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_TYPES).map((type) => ({ type, id: 'u-1' })) },
  );
}

const notJson = fc.oneof(
  oddString,
  fc.constantFrom('', ' ', '{', '{"type":', '{"type":"hello"', "{'type':'hello'}", 'NaN', 'undefined', '\ufeff{}'),
  fc.jsonValue({ maxDepth: 2 }).map((value) => toJson(value)),
);

export const frame: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 14,
    arbitrary: bases()
      .chain(mutated)
      .map((value): Frame => ({ kind: 'text', text: toJson(value) })),
  },
  { weight: 3, arbitrary: notJson.map((text): Frame => ({ kind: 'text', text })) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 0, maxLength: 200 })
      .map((bytes): Frame => ({ kind: 'binary', bytes: Buffer.from(bytes) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]), fc.nat(20))
      .map(([bad, at]): Frame => {
        const text = Buffer.from('{"type":"event","id":"x","service":"s","message":"m"}');
        return {
          kind: 'invalid-utf8',
          bytes: Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]),
        };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(1024 * 1024 + 1, 3 * 1024 * 1024), hugeString).map(([length, fill]): Frame => ({
      kind: 'oversize',
      text: `{"type":"event","message":"${'m'.repeat(length)}${fill.slice(0, 10)}"}`,
    })),
  },
);

export function describeFrame(sent: Frame): string {
  const data = sent.kind === 'text' || sent.kind === 'oversize' ? sent.text : sent.bytes.toString('latin1');
  return `${sent.kind} ${JSON.stringify(data.slice(0, 300))}${data.length > 300 ? ` (${data.length} chars)` : ''}`;
}

const MAX_FRAME_BYTES = 1024 * 1024;

/** Close codes a frame may earn by itself (agent-protocol.md §2, RFC 6455 §7.4.1 for 1007). */
const CLOSE_FOR: Record<Frame['kind'], number | undefined> = {
  binary: 1003,
  'invalid-utf8': 1007,
  oversize: 1009,
  text: undefined,
};

const ERROR_CODES = ['bad_json', 'unknown_type', 'invalid'];

export type Verdict = 'error' | 'answered' | 'closed';

/**
 * Judges the first outcome of a frame sent on a connection past `hello`: an `error` the agent can act on, the
 * answer of a valid message, or one of the documented closes. Anything else (1011, an unexplained close,
 * `internal` or `unavailable` with both stores up, no answer) throws.
 */
export function judgeFrame(sent: Frame, outcome: Outcome, first: boolean): Verdict {
  const fail = (why: string): never => {
    throw new Error(`${why}\n  sent: ${describeFrame(sent)}\n  got: ${describeOutcome(outcome)}`);
  };
  // a mutation can make any frame too large (a 200,000-character string of escapes)
  const tooLarge = sent.kind === 'text' && Buffer.byteLength(sent.text) > MAX_FRAME_BYTES;
  const expectedClose = tooLarge ? 1009 : CLOSE_FOR[sent.kind];
  if (expectedClose !== undefined) {
    return outcome.kind === 'close' && outcome.code === expectedClose
      ? 'closed'
      : fail(`not closed with ${expectedClose}`);
  }
  if (outcome.kind === 'close') {
    const type = parsedType(sent);
    const documented =
      (outcome.code === 1000 && type === 'bye') ||
      (outcome.code === 4003 && type === 'hello') ||
      (outcome.code === 1008 && first && type !== 'hello');
    return documented ? 'closed' : fail(`closed with ${outcome.code}`);
  }
  const message = outcome.message;
  if (message.type === 'error') {
    if (!ERROR_CODES.includes(message.code) || typeof message.message !== 'string' || message.message === '') {
      fail('an error the agent cannot act on');
    }
    return 'error';
  }
  const type = parsedType(sent);
  const answers =
    (type === 'hello' && message.type === 'welcome') ||
    (type !== 'hello' && message.type === 'ack' && message.id === parsed(sent)?.id);
  return answers && !(first && type !== 'hello') ? 'answered' : fail('an answer that does not fit the message');
}

function parsed(sent: Frame): { type?: unknown; id?: unknown } | undefined {
  try {
    return JSON.parse((sent as { text: string }).text) as { type?: unknown; id?: unknown };
  } catch {
    return undefined;
  }
}

function parsedType(sent: Frame): unknown {
  return parsed(sent)?.type;
}
