import { LookupAddress } from 'node:dns';
import { isPrivateAddress, filteringLookup, PRIVATE_TARGET } from './target-filter';

describe(isPrivateAddress.name, () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::',
    '::1',
    '[::1]',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:a00:1',
    'not-an-ip',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );
});

describe(filteringLookup.name, () => {
  const resolving =
    (...addresses: string[]) =>
    (_host: string, _options: unknown, callback: (e: null, all: LookupAddress[]) => void) =>
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );

  const run = async (lookup: ReturnType<typeof filteringLookup>, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
      lookup('intranet.example', { all } as never, (error, result) => resolve({ error, result })),
    );

  it('refuses a host name resolving to 10.x', async () => {
    const { error } = await run(filteringLookup(resolving('10.0.0.7')), false);
    expect(error?.code).toBe(PRIVATE_TARGET);
    expect(error?.message).toMatch(/intranet\.example resolves to a private address \(10\.0\.0\.7\)/);
  });

  it('keeps only the public addresses of a name resolving to both', async () => {
    const lookup = filteringLookup(resolving('10.0.0.7', '93.184.216.34', 'fd00::2'));
    expect(await run(lookup, false)).toEqual({ error: null, result: '93.184.216.34' });
    expect(await run(lookup, true)).toEqual({ error: null, result: [{ address: '93.184.216.34', family: 4 }] });
  });
});
