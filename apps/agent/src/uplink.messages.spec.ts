import { QueuedSnapshot } from './send-queue';
import { fitBatch, isRetryable, keptAfterAck, parseServerMessage } from './uplink.messages';

const entry = (seq: number, bytes: number): QueuedSnapshot => ({ seq, json: 'x'.repeat(bytes), bytes });
const build = (batch: readonly QueuedSnapshot[]): string => batch.map((e) => e.json).join(',');

describe('uplink messages', () => {
  it('halves a batch until its message is under the limit', () => {
    const batch = [1, 2, 3, 4, 5, 6, 7, 8].map((seq) => entry(seq, 100));
    const fitted = fitBatch(batch, build, 350);
    // 807 bytes, then 4 (403), then 2 (201)
    expect('batch' in fitted && fitted.batch.map((e) => e.seq)).toEqual([1, 2]);
    // strictly under the limit: a message of exactly the limit is cut too
    expect(fitBatch(batch.slice(0, 2), build, 202)).toMatchObject({ batch: batch.slice(0, 2) });
    expect(fitBatch(batch.slice(0, 2), build, 201)).toMatchObject({ batch: batch.slice(0, 1) });
  });

  it('reports a single snapshot that can never fit', () => {
    expect(fitBatch([entry(1, 500), entry(2, 1)], build, 100)).toEqual({ tooLarge: entry(1, 500) });
  });

  it('keeps the entries whose result status is 500 or more, by index', () => {
    const batch = [entry(1, 1), entry(2, 1), entry(3, 1)];
    const results = [
      { index: 0, status: 200 },
      { index: 1, status: 500 },
      { index: 2, status: 400 },
    ];
    expect(keptAfterAck(batch, results)).toEqual([batch[1]]);
    expect(keptAfterAck(batch, undefined)).toEqual([]);
  });

  it('retries anything but the codes of a message the server will never accept', () => {
    expect(isRetryable('unavailable')).toBe(true);
    expect(['bad_json', 'unknown_type', 'invalid'].map(isRetryable)).toEqual([false, false, false]);
  });

  it('parses server messages and answers null for anything else', () => {
    expect(parseServerMessage('{"type":"report_now"}')).toEqual({ type: 'report_now' });
    expect(parseServerMessage('{"type":"ack","id":"i1","results":[]}')).toMatchObject({ type: 'ack', id: 'i1' });
    expect(parseServerMessage('{"type":"error","code":"unavailable","message":"m"}')).toEqual({
      type: 'error',
      id: undefined,
      code: 'unavailable',
      message: 'm',
    });
    for (const text of ['nope', '[]', '{"type":"ack"}', '{"type":"what"}', '{"type":"settings_update"}']) {
      expect(parseServerMessage(text)).toBeNull();
    }
  });
});
