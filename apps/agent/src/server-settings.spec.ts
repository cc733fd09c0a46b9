import { LiveSettings, settingsChange } from './server-settings';

const CURRENT: LiveSettings = { intervalSecs: 15, healthIntervalSecs: 30, bandwidthAlertBytesPerSec: 100_000_000 };

describe(settingsChange.name, () => {
  it('changes only the values that differ, and nothing the server left out', () => {
    expect(settingsChange({}, CURRENT)).toEqual({ changes: {}, ignored: [] });
    expect(settingsChange({ interval_secs: 15, health_interval_secs: 30 }, CURRENT)).toEqual({
      changes: {},
      ignored: [],
    });
    expect(
      settingsChange({ interval_secs: 60, health_interval_secs: 15, bandwidth_alert_bytes_per_sec: 1 }, CURRENT),
    ).toEqual({ changes: { intervalSecs: 60, healthIntervalSecs: 15, bandwidthAlertBytesPerSec: 1 }, ignored: [] });
  });

  it("ignores values outside the agent's own bounds, one line each, and still applies the others", () => {
    expect(
      settingsChange({ interval_secs: 9, health_interval_secs: 3601, bandwidth_alert_bytes_per_sec: 2000 }, CURRENT),
    ).toEqual({
      changes: { bandwidthAlertBytesPerSec: 2000 },
      ignored: [
        "ignored the server's interval_secs 9: must be an integer between 10 and 3600",
        "ignored the server's health_interval_secs 3601: must be an integer between 15 and 3600",
      ],
    });
    const wrong = { health_interval_secs: 14, bandwidth_alert_bytes_per_sec: 0 };
    expect(settingsChange(wrong, CURRENT).ignored).toEqual([
      "ignored the server's health_interval_secs 14: must be an integer between 15 and 3600",
      "ignored the server's bandwidth_alert_bytes_per_sec 0: must be an integer >= 1",
    ]);
  });

  it('ignores values that are not integers at all', () => {
    const junk = { interval_secs: '60', health_interval_secs: 20.5, bandwidth_alert_bytes_per_sec: null };
    expect(settingsChange(junk as never, CURRENT)).toEqual({
      changes: {},
      ignored: [
        `ignored the server's interval_secs "60": must be an integer between 10 and 3600`,
        "ignored the server's health_interval_secs 20.5: must be an integer between 15 and 3600",
        "ignored the server's bandwidth_alert_bytes_per_sec null: must be an integer >= 1",
      ],
    });
  });
});
