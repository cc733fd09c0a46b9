import type { IncomingMessage } from 'node:http';
import { clientAddress, throttleUnit, trustFunction } from './client-address';

function request(remoteAddress: string, forwarded?: string | string[]): IncomingMessage {
  return { socket: { remoteAddress }, headers: { 'x-forwarded-for': forwarded } } as unknown as IncomingMessage;
}

describe(clientAddress.name, () => {
  const proxies = trustFunction(['127.0.0.1', '10.0.0.0/8']);

  it('takes the entry a trusted proxy appended, never what the client wrote before it', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(request('127.0.0.1', '198.51.100.9, 203.0.113.7'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(request('::ffff:127.0.0.1', ['1.1.1.1', '203.0.113.7']), proxies)).toBe('203.0.113.7');
    // a chain of trusted proxies is walked through
    expect(clientAddress(request('127.0.0.1', '198.51.100.9, 203.0.113.7, 10.1.2.3'), proxies)).toBe('203.0.113.7');
  });

  it('ignores X-Forwarded-For from an untrusted peer, and without trust', () => {
    expect(clientAddress(request('203.0.113.7', '127.0.0.1'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), trustFunction(false))).toBe('127.0.0.1');
  });

  it('counts hops from the server with a hop count', () => {
    const twoHops = trustFunction(2);
    expect(clientAddress(request('10.0.0.1', 'forged, 203.0.113.7, 10.0.0.2'), twoHops)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.1', '203.0.113.7'), trustFunction(1))).toBe('203.0.113.7');
  });
});

describe(trustFunction.name, () => {
  it.each(['0.0.0.0/0', '::/0', 'everything', '10.0.0.0/33', '10.0.0.1/8/1', '10.0.0.0/x'])('refuses %j', (entry) => {
    expect(() => trustFunction([entry])).toThrow(entry);
  });

  it('matches IPv6 subnets', () => {
    expect(trustFunction(['fd00::/8'])('fd12::1', 0)).toBe(true);
    expect(trustFunction(['fd00::/8'])('fe80::1', 0)).toBe(false);
  });
});

describe(throttleUnit.name, () => {
  it('keys IPv6 by its /64 and IPv4 (mapped or not) by the address', () => {
    expect(throttleUnit('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(throttleUnit('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(throttleUnit('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(throttleUnit('::1')).toBe('0:0:0:0::/64');
    expect(throttleUnit('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(throttleUnit('64:ff9b:1:2::192.0.2.1')).toBe('64:ff9b:1:2::/64');
    expect(throttleUnit('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(throttleUnit('192.0.2.1')).toBe('192.0.2.1');
  });
});
