import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { oneLine, renderError } from './envelope.filter';

function fakeReply(): FastifyReply {
  const reply = { status: () => reply, headers: () => reply, send: () => reply };
  return reply as unknown as FastifyReply;
}

describe('error logging keeps client text on one line', () => {
  afterEach(() => jest.restoreAllMocks());

  it('escapes CR, LF, the Unicode line separators and backslashes', () => {
    expect(oneLine('svc\r\n[Nest] 1 - LOG forged\u2028x\u2029y\\n')).toBe(
      'svc\\r\\n[Nest] 1 - LOG forged\\u2028x\\u2029y\\\\n',
    );
    expect(oneLine('plain text')).toBe('plain text');
  });

  it.each([
    ['an internal error', new Error('bad service "a\r\n[Nest] 1  - LOG [Alert] forged"')],
    ['a store outage', Object.assign(new Error('Connection is closed for "a\n[Nest] forged"'), { code: 'ECONNRESET' })],
  ])('logs %s with the message escaped and the stack frames kept', (_, error) => {
    const logged: string[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => void logged.push(String(message)));
    renderError(error, { id: 'req-1', url: '/x' } as FastifyRequest, fakeReply());
    expect(logged).toHaveLength(1);
    const [first, ...rest] = logged[0].split('\n');
    expect(first).toContain('(ref req-1)');
    expect(first).toContain('\\n[Nest] ');
    // whatever follows the first line is our own stack frames, never the client's text
    expect(rest.every((line) => line.startsWith('    at '))).toBe(true);
  });
});
