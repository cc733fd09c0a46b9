import fc from 'fast-check';
import { ingestRequest, snapshot } from '../test/arbitraries';
import { example, withValue } from '../test/example';
import {
  serializeIngestRequest,
  serializeSnapshot,
  validateEnvelope,
  validateIngestRequest,
  validateIngestResponse,
  validateSnapshot,
} from '.';

// Every path of the §3 example, to plant arbitrary values at
function pathsOf(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) {
    return [];
  }
  return Object.entries(node).flatMap(([key, child]) => {
    const path = Array.isArray(node) ? `${prefix}[${key}]` : prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...pathsOf(child, path)];
  });
}

describe('wire-format properties', () => {
  it('never throws on arbitrary JSON or JavaScript values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (value) => {
        validateIngestRequest(value);
        validateEnvelope(value);
        validateSnapshot(value, 0);
        validateIngestResponse(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws when any field of the example holds an arbitrary value, and what it accepts serializes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...pathsOf(example())), fc.jsonValue(), (path, value) => {
        const result = validateIngestRequest(withValue(path, value));
        if (result.ok) {
          expect(validateIngestRequest(JSON.parse(serializeIngestRequest(result.value))).ok).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('serializes a valid snapshot into JSON that validates and serializes to the same text', () => {
    fc.assert(
      fc.property(snapshot, (value) => {
        expect(validateSnapshot(value).ok).toBe(true);
        const json = serializeSnapshot(value);
        const reread = validateSnapshot(JSON.parse(json));

        expect(reread.ok && serializeSnapshot(reread.value)).toBe(json);
      }),
      { numRuns: 500 },
    );
  });

  it('serializes a valid request into JSON that validates and serializes to the same text', () => {
    fc.assert(
      fc.property(ingestRequest, (value) => {
        const json = serializeIngestRequest(value);
        const reread = validateIngestRequest(JSON.parse(json));

        expect(reread.ok && serializeIngestRequest(reread.value)).toBe(json);
      }),
      { numRuns: 200 },
    );
  });
});
