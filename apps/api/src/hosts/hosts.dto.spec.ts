import { HintedError } from '../common/hinted-error';
import { HostIdPipe, MAX_POINTS, parseMetricsQuery } from './hosts.dto';

const NOW = 1_796_000_000;

describe(parseMetricsQuery.name, () => {
  it('defaults to the last hour up to and including the current second, with the smallest step that keeps 1,000 points', () => {
    expect(parseMetricsQuery({}, NOW)).toEqual({ from: NOW + 1 - 3600, to: NOW + 1, step: 4 });
  });

  it('keeps a step that already fits and raises one that does not', () => {
    expect(parseMetricsQuery({ from: `${NOW - 600}`, to: `${NOW}`, step: '60' }, NOW).step).toBe(60);
    const year = parseMetricsQuery({ from: `${NOW - 365 * 86400}`, to: `${NOW}`, step: '1' }, NOW);
    expect(year.step).toBe(31536);
    expect(Math.ceil((year.to - year.from) / year.step)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('reads ISO 8601 dates, and `to` alone moves the default window', () => {
    expect(parseMetricsQuery({ from: '2026-12-01T00:00:00Z', to: '2026-12-01T01:00:01+01:00' }, NOW)).toEqual({
      from: Date.UTC(2026, 11, 1) / 1000,
      to: Date.UTC(2026, 11, 1) / 1000 + 1,
      step: 1,
    });
    expect(parseMetricsQuery({ to: `${NOW - 100}` }, NOW)).toMatchObject({ from: NOW - 3700, to: NOW - 100 });
  });

  it.each([
    [{ from: 'soon' }, 'invalid from'],
    [{ to: '2026-13-01T00:00:00Z' }, 'invalid to'],
    [{ from: `${NOW}`, to: `${NOW}` }, 'from must be before to'],
    [{ step: '1.5' }, 'step must be an integer from 1 to 31536000'],
    [{ step: ['60', 'x'] }, 'step must be an integer from 1 to 31536000'],
  ])('refuses %j', (query, hint) => {
    expect(() => parseMetricsQuery(query, NOW)).toThrow(new HintedError(400, hint));
  });
});

describe(HostIdPipe.name, () => {
  it('lowercases a uuid and answers 404 for anything else', () => {
    const pipe = new HostIdPipe();
    expect(pipe.transform('8D0F6C1A-2B7E-4C39-9A51-3E2F7D4B6C80')).toBe('8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80');
    expect(() => pipe.transform('8d0f6c1a')).toThrow(new HintedError(404, 'host not found'));
  });
});
