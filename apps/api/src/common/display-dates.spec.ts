import { assertTimeZone, formatHuman, formatSince } from './display-dates';

const NOW = 1795300524; // 2026-11-21 22:35:24 UTC (watchtower-protocol.md §5)

describe(formatHuman.name, () => {
  it.each<[number, string, string]>([
    [NOW, 'Europe/Paris', '2026-11-21 23:35:24'],
    [NOW, 'UTC', '2026-11-21 22:35:24'],
    [NOW + 60, 'Europe/Paris', '2026-11-21 23:36:24'],
    [NOW, 'America/New_York', '2026-11-21 17:35:24'],
    [NOW, 'Asia/Kolkata', '2026-11-22 04:05:24'],
    // summer time: UTC+2 in Paris, UTC-4 in New York
    [1784627724, 'Europe/Paris', '2026-07-21 11:55:24'],
    [1784627724, 'America/New_York', '2026-07-21 05:55:24'],
    // midnight is 00, never 24
    [1795215600, 'Europe/Paris', '2026-11-21 00:00:00'],
    [1795219200, 'UTC', '2026-11-21 00:00:00'],
    [0, 'UTC', '1970-01-01 00:00:00'],
    // fractions are dropped, not rounded
    [NOW + 0.999, 'UTC', '2026-11-21 22:35:24'],
  ])('%d in %s is %s', (epoch, zone, expected) => {
    expect(formatHuman(epoch, zone)).toBe(expected);
  });

  it('follows the DST switch in the display zone', () => {
    // 2026-03-29 00:59:59 UTC is 01:59:59 CET; one second later clocks read 03:00:00 CEST
    expect(formatHuman(1774745999, 'Europe/Paris')).toBe('2026-03-29 01:59:59');
    expect(formatHuman(1774746000, 'Europe/Paris')).toBe('2026-03-29 03:00:00');
  });
});

describe(formatSince.name, () => {
  it('renders the §6.5 <since> form', () => {
    expect(formatSince(NOW, 'Europe/Paris')).toBe('20261121 23:35:24');
    expect(formatSince(NOW, 'UTC')).toBe('20261121 22:35:24');
    expect(formatSince(1795215600, 'Europe/Paris')).toBe('20261121 00:00:00');
  });

  it('reuses one formatter per zone', () => {
    const constructed = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let i = 0; i < 50; i++) {
        formatSince(NOW + i, 'Australia/Lord_Howe');
      }
      expect(constructed.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      constructed.mockRestore();
    }
  });
});

describe(assertTimeZone.name, () => {
  it('accepts IANA zones', () => {
    expect(() => assertTimeZone('Europe/Paris')).not.toThrow();
    expect(() => assertTimeZone('UTC')).not.toThrow();
  });

  it.each(['Mars/Olympus', 'Europe/Pariss', '', '+25:00'])('names the rejected zone %j', (zone) => {
    expect(() => assertTimeZone(zone)).toThrow(`unknown time zone: ${JSON.stringify(zone)}`);
  });
});
