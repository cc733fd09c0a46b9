import { isTimestamp, timestampToEpochMicros } from '.';

describe(isTimestamp.name, () => {
  it.each([
    '2026-11-21T22:35:24Z',
    '2026-11-21T22:35:24.5Z',
    '2026-11-21T22:35:24.512Z',
    '2026-06-11T10:06:57.123456789Z',
    '2026-11-21T23:35:24+01:00',
    '2026-11-21T17:35:24.512-05:00',
    '2026-11-21t22:35:24z',
    '2024-02-29T00:00:00Z',
    '0001-01-01T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isTimestamp(value)).toBe(true);
  });

  it.each([
    '2026-11-21 22:35:24Z',
    '2026-11-21T22:35:24',
    '2026-11-21T22:35:24.Z',
    '2026-11-21T22:35:24.1234567890Z',
    '2026-11-21T22:35Z',
    '2026-11-21T24:00:00Z',
    '2026-11-21T22:60:00Z',
    '2026-11-21T22:35:60Z',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2100-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-21T22:35:24+0100',
    '2026-11-21T22:35:24+24:00',
    '+02026-11-21T22:35:24Z',
    ' 2026-11-21T22:35:24Z',
    '',
  ])('refuses %j', (value) => {
    expect(isTimestamp(value)).toBe(false);
  });
});

describe(timestampToEpochMicros.name, () => {
  it('gives the instant in microseconds, honouring offsets and truncating beyond the sixth digit', () => {
    const base = Date.UTC(2026, 10, 21, 22, 35, 24) * 1000;

    expect(timestampToEpochMicros('2026-11-21T22:35:24Z')).toBe(base);
    expect(timestampToEpochMicros('2026-11-21T22:35:24.512Z')).toBe(base + 512_000);
    expect(timestampToEpochMicros('2026-11-21T22:35:24.123456789Z')).toBe(base + 123_456);
    expect(timestampToEpochMicros('2026-11-21T23:35:24.000001+01:00')).toBe(base + 1);
    expect(timestampToEpochMicros('2026-11-21T17:05:24-05:30')).toBe(base);
    expect(timestampToEpochMicros('1969-12-31T23:59:59.5Z')).toBe(-500_000);
    expect(timestampToEpochMicros('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z') * 1000);
  });

  it('answers null for an invalid timestamp', () => {
    expect(timestampToEpochMicros('2026-02-30T00:00:00Z')).toBeNull();
  });
});
