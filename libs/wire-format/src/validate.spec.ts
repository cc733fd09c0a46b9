import { compact, example, exampleText, without, withValue } from '../test/example';
import {
  formatValidationError,
  validateAgentHealth,
  validateEnvelope,
  validateHostInfo,
  validateIngestRequest,
  validateIngestResponse,
  validateSnapshot,
  type Result,
} from '.';

function errorOf(result: Result<unknown>): string {
  return result.ok ? 'ok' : formatValidationError(result.error);
}

describe(validateIngestRequest.name, () => {
  it('accepts the §3 example and keeps every value', () => {
    const result = validateIngestRequest(JSON.parse(exampleText));

    expect(result).toEqual({ ok: true, value: example() });
  });

  it('accepts a bare IngestRequest without the envelope fields', () => {
    expect(errorOf(validateIngestRequest(without('agent_health', without('schema_version'))))).toBe('ok');
  });

  it.each([
    ['negative integer', 'snapshots[0].interfaces[0].rx_bytes', -1, 'must be a non-negative integer'],
    ['fraction in a u64', 'snapshots[0].disk_io.read_bytes', 1.5, 'must be a non-negative integer'],
    ['integer as a string', 'host.uptime_secs', '1209600', 'must be a non-negative integer'],
    ['u64 beyond 2^64', 'snapshots[0].system.swap_total_bytes', 2 ** 64, 'must be at most 18446744073709551615'],
    ['u32 beyond 2^32', 'host.cpu_cores', 2 ** 32, 'must be at most 4294967295'],
    ['NaN in a float', 'snapshots[0].system.cpu_usage_pct', NaN, 'must be a finite number'],
    ['Infinity in a float', 'snapshots[0].system.cpu_per_core[3]', Infinity, 'must be a finite number'],
    ['float as a string', 'snapshots[0].interfaces[0].rx_rate', '100000.0', 'must be a finite number'],
    ['bad timestamp', 'snapshots[0].timestamp', '2026-11-21 22:35:24Z', 'must be an RFC 3339 timestamp'],
    ['impossible date', 'snapshots[0].alerts[0].timestamp', '2026-02-30T00:00:00Z', 'must be an RFC 3339 timestamp'],
    [
      '10 fraction digits',
      'snapshots[0].processes[0].started_at',
      '2026-11-07T22:35:24.1234567890Z',
      'must be an RFC 3339 timestamp',
    ],
    ['uppercase UUID', 'host.host_id', '8D0F6C1A-2B7E-4C39-9A51-3E2F7D4B6C80', 'must be a lowercase hyphenated UUID'],
    ['unhyphenated UUID', 'host.host_id', '8d0f6c1a2b7e4c399a513e2f7d4b6c80', 'must be a lowercase hyphenated UUID'],
    ['tuple of 3', 'snapshots[0].dns_analytics.top_domains[1]', ['debian.org', 96, 1], 'must have exactly 2 elements'],
    ['tuple of 1', 'snapshots[0].dns_analytics.top_domains[0]', ['example.com'], 'must have exactly 2 elements'],
    ['tuple count as a float', 'snapshots[0].dns_analytics.top_domains[0][1]', 2.5, 'must be a non-negative integer'],
    [
      '7 latency buckets',
      'snapshots[0].dns_analytics.latency_buckets',
      [1, 2, 3, 4, 5, 6, 7],
      'must have exactly 8 elements',
    ],
    ['null in a required field', 'snapshots[0].interfaces[0].name', null, 'must not be null'],
    ['null required object', 'host', null, 'must not be null'],
    ['wrong type of bool', 'snapshots[0].interfaces[0].is_up', 'true', 'must be a boolean'],
    ['number for a string', 'snapshots[0].connections[0].state', 1, 'must be a string'],
    [
      'unknown enum value',
      'snapshots[0].alerts[0].category',
      'malware',
      'must be one of "port_scan", "beaconing", "dns_tunnel", "bandwidth"',
    ],
    ['enum in the wrong case', 'snapshots[0].alerts[0].severity', 'Critical', 'must be one of "warning", "critical"'],
    ['object expected', 'snapshots[0].health', [], 'must be an object'],
    ['array expected', 'snapshots[0].interfaces', {}, 'must be an array'],
    ['null in a u64 history', 'snapshots[0].interfaces[0].rx_history[1]', null, 'must be a non-negative integer'],
    ['bad packet_capture', 'agent_health.packet_capture', 'on', 'must be one of "active", "off", "unavailable"'],
    ['schema_version 2', 'schema_version', 2, 'must be 1'],
    ['agent_version missing', 'agent_version', undefined, 'is required'],
  ])('rejects %s, naming its path', (_, path, value, message) => {
    const body = value === undefined ? without(path) : withValue(path, value);

    expect(errorOf(validateIngestRequest(body))).toBe(`${path}: ${message}`);
  });

  it('names a missing required key', () => {
    expect(errorOf(validateIngestRequest(without('snapshots[0].interfaces[0].tx_drops')))).toBe(
      'snapshots[0].interfaces[0].tx_drops: is required',
    );
  });

  it('words the §4.2 example exactly', () => {
    const body = example();
    body.snapshots = [0, 1, 2, 3].map(() => example().snapshots[0]);
    body.snapshots[3].interfaces[0].rx_bytes = -5;

    expect(errorOf(validateIngestRequest(body))).toBe(
      'snapshots[3].interfaces[0].rx_bytes: must be a non-negative integer',
    );
  });

  it('reports the first bad field in table order', () => {
    const body = withValue('snapshots[0].interfaces[0].tx_bytes', -1, withValue('snapshots[0].timestamp', 'now'));

    expect(errorOf(validateIngestRequest(body))).toBe('snapshots[0].timestamp: must be an RFC 3339 timestamp');
  });
});

