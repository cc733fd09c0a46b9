import { contextLines, plainText, truncate } from './alert-format';
import { alertJob, NOW } from './channels/test/fakes';

describe(contextLines.name, () => {
  it('renders every part of the context in the display zone', () => {
    expect(contextLines(alertJob(), 'Europe/Paris')).toEqual([
      'Last pulse: 2026-11-21 23:34:19 (Europe/Paris)',
      'Late by: 5 s',
      'Expected every: 60 s',
      'Recent events:',
      '  2026-11-21 23:30:24 [level 3] disk almost full',
    ]);
    expect(contextLines(alertJob(), 'UTC')).toEqual([
      'Last pulse: 2026-11-21 22:34:19 (UTC)',
      'Late by: 5 s',
      'Expected every: 60 s',
      'Recent events:',
      '  2026-11-21 22:30:24 [level 3] disk almost full',
    ]);
  });

  it('leaves out every line whose data is absent', () => {
    expect(contextLines(alertJob({ context: {} }), 'Europe/Paris')).toEqual([]);
    expect(contextLines(alertJob({ context: { nextIn: 3600, recentEvents: [] } }), 'Europe/Paris')).toEqual([
      'Expected every: 3600 s',
    ]);
    expect(contextLines(alertJob({ context: { lateBySeconds: 0 } }), 'Europe/Paris')).toEqual(['Late by: 0 s']);
  });

  it.each<[number, string]>([
    [0, '0 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [65, '1 min 5 s'],
    [3600, '1 h'],
    [7205, '2 h 5 s'],
    [90061, '1 d 1 h 1 min 1 s'],
    [-3, '0 s'],
  ])('writes %d s late as "%s"', (lateBySeconds, text) => {
    expect(contextLines(alertJob({ context: { lateBySeconds } }), 'UTC')).toEqual([`Late by: ${text}`]);
  });

  it('lists recent events newest first as given, one line each, line breaks shown as ⏎', () => {
    const recentEvents = [
      { date: NOW - 10, level: 4, message: 'first\r\nsecond\nthird\rfourth' },
      { date: NOW - 20, level: -2, message: '' },
    ];
    expect(contextLines(alertJob({ context: { recentEvents } }), 'Europe/Paris')).toEqual([
      'Recent events:',
      '  2026-11-21 23:35:14 [level 4] first⏎second⏎third⏎fourth',
      '  2026-11-21 23:35:04 [level -2]',
    ]);
  });

  it('cuts an event message to 200 characters without splitting an emoji', () => {
    const message = `${'x'.repeat(198)}🔥🔥🔥`;
    const [, line] = contextLines(alertJob({ context: { recentEvents: [{ date: NOW, level: 0, message }] } }), 'UTC');
    expect(line).toBe(`  2026-11-21 22:35:24 [level 0] ${'x'.repeat(198)}🔥…`);
    const exact = 'y'.repeat(200);
    const [, kept] = contextLines(
      alertJob({ context: { recentEvents: [{ date: NOW, level: 0, message: exact }] } }),
      'UTC',
    );
    expect(kept).toBe(`  2026-11-21 22:35:24 [level 0] ${exact}`);
  });

  it('puts host figures before the events, so truncating channels drop old events first', () => {
    const alert = alertJob({
      context: {
        nextIn: 60,
        host: { name: 'db-1', cpu: '12 %', load1: 0.5 },
        recentEvents: [{ date: NOW, level: 1, message: 'm' }],
      },
    });
    expect(contextLines(alert, 'UTC')).toEqual([
      'Expected every: 60 s',
      'Host name: db-1',
      'Host cpu: 12 %',
      'Host load1: 0.5',
      'Recent events:',
      '  2026-11-21 22:35:24 [level 1] m',
    ]);
  });
});

describe(plainText.name, () => {
  it('is the body, a blank line, then the context lines', () => {
    expect(plainText(alertJob(), 'Europe/Paris')).toBe(
      [
        'The service svcA is not pulsing since 20261121 23:34:19',
        '',
        'Last pulse: 2026-11-21 23:34:19 (Europe/Paris)',
        'Late by: 5 s',
        'Expected every: 60 s',
        'Recent events:',
        '  2026-11-21 23:30:24 [level 3] disk almost full',
      ].join('\n'),
    );
  });

  it('is the body alone without context', () => {
    expect(plainText(alertJob({ context: {} }), 'UTC')).toBe('The service svcA is not pulsing since 20261121 23:34:19');
  });
});

describe(truncate.name, () => {
  it.each<[string, number, string]>([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['', 1, ''],
    ['a🔥b', 2, 'a…'],
    ['🔥🔥', 2, '🔥🔥'],
  ])('truncate(%j, %d) is %j', (text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });
});
