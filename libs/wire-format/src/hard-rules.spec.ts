// One test per hard rule of wire-format.md §6, named after the rule.
import { randomUUID } from 'node:crypto';
import { example, parentOf, without, withValue } from '../test/example';
import { optionalFields, requiredFields } from '../test/fields';
import {
  formatValidationError,
  serializeIngestRequest,
  serializeSnapshot,
  validateEnvelope,
  validateIngestRequest,
  validateSnapshot,
  type Result,
  type Snapshot,
} from '.';

const errorOf = (result: Result<unknown>): string => (result.ok ? 'ok' : formatValidationError(result.error));

// a wire value that need not satisfy the Snapshot type (missing null-kind keys, say)
const asSnapshot = (value: object) => value as unknown as Snapshot;

function snapshotWith(path: string, value: unknown): Snapshot {
  return withValue(path, value, example().snapshots[0]) as Snapshot;
}

const minimal = { timestamp: '2026-11-21T22:35:24.512Z', interfaces: [] };
const minimalJson =
  '{"timestamp":"2026-11-21T22:35:24.512Z","interfaces":[],"health":null,"connection_count":null,"system":null,' +
  '"disk_usage":null,"disk_io":null,"tcp_time_wait":null,"tcp_close_wait":null}';

function addUnknownKeys(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(addUnknownKeys);
  } else if (typeof node === 'object' && node !== null) {
    Object.values(node).forEach(addUnknownKeys);
    Object.assign(node, { zz_future_field: { nested: [1.5, 'x'] }, rxBytes: -1 });
  }
}

