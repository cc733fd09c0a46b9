import { durabilityWarnings } from './redis.module';

describe(durabilityWarnings.name, () => {
  it('warns about a Redis without AOF and about an evicting memory policy', () => {
    const warnings = durabilityWarnings(['appendonly', 'no', 'maxmemory-policy', 'allkeys-lru']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Redis runs with appendonly no/);
    expect(warnings[1]).toMatch(/maxmemory-policy allkeys-lru/);
  });

  it('warns about unbounded memory and unbounded client output buffers', () => {
    const unbounded = ['maxmemory', '0', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60'];
    const warnings = durabilityWarnings(unbounded);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^Redis has no maxmemory/);
    expect(warnings[1]).toMatch(/client-output-buffer-limit normal 0 0 0/);
    const bounded = [
      'maxmemory',
      '536870912',
      'client-output-buffer-limit',
      'normal 268435456 67108864 60 slave 0 0 0',
    ];
    expect(durabilityWarnings(bounded)).toEqual([]);
  });

  it('says nothing for AOF with noeviction, or when CONFIG was refused', () => {
    expect(durabilityWarnings(['appendonly', 'yes', 'maxmemory-policy', 'noeviction'])).toEqual([]);
    expect(durabilityWarnings([])).toEqual([]);
  });
});
