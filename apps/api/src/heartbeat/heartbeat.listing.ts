import { Readable } from 'node:stream';
import { serializeEnvelope } from '../common/envelope';
import { HintedError } from '../common/hinted-error';
import { HeartbeatView, LiveRecord } from './heartbeat.record';

// The unpaged listing at scale: 200,000 records are a 32 MB answer, which built in one pass blocks the event loop
// for over a second (pulses wait, deaths are detected late). It is built in steps that yield between them, and
// only a few may be under way at once, since each holds its whole answer until it is sent.

/**
 * Records serialized per step before yielding (about 0.2 ms of work). setImmediate runs after the I/O the loop has
 * ready, so under load a listing takes a step per turn and the pulses of that turn go first; on an idle server it
 * runs at full speed. With 500 per step a listing took about a third of a loaded loop, and pulse p99 rose by half.
 */
const STEP = 100;

/** A listing ready to send: the envelope serializer's exact bytes, as a stream, and their length. */
export interface Listing {
  body: Readable;
  length: number;
}

/**
 * The bytes `serializeEnvelope({ heartBeats: views, next, result: 200 })` would give for the records of `pages`,
 * produced in steps: the envelope sorts keys (`heartBeats` < `next` < `result`), and a step's elements are the
 * serializer's own output for an array of those views, without its brackets.
 */
export async function serializeListing(
  pages: AsyncIterable<LiveRecord[]> | Iterable<LiveRecord[]>,
  view: (record: LiveRecord) => HeartbeatView,
  next?: string,
): Promise<Listing> {
  // only the bytes are kept (outside the JS heap): holding 100,000 decoded records made the collector's pauses
  // the pulses' p99
  const parts: Buffer[] = [Buffer.from('{"heartBeats":[')];
  let first = true;
  for await (const records of pages) {
    for (let i = 0; i < records.length; i += STEP) {
      const views = records.slice(i, i + STEP).map(view);
      // '[a,b]\n' -> 'a,b'
      parts.push(Buffer.from((first ? '' : ',') + serializeEnvelope(views).slice(1, -2)));
      first = false;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const tail = next === undefined ? '' : `,"next":${serializeEnvelope(next).slice(0, -1)}`;
  parts.push(Buffer.from(`]${tail},"result":200}\n`));
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