describe('wire-format.md §6 hard rules', () => {
  it('1. payloads map explicitly to the §2 keys, never derived from camelCase', () => {
    const camel = { ...example().snapshots[0], tcpTimeWait: 5, tcp_time_wait: undefined } as unknown as Snapshot;

    expect(serializeSnapshot(camel)).toContain('"tcp_time_wait":null');
    expect(serializeSnapshot(camel)).not.toContain('tcpTimeWait');
    expect(() => serializeIngestRequest(without('host.hostname') as never)).toThrow('host.hostname: is required');
  });

  it('2. required keys always set, null-kind as null, omit-kind and empty lists left out, zero dns_analytics omitted', () => {
    const empty = asSnapshot({
      ...minimal,
      disk_usage: [],
      processes: [],
      connections: [],
      alerts: [],
      dns_analytics: {
        total_queries: 0,
        total_responses: 0,
        nxdomain_count: 0,
        latency_buckets: Array(8).fill(0),
        top_domains: [],
      },
    });

    expect(serializeSnapshot(asSnapshot(minimal))).toBe(minimalJson);
    expect(serializeSnapshot(empty)).toBe(minimalJson);
    expect(serializeSnapshot({ ...empty, dns_analytics: { ...empty.dns_analytics!, nxdomain_count: 1 } })).toContain(
      '"dns_analytics":{"total_queries":0,"total_responses":0,"nxdomain_count":1,',
    );
    expect(() => serializeSnapshot({ interfaces: [] } as unknown as Snapshot)).toThrow(
      'snapshot.timestamp: is required',
    );
  });

  it('3. arrays never contain undefined; only the RTT histories may contain null', () => {
    expect(() => serializeSnapshot(snapshotWith('interfaces[0].rx_history', [1, undefined]))).toThrow(
      'snapshot.interfaces[0].rx_history[1]: must be a non-negative integer',
    );
    expect(() => serializeSnapshot(snapshotWith('system.cpu_per_core', [null]))).toThrow(
      'snapshot.system.cpu_per_core[0]: must be a finite number',
    );
    expect(() => serializeSnapshot(snapshotWith('health.dns_rtt_history', [undefined]))).toThrow(
      'must be a finite number',
    );
    expect(serializeSnapshot(snapshotWith('health.dns_rtt_history', [null, 2]))).toContain(
      '"dns_rtt_history":[null,2.0]',
    );
  });

  it('4. integer fields are non-negative integers, written plainly, never in exponent form', () => {
    expect(() => serializeSnapshot(snapshotWith('interfaces[0].rx_bytes_delta', -1))).toThrow(
      'must be a non-negative integer',
    );
    expect(() => serializeSnapshot(snapshotWith('interfaces[0].rx_history[0]', 98000.7))).toThrow(
      'must be a non-negative integer',
    );
    // above 2^53 the digits are the shortest that round-trip, still a plain integer (§6.4 accepts the loss)
    expect(serializeSnapshot(snapshotWith('interfaces[0].rx_bytes', 2 ** 60))).toContain(
      '"rx_bytes":1152921504606847000,',
    );
    expect(() => serializeSnapshot(snapshotWith('interfaces[0].rx_bytes', 1e21))).toThrow('must be at most');
    expect(errorOf(validateSnapshot(snapshotWith('tcp_time_wait', 3.5), 0))).toBe(
      'snapshots[0].tcp_time_wait: must be a non-negative integer',
    );
  });

  it('5. float fields are finite', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => serializeSnapshot(snapshotWith('disk_usage[0].usage_pct', bad))).toThrow(
        'snapshot.disk_usage[0].usage_pct: must be a finite number',
      );
      expect(errorOf(validateSnapshot(snapshotWith('health.gateway_rtt_ms', bad)))).toBe(
        'snapshot.health.gateway_rtt_ms: must be a finite number',
      );
    }
  });

  it('6. a BigInt never reaches the payload', () => {
    expect(() => serializeSnapshot(snapshotWith('disk_io.read_bytes', 5n))).toThrow(
      new TypeError('wire-format: cannot serialize snapshot.disk_io.read_bytes: must be a non-negative integer'),
    );
    expect(errorOf(validateSnapshot(snapshotWith('disk_io.read_bytes', 5n)))).toBe(
      'snapshot.disk_io.read_bytes: must be a non-negative integer',
    );
  });

  it('7. timestamps from toISOString are valid and written back unchanged', () => {
    const now = new Date().toISOString();

    expect(validateSnapshot({ ...minimal, timestamp: now }).ok).toBe(true);
    for (const timestamp of [
      now,
      '2026-06-11T10:06:57.123456789Z',
      '2026-11-21T23:35:24+01:00',
      '2026-11-21t22:35:24z',
    ]) {
      expect(serializeSnapshot(asSnapshot({ ...minimal, timestamp }))).toContain(`{"timestamp":"${timestamp}",`);
    }
  });

  it('8. a host_id from crypto.randomUUID is valid; other UUID spellings are not', () => {
    const id = randomUUID();

    expect(validateIngestRequest(withValue('host.host_id', id)).ok).toBe(true);
    expect(errorOf(validateIngestRequest(withValue('host.host_id', id.toUpperCase())))).toBe(
      'host.host_id: must be a lowercase hyphenated UUID',
    );
    expect(errorOf(validateIngestRequest(withValue('host.host_id', `{${id}}`)))).toBe(
      'host.host_id: must be a lowercase hyphenated UUID',
    );
  });

  it('9. enum strings are exactly those of §2.12, latency_buckets has 8 elements, top_domains holds pairs', () => {
    expect(errorOf(validateSnapshot(snapshotWith('alerts[0].severity', 'info')))).toBe(
      'snapshot.alerts[0].severity: must be one of "warning", "critical"',
    );
    expect(errorOf(validateSnapshot(snapshotWith('alerts[0].category', 'port-scan')))).toContain('must be one of');
    expect(errorOf(validateSnapshot(snapshotWith('dns_analytics.latency_buckets', Array(9).fill(0))))).toBe(
      'snapshot.dns_analytics.latency_buckets: must have exactly 8 elements',
    );
    expect(errorOf(validateSnapshot(snapshotWith('dns_analytics.top_domains', [['a.com', 1, 2]])))).toBe(
      'snapshot.dns_analytics.top_domains[0]: must have exactly 2 elements',
    );
    expect(() => serializeSnapshot(snapshotWith('alerts[0].category', 'malware'))).toThrow('must be one of');
    expect(() => serializeSnapshot(snapshotWith('dns_analytics.latency_buckets', [1]))).toThrow('exactly 8 elements');
  });

  it('10. at most 100 snapshots per request', () => {
    const request = (n: number) => withValue('snapshots', Array(n).fill(example().snapshots[0])) as never;

    expect(validateEnvelope(request(100)).ok).toBe(true);
    expect(errorOf(validateEnvelope(request(101)))).toBe('snapshots: must have at most 100 elements');
    expect(() => serializeIngestRequest(request(101))).toThrow('snapshots: must have at most 100 elements');
    expect(() => serializeIngestRequest(request(0))).toThrow('snapshots: must have at least 1 element');
  });

  it('11. a snapshot is validated on its own, the same way by agent and server', () => {
    const bad = snapshotWith('interfaces[0].name', null);

    expect(errorOf(validateSnapshot(bad))).toBe('snapshot.interfaces[0].name: must not be null');
    expect(errorOf(validateSnapshot(bad, 4))).toBe('snapshots[4].interfaces[0].name: must not be null');
    expect(validateSnapshot(example().snapshots[0])).toEqual({ ok: true, value: example().snapshots[0] });
  });

  describe('12. optional fields accept null or a missing key, unknown keys are ignored, a bad snapshot sinks only itself', () => {
    it.each(optionalFields)('%s (%s-kind) may be null or missing', (path, kind) => {
      for (const body of [withValue(path, null), without(path)]) {
        const result = validateIngestRequest(body);
        if (!result.ok) {
          throw new Error(formatValidationError(result.error));
        }
        // re-read from the serialized form: null-kind is written as null, omit-kind not at all
        const [parent, key] = parentOf(JSON.parse(serializeIngestRequest(result.value)), path);
        expect(kind === 'null' ? parent[key] : key in parent).toBe(kind === 'null' ? null : false);
      }
    });

    it.each(requiredFields)('%s is required', (path) => {
      expect(errorOf(validateIngestRequest(without(path)))).toBe(`${path}: is required`);
      expect(errorOf(validateIngestRequest(withValue(path, null)))).toBe(`${path}: must not be null`);
    });

    it('ignores unknown keys at every level and drops them', () => {
      const body = example();
      addUnknownKeys(body);

      expect(validateIngestRequest(body)).toEqual({ ok: true, value: example() });
    });

    it('rejects only the bad snapshot of a batch', () => {
      const body = withValue('snapshots', [minimal, snapshotWith('tcp_close_wait', -1), minimal]);
      const envelope = validateEnvelope(body);
      const results = envelope.ok ? envelope.value.snapshots.map((s, i) => errorOf(validateSnapshot(s, i))) : [];

      expect(results).toEqual(['ok', 'snapshots[1].tcp_close_wait: must be a non-negative integer', 'ok']);
    });
  });

  it('13. alert texts are free text, kept exactly', () => {
    const text = 'a "quoted"\nline → \u0000 \ud83d\ude00 \\ </script>';
    const snapshot = snapshotWith('alerts[0].message', text);
    snapshot.alerts![0].detail = '';
    const result = validateSnapshot(JSON.parse(serializeSnapshot(snapshot)));

    expect(result.ok && result.value.alerts?.[0]).toMatchObject({ message: text, detail: '' });
  });

  it('14. integral floats are written with .0, integers without, timestamps as read', () => {
    const snapshot = snapshotWith('system', {
      ...example().snapshots[0].system,
      cpu_usage_pct: 0,
      load_avg_1m: 100000,
      load_avg_5m: 1e-7,
      load_avg_15m: 23.4,
      swap_used_bytes: 0,
    });
    const json = serializeSnapshot(snapshot);

    expect(json).toContain('"cpu_usage_pct":0.0,');
    expect(json).toContain('"load_avg_1m":100000.0,"load_avg_5m":1e-7,"load_avg_15m":23.4,');
    expect(json).toContain('"swap_used_bytes":0,');
    expect(json).toContain('"timestamp":"2026-11-21T22:35:24.512Z"');
  });
});
