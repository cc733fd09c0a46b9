import type { ConnectionDetail } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSs, parseSsPaced } from './connections';
import { Pacer } from './pacer';
import { parseDecimal, parseUint } from './parse-number';

// How parseSs reads `ss -tunapi` text beyond its columns: the -i detail lines, and the same text in paced runs.
const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures', name), 'utf8');

const HEADER = 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n';

describe('the -i detail line', () => {
  // the reading by whitespace-separated tokens that parseSs replaced with anchored searches, as the oracle
  function byTokens(line: string, tcp: boolean): Partial<ConnectionDetail> {
    const tokens = line.trim().split(/\s+/);
    const out: Partial<ConnectionDetail> = {};
    const rtt = tokens.find((token) => token.startsWith('rtt:'));
    const srttUs = (parseDecimal(rtt?.slice(4).split('/')[0]) ?? NaN) * 1000;
    if (Number.isFinite(srttUs)) {
      out.kernel_rtt_us = srttUs;
    }
    const counter = (prefix: string) =>
      parseUint(tokens.find((token) => token.startsWith(prefix))?.slice(prefix.length));
    if (tcp && counter('bytes_received:') !== null) {
      out.rx_bytes = counter('bytes_received:')!;
    }
    if (tcp && counter('bytes_sent:') !== null) {
      out.tx_bytes = counter('bytes_sent:')!;
    }
    return out;
  }

  it('is read as its whitespace-separated tokens would be, for any line', () => {
    const token = fc.oneof(
      fc.constantFrom('rtt:', 'minrtt:', 'bytes_received:', 'bytes_sent:', 'bytes_acked:', '/', '.', 'cubic'),
      fc.stringMatching(/^\d{1,4}(\.\d{0,3})?$/),
      fc.string({ maxLength: 4 }),
    );
    const space = fc.constantFrom(' ', '\t', '  ', '\u00a0', '\r');
    const detail = fc.array(fc.tuple(fc.array(token, { minLength: 1, maxLength: 3 }), space), { maxLength: 8 });
    fc.assert(
      fc.property(detail, fc.boolean(), (parts, tcp) => {
        const line = `\t${parts.map(([words, gap]) => words.join('') + gap).join('')}`;
        const [row] = parseSs(`${HEADER}${tcp ? 'tcp' : 'udp'} ESTAB 0 0 a:1 b:2\n${line}`);
        const { protocol, local_addr, remote_addr, state, pid, process_name, ...details } = row;
        expect({ protocol, local_addr, remote_addr, state, pid, process_name }).toEqual({
          protocol: tcp ? 'TCP' : 'UDP',
          local_addr: 'a:1',
          remote_addr: 'b:2',
          state: 'ESTABLISHED',
          pid: null,
          process_name: null,
        });
        expect(details).toEqual(byTokens(line, tcp));
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseSsPaced', () => {
  it('gives the rows of parseSs, handing the loop back between runs of lines', async () => {
    for (const name of ['ss-root.txt', 'ss-unprivileged.txt', 'ss-edge.txt']) {
      const text = fixture(`connections/${name}`);
      // a budget of 0 yields after every run; runs of 1 character are one socket (with its detail lines) each
      const pacer = new Pacer(0);
      expect(await parseSsPaced(text, pacer, 1)).toEqual(parseSs(text));
      expect(pacer.yields).toBeGreaterThanOrEqual(parseSs(text).length);
    }
  });

  it('agrees with parseSs on any text and any run length, CRLF and blank detail lines included', async () => {
    const line = fc.oneof(
      fc.constantFrom(
        'tcp   ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("sshd",pid=7,fd=3))',
        'udp   UNCONN 0 0 0.0.0.0:68 0.0.0.0:*',
        '\t cubic rtt:0.5/0.2 bytes_sent:10 bytes_received:20',
        ' rtt:1/1 bytes_received:5',
        '\r',
        '',
        ' ',
      ),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.integer({ min: 1, max: 200 }), async (lines, size) => {
        const text = lines.join(lines.length % 2 ? '\n' : '\r\n');
        expect(await parseSsPaced(text, new Pacer(0), size)).toEqual(parseSs(text));
      }),
    );
  });
});
