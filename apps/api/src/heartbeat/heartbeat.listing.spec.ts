import { serializeEnvelope } from '../common/envelope';
import { encodeListCursor, parseListQuery } from './heartbeat.dto';
import { ListingSlots, serializeListing } from './heartbeat.listing';
import { LiveRecord, toView } from './heartbeat.record';

const record = (i: number, service = `s${i}`): LiveRecord => ({
  service,
  alertType: 'log',
  alertTarget: 't',
  nextIn: 60,
  last: 1_700_000_000 + i,
  expected: 1_700_000_060 + i,
  alerted: i % 2 === 0,
  cancelled: false,
  position: i + 1,
  version: i + 1,
  ...(i % 3 === 0 ? { repeatEvery: 600 } : {}),
});

describe(serializeListing.name, () => {
  it.each([0, 1, 99, 100, 101, 1234])('gives the envelope serializer’s bytes for %i records', async (count) => {
    const records = Array.from({ length: count }, (_, i) => record(i, i === 7 ? 'caf\u00e9 "\n' : undefined));
    const listing = await serializeListing([records.slice(0, 150), records.slice(150)], (r) => toView(r));
    const chunks: Buffer[] = [];
    for await (const chunk of listing.body) {
      chunks.push(chunk as Buffer);
    }
    const expected = serializeEnvelope({ heartBeats: records.map((r) => toView(r)), result: 200 });
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    expect(listing.length).toBe(Buffer.byteLength(expected));
  });

  it.each([0, 1, 250])('gives the serializer’s bytes for a page of %i with its next cursor', async (count) => {
    const records = Array.from({ length: count }, (_, i) => record(i));
    const listing = await serializeListing([records], (r) => toView(r), 'cur"s\u00e9r');
    const chunks: Buffer[] = [];
    for await (const chunk of listing.body) {
      chunks.push(chunk as Buffer);
    }
    const expected = serializeEnvelope({
      heartBeats: records.map((r) => toView(r)),
      next: 'cur"s\u00e9r',
      result: 200,
    });
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    expect(listing.length).toBe(Buffer.byteLength(expected));
  });
});

describe(ListingSlots.name, () => {
  it('refuses past the cap with 503 and Retry-After, and frees a slot once, however often released', () => {
    const slots = new ListingSlots(2);
    const first = slots.take();
    slots.take();
    expect(() => slots.take()).toThrow(expect.objectContaining({ status: 503, headers: { 'retry-after': '2' } }));
    first();
    first();
    const third = slots.take();
    expect(() => slots.take()).toThrow(/too many large listings/);
    third();
  });
});

describe(parseListQuery.name, () => {
  it('stays unpaged without limit and cursor, and pages otherwise', () => {
    expect(parseListQuery({ humanDates: '1' })).toEqual({ humanDates: true });
    expect(parseListQuery({ limit: '5' })).toEqual({ humanDates: false, page: { limit: 5, after: 0 } });
    expect(parseListQuery({ cursor: encodeListCursor(42) })).toEqual({
      humanDates: false,
      page: { limit: 1000, after: 42 },
    });
  });

  it.each([
    { limit: '0' },
    { limit: '10001' },
    { limit: ' 5' },
    { cursor: 'NDI=' },
    { cursor: encodeListCursor(1) + '!' },
  ])('refuses %p with a hint', (query) => {
    expect(() => parseListQuery(query)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