describe(validateEnvelope.name, () => {
  it('leaves the snapshots to be judged one by one', () => {
    const body = withValue('snapshots', [{ bad: true }, example().snapshots[0]]);
    const result = validateEnvelope(body);

    expect(result.ok && result.value.snapshots).toEqual([{ bad: true }, example().snapshots[0]]);
  });

  it.each([
    ['a non-object body', [], 'body: must be an object'],
    ['no snapshots key', without('snapshots'), 'snapshots: is required'],
    ['snapshots not an array', withValue('snapshots', {}), 'snapshots: must be an array'],
    [
      'a malformed agent_health',
      withValue('agent_health.queue_depth', -1),
      'agent_health.queue_depth: must be a non-negative integer',
    ],
    ['a malformed host', withValue('host.hostname', 7), 'host.hostname: must be a string'],
  ])('rejects %s with status 400', (_, body, text) => {
    const result = validateEnvelope(body);

    expect(errorOf(result)).toBe(text);
    expect(!result.ok && result.error.status).toBe(400);
  });

  it('rejects 0 snapshots with status 400 (§4.2 step 7)', () => {
    const result = validateEnvelope(withValue('snapshots', []));

    expect(result).toEqual({
      ok: false,
      error: { path: 'snapshots', message: 'must have at least 1 element', status: 400 },
    });
  });

  it('rejects 101 snapshots with status 413 (§4.2 step 8) and accepts 100', () => {
    const snapshots = (n: number) => Array.from({ length: n }, () => ({}));

    expect(validateEnvelope(withValue('snapshots', snapshots(101)))).toEqual({
      ok: false,
      error: { path: 'snapshots', message: 'must have at most 100 elements', status: 413 },
    });
    expect(validateEnvelope(withValue('snapshots', snapshots(100))).ok).toBe(true);
  });
});

describe(validateSnapshot.name, () => {
  it('prefixes paths with the index, or with "snapshot" alone', () => {
    const snapshot = withValue('interfaces[0].rx_bytes', -1, example().snapshots[0]);

    expect(errorOf(validateSnapshot(snapshot, 7))).toBe(
      'snapshots[7].interfaces[0].rx_bytes: must be a non-negative integer',
    );
    expect(errorOf(validateSnapshot(snapshot))).toBe('snapshot.interfaces[0].rx_bytes: must be a non-negative integer');
    expect(errorOf(validateSnapshot('x', 2))).toBe('snapshots[2]: must be an object');
  });

  it('fills missing null-kind keys with null and drops unknown keys', () => {
    const result = validateSnapshot({ timestamp: '2026-11-21T22:35:24.512Z', interfaces: [], extra: 1 });

    expect(result.ok && JSON.stringify(result.value)).toBe(
      '{"timestamp":"2026-11-21T22:35:24.512Z","interfaces":[],"health":null,"connection_count":null,"system":null,' +
        '"disk_usage":null,"disk_io":null,"tcp_time_wait":null,"tcp_close_wait":null}',
    );
  });
});

describe('part validators', () => {
  it('validate a HostInfo and an AgentHealth on their own, with their own path prefix', () => {
    expect(validateHostInfo(example().host)).toEqual({ ok: true, value: example().host });
    expect(errorOf(validateHostInfo({ host_id: 'x', hostname: 'h' }, 'hello.host'))).toBe(
      'hello.host.host_id: must be a lowercase hyphenated UUID',
    );
    expect(
      validateAgentHealth({ collectors_ok: false, dropped_count: 3, queue_depth: 2, packet_capture: 'off' }),
    ).toEqual({
      ok: true,
      value: { collectors_ok: false, dropped_count: 3, queue_depth: 2, packet_capture: 'off' },
    });
    expect(errorOf(validateAgentHealth({ collectors_ok: 1 }))).toBe('agent_health.collectors_ok: must be a boolean');
  });

  it('validates an IngestResponse as the agent reads it', () => {
    const body = JSON.parse(
      '{"accepted":1,"rejected":0,"host_id":"8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80","results":[]}',
    );

    expect(validateIngestResponse(body).ok).toBe(true);
    expect(errorOf(validateIngestResponse({ ...body, results: [{ index: 0, status: 200 }] }))).toBe(
      'results[0].message: is required',
    );
    expect(errorOf(validateIngestResponse(null))).toBe('body: must be an object');
  });
});

describe('compact fixture helper', () => {
  it('only strips whitespace outside strings', () => {
    expect(compact('{ "a b": [1, "c \\" d"] }\n')).toBe('{"a b":[1,"c \\" d"]}');
  });
});
