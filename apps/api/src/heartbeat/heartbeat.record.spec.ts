import fc from 'fast-check';
import { serializeEnvelope } from '../common/envelope';
import { HeartbeatView, pulseAnswer } from './heartbeat.record';

// any UTF-16 unit, lone surrogates included: the envelope escapes each the same way whatever writes it
const text = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) });
const epoch = fc.integer({ min: 0, max: 253402300799 });

const view: fc.Arbitrary<HeartbeatView> = fc
  .record({
    alertTarget: text,
    alertType: text,
    alerted: fc.boolean(),
    cancelled: fc.boolean(),
    expected: fc.oneof(epoch, text),
    last: fc.oneof(epoch, text),
    nextIn: fc.integer({ min: 1, max: 31536000 }),
    service: text,
    repeatEvery: fc.option(fc.integer({ min: 60, max: 31536000 }), { nil: undefined }),
  })
  .map(({ repeatEvery, ...rest }) => (repeatEvery === undefined ? rest : { ...rest, repeatEvery }));

describe('pulseAnswer', () => {
  it('writes the bytes serializeEnvelope writes for a pulse answer', () => {
    fc.assert(
      fc.property(view, (record) => {
        expect(pulseAnswer(record)).toBe(serializeEnvelope({ action: 'pulse', heartBeat: record, result: 200 }));
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes what is not ASCII and keeps the keys in code-point order', () => {
    const answer = pulseAnswer({
      alertTarget: 'ops@example.com',
      alertType: 'email',
      alerted: false,
      cancelled: false,
      expected: 1796279625,
      last: 1796279565,
      nextIn: 60,
      service: 'café-☃',
      repeatEvery: 600,
    });
    expect(answer).toBe(
      '{"action":"pulse","heartBeat":{"alertTarget":"ops@example.com","alertType":"email","alerted":false,' +
        '"cancelled":false,"expected":1796279625,"last":1796279565,"nextIn":60,"repeatEvery":600,' +
        '"service":"caf\\u00e9-\\u2603"},"result":200}\n',
    );
  });
});
