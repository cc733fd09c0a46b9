import { Readable } from 'node:stream';
import { serializeEnvelope } from '../common/envelope';
import { HintedError } from '../common/hinted-error';
import { HeartbeatView, LiveRecord } from './heartbeat.record';

// The unpaged listing at scale: 200,000 records are a 32 MB answer, which built in one pass blocks the event loop
// for over a second (pulses wait, deaths are detected late). It is built in steps that yield between them, and
// only a few may be under way at once, since each holds its whole answer until it is sent.

/** Records serialized per step before yielding to pulses and sweeps (about 1 ms of work). */
const STEP = 500;

/** An unpaged listing ready to send: the envelope serializer's exact bytes, as a stream, and their length. */
export interface Listing {
  body: Readable;
  length: number;
}

/**
 * The bytes `serializeEnvelope({ heartBeats: views, result: 200 })` would give, produced in steps: the envelope
 * sorts keys (`heartBeats` < `result`), and each element is the serializer's own output for that view.
 */
export async function serializeListing(
  records: LiveRecord[],
  view: (record: LiveRecord) => HeartbeatView,
): Promise<Listing> {
  const parts: Buffer[] = [Buffer.from('{"heartBeats":[')];
  for (let i = 0; i < records.length; i += STEP) {
    const items: string[] = [];
    for (let j = i; j < Math.min(i + STEP, records.length); j++) {
      // the serializer adds the envelope's newline, which an element has not
      items.push(serializeEnvelope(view(records[j])).slice(0, -1));
    }
    parts.push(Buffer.from((i === 0 ? '' : ',') + items.join(',')));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  parts.push(Buffer.from('],"result":200}\n'));
  return { body: Readable.from(parts, { objectMode: false }), length: parts.reduce((n, part) => n + part.length, 0) };
}

/** Counts the large unpaged listings under way in this process; past the cap a client is told to retry or page. */
export class ListingSlots {
  private busy = 0;

  constructor(private readonly max: number) {}

  /** Takes a slot, or refuses with 503; the returned release is safe to call more than once. */
  take(): () => void {
    if (this.busy >= this.max) {
      throw new HintedError(503, 'too many large listings at once, retry later or page with limit and cursor', {
        'retry-after': '2',
      });
    }
    this.busy++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.busy--;
      }
    };
  }
}
