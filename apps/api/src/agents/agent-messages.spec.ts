import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageError, parseAgentMessage } from './agent-messages';

// read as data: the §3 example is the wire-format lib's fixture, not part of its API
const example = JSON.parse(
  readFileSync(join(__dirname, '../../../../libs/wire-format/test/fixtures/example.json'), 'utf8'),
);

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '0' + '}'.repeat(depth);
}

describe(parseAgentMessage.name, () => {
  // Found by the fuzzer: over the socket no body limit applies, and a pulse whose alertType nested 10,000 levels
  // deep reached JSON.stringify in the channel check, which overflowed the stack: `internal error`, logged.
  it.each([33, 10_000])('refuses a message nested %i levels deep as invalid, with its id', (depth) => {
    const text = `{"type":"pulse","id":"p-1","service":"s","nextIn":60,"alertTarget":"x","alertType":${nested(depth)}}`;
    const parsed = parseAgentMessage(text);
    expect(parsed).toBeInstanceOf(MessageError);
    expect((parsed as MessageError).toMessage()).toEqual({
      type: 'error',
      id: 'p-1',
      code: 'invalid',
      message: 'nesting deeper than 32 levels',
    });
  });

  it('still takes a full snapshot batch, which nests far less', () => {
    const text = JSON.stringify({
      type: 'ingest',
      id: 'i-1',
      snapshots: example.snapshots,
      agent_health: example.agent_health,
    });
    expect(parseAgentMessage(text)).toMatchObject({ type: 'ingest', id: 'i-1' });
  });
});
