import { gatewayUrl, ingestUrl, schemeAssumed, serverProblem } from './server-url';

describe('server URL rules (agent-protocol.md §2)', () => {
  it.each([
    ['example.org', 'wss://example.org/api/v1/agents/ws', 'https://example.org/api/v1/ingest'],
    ['example.org/', 'wss://example.org/api/v1/agents/ws', 'https://example.org/api/v1/ingest'],
    ['https://x/base/', 'wss://x/base/api/v1/agents/ws', 'https://x/base/api/v1/ingest'],
    ['https://x', 'wss://x/api/v1/agents/ws', 'https://x/api/v1/ingest'],
    ['http://x:5000/', 'ws://x:5000/api/v1/agents/ws', 'http://x:5000/api/v1/ingest'],
    ['ws://h:1', 'ws://h:1/api/v1/agents/ws', 'http://h:1/api/v1/ingest'],
    ['wss://h', 'wss://h/api/v1/agents/ws', 'https://h/api/v1/ingest'],
    ['HTTPS://Host.example/', 'wss://Host.example/api/v1/agents/ws', 'https://Host.example/api/v1/ingest'],
    ['localhost:5000', 'wss://localhost:5000/api/v1/agents/ws', 'https://localhost:5000/api/v1/ingest'],
    ['http://[::1]:5000', 'ws://[::1]:5000/api/v1/agents/ws', 'http://[::1]:5000/api/v1/ingest'],
  ])('%s -> %s and %s', (server, gateway, ingest) => {
    expect(serverProblem(server)).toBeNull();
    expect(gatewayUrl(server)).toBe(gateway);
    expect(ingestUrl(server)).toBe(ingest);
  });

  it('says when it assumed the scheme', () => {
    expect(schemeAssumed('example.org')).toBe(true);
    expect(schemeAssumed('https://example.org')).toBe(false);
  });

  it.each([
    ['ftp://x', /^must be an https, http, wss or ws URL/],
    ['https://', /^must be a URL/],
    ['https://a b', /^must be a URL/],
    ['https://x/?a=1', /^must not have a query/],
    ['https://x/#top', /^must not have a query/],
    ['https://x/api/v1/ingest', /^must be the server's base URL: drop \/api\/v1\/ingest/],
    ['wss://x/api/v1/agents/ws/', /^must be the server's base URL: drop \/api\/v1\/agents\/ws/],
  ])('refuses %s', (server, problem) => {
    expect(serverProblem(server)).toMatch(problem);
    expect(() => gatewayUrl(server)).toThrow(/^server URL must/);
  });
});
