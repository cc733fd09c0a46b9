import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestRequest } from '@lib/wire-format';

/** Probes never leave loopback, even in tests that do not collect. */
export const LOOPBACK = { AGENT_GATEWAY: '127.0.0.1', AGENT_DNS_SERVER: '127.0.0.1' };

/**
 * The §3 example exactly as the spec prints it: the fixture the wire-format specs use, read rather than
 * imported, because apps reach a lib only through its alias.
 */
export const exampleText = readFileSync(
  join(__dirname, '../../../libs/wire-format/test/fixtures/example.json'),
  'utf8',
);

/** A fresh parsed copy of the §3 example. */
export function example(): IngestRequest {
  return JSON.parse(exampleText) as IngestRequest;
}
