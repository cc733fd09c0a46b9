import { type AlertDraft, AlertLog } from './alert-log';

const draft = (message: string): AlertDraft => ({ severity: 'warning', category: 'bandwidth', message, detail: '' });

describe(AlertLog.name, () => {
  it('stamps the wall-clock time and keeps raise order without deduplicating', () => {
    const log = new AlertLog();
    log.raise(draft('a'), 0, Date.UTC(2026, 5, 11, 10, 6, 57, 123));
    log.raise(draft('a'), 1, Date.UTC(2026, 5, 11, 10, 6, 58));
    expect(log.activeAlerts()).toEqual([
      { ...draft('a'), timestamp: '2026-06-11T10:06:57.123Z' },
      { ...draft('a'), timestamp: '2026-06-11T10:06:58.000Z' },
    ]);
  });

  it('keeps an alert active for 60 s and drops it just after', () => {
    const log = new AlertLog();
    log.raise(draft('old'), 0, 0);
    log.raise(draft('new'), 10_000, 0);
    log.expire(60_000);
    expect(log.activeAlerts().map((a) => a.message)).toEqual(['old', 'new']);
    log.expire(60_001);
    expect(log.activeAlerts().map((a) => a.message)).toEqual(['new']);
    log.expire(70_001);
    expect(log.activeAlerts()).toEqual([]);
    expect(log.history().map((a) => a.message)).toEqual(['old', 'new']);
  });

  it('keeps the last 100 in history and at most 100 active (ours)', () => {
    const log = new AlertLog();
    for (let i = 0; i < 250; i++) {
      log.raise(draft(`m${i}`), 0, 0);
    }
    expect(log.history()).toHaveLength(100);
    expect(log.history()[0].message).toBe('m150');
    expect(log.activeAlerts()).toHaveLength(100);
    expect(log.activeAlerts()[99].message).toBe('m249');
  });
});
