import { compact, example, exampleText } from '../test/example';
import {
  serializeAgentHealth,
  serializeHostInfo,
  serializeIngestRequest,
  serializeIngestResponse,
  serializeSnapshot,
  validateIngestRequest,
  validateIngestResponse,
  type IngestResponse,
} from '.';

// The two response examples of §3, copied verbatim
const responses = [
  '{"accepted":1,"rejected":0,"host_id":"8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80","results":[{"index":0,"status":200,"message":"OK"}]}',
  '{"accepted":1,"rejected":1,"host_id":"8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80","results":[{"index":0,"status":200,"message":"OK"},{"index":1,"status":400,"message":"Timestamp outside ±24 hour window"}]}',
];

describe(serializeIngestRequest.name, () => {
  it('round-trips the §3 example byte for byte (the example is in table order)', () => {
    const parsed = validateIngestRequest(JSON.parse(exampleText));
    if (!parsed.ok) {
      throw new Error(parsed.error.message);
    }

    expect(serializeIngestRequest(parsed.value)).toBe(compact(exampleText));
  });

  it('gives the same JSON as the example after key-order normalisation', () => {
    expect(JSON.parse(serializeIngestRequest(example()))).toEqual(JSON.parse(exampleText));
  });

  it('writes keys in table order whatever order the object has', () => {
    const host = example().host;
    const reversed = Object.fromEntries(Object.entries(host).reverse()) as typeof host;

    expect(serializeHostInfo(reversed)).toBe(serializeHostInfo(host));
    expect(Object.keys(JSON.parse(serializeHostInfo(reversed)))).toEqual(Object.keys(host));
  });

  it('leaves out unknown keys', () => {
    const snapshot = { ...example().snapshots[0], rxBytes: 1 };

    expect(serializeSnapshot(snapshot)).not.toContain('rxBytes');
  });

  it('names the field it refuses to write', () => {
    const request = example();
    request.snapshots[0].interfaces[0].rx_bytes = -1;

    expect(() => serializeIngestRequest(request)).toThrow(
      new TypeError(
        'wire-format: cannot serialize snapshots[0].interfaces[0].rx_bytes: must be a non-negative integer',
      ),
    );
    expect(() => serializeSnapshot(request.snapshots[0])).toThrow('snapshot.interfaces[0].rx_bytes');
    expect(() => serializeIngestRequest(null as unknown as typeof request)).toThrow(
      'serialize body: must be an object',
    );
  });

  it('writes an AgentHealth with the packet_capture extension', () => {
    expect(
      serializeAgentHealth({ collectors_ok: true, dropped_count: 0, queue_depth: 1, packet_capture: 'active' }),
    ).toBe('{"collectors_ok":true,"dropped_count":0,"queue_depth":1,"packet_capture":"active"}');
  });
});

describe(serializeIngestResponse.name, () => {
  it.each(responses)('reproduces the §3 response byte for byte: %s', (text) => {
    const parsed = validateIngestResponse(JSON.parse(text));

    expect(parsed.ok && serializeIngestResponse(parsed.value)).toBe(text);
  });

  it('writes a response built in code in table order', () => {
    const response: IngestResponse = {
      results: [{ message: 'OK', status: 200, index: 0 }],
      host_id: '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80',
      rejected: 0,
      accepted: 1,
    };

    expect(serializeIngestResponse(response)).toBe(responses[0]);
  });
});
