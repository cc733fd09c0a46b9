import { durabilityWarnings } from './redis.module';

describe(durabilityWarnings.name, () => {
  it('warns about a Redis without AOF and about an evicting memory policy', () => {
    const warnings = durabilityWarnings(['appendonly', 'no', 'maxmemory-policy', 'allkeys-lru']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Redis runs with appendonly no/);
    expect(warnings[1]).toMatch(/maxmemory-policy allkeys-lru/);
  });

  it('says nothing for AOF with noeviction, or when CONFIG was refused', () => {
    expect(durabilityWarnings(['appendonly', 'yes', 'maxmemory-policy', 'noeviction'])).toEqual([]);
    expect(durabilityWarnings([])).toEqual([]);
  });
});
