import { bearerKey, errorBody, ingestStatus, isJsonContentType } from './ingest.dto';

describe('ingest request rules', () => {
  it('reads the key of a Bearer header only', () => {
    expect(bearerKey('Bearer wt_ak_abc')).toBe('wt_ak_abc');
    expect(bearerKey('bearer  wt_ak_abc ')).toBe('wt_ak_abc');
    expect(bearerKey(undefined)).toBeUndefined();
    expect(bearerKey('wt_ak_abc')).toBeUndefined();
    expect(bearerKey('Basic dXNlcjpwdw==')).toBeUndefined();
    expect(bearerKey('Bearer a b')).toBeUndefined();
    expect(bearerKey(['Bearer a', 'Bearer b'])).toBeUndefined();
  });

  it('accepts application/json with parameters, nothing else', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    expect(isJsonContentType(undefined)).toBe(false);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('application/json-seq')).toBe(false);
  });

  it('answers 200 for all accepted, 207 for some, 400 for none', () => {
    const response = (accepted: number, rejected: number) => ({ accepted, rejected, host_id: 'h', results: [] });
    expect(ingestStatus(response(2, 0))).toBe(200);
    expect(ingestStatus(response(1, 1))).toBe(207);
    expect(ingestStatus(response(0, 2))).toBe(400);
  });

  it('spells a request-level failure as netwatch does', () => {
    expect(errorBody('rate limit "exceeded"')).toBe('{"error":"rate limit \\"exceeded\\""}');
  });
});
