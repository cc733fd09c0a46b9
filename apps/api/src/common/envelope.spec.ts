import { compareCodePoints, serializeEnvelope } from './envelope';

const heartBeat = {
  service: 'svcA',
  nextIn: 60,
  last: 1795300524,
  expected: 1795300584,
  cancelled: false,
  alerted: false,
  alertType: 'pushover',
  alertTarget: 'pushoverTargetID',
};
const test4 = { service: 'test4', message: 'my m"es\nsage', level: 4, date: 1795300548, alert: false };
const testJava = { service: 'testJava', message: 'ok message', level: 3, date: 1795300530, alert: false };

describe(serializeEnvelope.name, () => {
  describe('spec examples, byte for byte', () => {
    it.each<[string, unknown, string]>([
      [
        '§3.6 hello',
        { world: 1795300524, version: '1.4.0', result: 200, eventsPresets: [] },
        '{"eventsPresets":[],"result":200,"version":"1.4.0","world":1795300524}\n',
      ],
      [
        '§5.1 hello with a preset',
        {
          result: 200,
          version: '1.4.0',
          world: 1795300524,
          eventsPresets: [{ name: 'ROC', service: 'tcm', message: 'run.*succ' }],
        },
        '{"eventsPresets":[{"message":"run.*succ","name":"ROC","service":"tcm"}],"result":200,"version":"1.4.0","world":1795300524}\n',
      ],
      [
        '§5.2 pulse',
        { result: 200, heartBeat, action: 'pulse' },
        '{"action":"pulse","heartBeat":{"alertTarget":"pushoverTargetID","alertType":"pushover","alerted":false,"cancelled":false,"expected":1795300584,"last":1795300524,"nextIn":60,"service":"svcA"},"result":200}\n',
      ],
      [
        '§5.2 error',
        { result: 400, hint: 'unknown alert type: mail2 (available: log, mail, pushover, slack, webhook)' },
        '{"hint":"unknown alert type: mail2 (available: log, mail, pushover, slack, webhook)","result":400}\n',
      ],
      [
        '§5.3 cancel of an unknown service',
        { result: 200, heartBeat: 'unknown', action: 'cancel' },
        '{"action":"cancel","heartBeat":"unknown","result":200}\n',
      ],
      [
        '§5.4 human dates',
        { heartBeats: [{ ...heartBeat, last: '2026-11-21 23:35:24', expected: '2026-11-21 23:36:24' }], result: 200 },
        '{"heartBeats":[{"alertTarget":"pushoverTargetID","alertType":"pushover","alerted":false,"cancelled":false,"expected":"2026-11-21 23:36:24","last":"2026-11-21 23:35:24","nextIn":60,"service":"svcA"}],"result":200}\n',
      ],
      ['§5.7 event accepted', { result: 200 }, '{"result":200}\n'],
      [
        '§5.8 events',
        { result: 200, events: [test4, testJava] },
        '{"events":[{"alert":false,"date":1795300548,"level":4,"message":"my m\\"es\\nsage","service":"test4"},{"alert":false,"date":1795300530,"level":3,"message":"ok message","service":"testJava"}],"result":200}\n',
      ],
      [
        '§5.8 events with next',
        { result: 200, next: 'MTc5NTMwMDU0ODo0Mg', events: [test4] },
        '{"events":[{"alert":false,"date":1795300548,"level":4,"message":"my m\\"es\\nsage","service":"test4"}],"next":"MTc5NTMwMDU0ODo0Mg","result":200}\n',
      ],
      [
        '§5.9 pings',
        {
          result: 200,
          pings: [
            {
              url: 'https://google.com',
              timeout: 10,
              service: 'google',
              proxyURL: null,
              password: null,
              method: 'get',
              login: null,
              lastPingSuccess: 1795300510,
              lastPing: 1795300510,
              frequency: 30,
              expectedCode: 200,
              alerted: false,
              alertType: 'pushover',
              alertTarget: 'pushoverTargetID',
            },
          ],
        },
        '{"pings":[{"alertTarget":"pushoverTargetID","alertType":"pushover","alerted":false,"expectedCode":200,"frequency":30,"lastPing":1795300510,"lastPingSuccess":1795300510,"login":null,"method":"get","password":null,"proxyURL":null,"service":"google","timeout":10,"url":"https://google.com"}],"result":200}\n',
      ],
      ['§3.4 bad password', { result: 403, hint: 'bad password' }, '{"hint":"bad password","result":403}\n'],
    ])('%s', (_name, value, expected) => {
      expect(serializeEnvelope(value)).toBe(expected);
    });
  });

  describe('escaping (§3.6 rule 7)', () => {
    it.each<[string, string, string]>([
      ['short forms', '\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
      ['quote and backslash', 'C:\\temp "x"', '"C:\\\\temp \\"x\\""'],
      ['other C0 controls in lowercase hex', '\u0000\u0001\u001b\u001f', '"\\u0000\\u0001\\u001b\\u001f"'],
      ['DEL', '\u007f', '"\\u007f"'],
      ['Latin-1', 'é', '"\\u00e9"'],
      ['BMP above Latin-1', '\u2028€\uffff', '"\\u2028\\u20ac\\uffff"'],
      ['astral as a surrogate pair', '😀', '"\\ud83d\\ude00"'],
      ['lone surrogate', '\ud800x', '"\\ud800x"'],
      ['slash is not escaped', 'a/b', '"a/b"'],
      ['printable ASCII untouched', ' ~{}[]:,', '" ~{}[]:,"'],
    ])('%s', (_name, text, expected) => {
      expect(serializeEnvelope({ v: text })).toBe(`{"v":${expected}}\n`);
    });

    it('escapes keys too', () => {
      expect(serializeEnvelope({ 'clé\n': 1 })).toBe('{"cl\\u00e9\\n":1}\n');
    });

    it('produces a single ASCII line', () => {
      const out = serializeEnvelope({ message: 'line1\nline2\r\u2028\u2029end', nested: { deep: ['\n'] } });
      expect(out.indexOf('\n')).toBe(out.length - 1);
      expect(out).toMatch(/^[\x20-\x7e]*\n$/);
    });
  });

  describe('key order (§3.6 rule 5)', () => {
    it('sorts by code point at every level, integer-like keys included', () => {
      const value = { b: { z: 1, a: [{ y: 2, x: 1 }] }, a: 0, '10': 1, '9': 2, B: 3, _: 4 };
      expect(serializeEnvelope(value)).toBe('{"10":1,"9":2,"B":3,"_":4,"a":0,"b":{"a":[{"x":1,"y":2}],"z":1}}\n');
    });

    it('puts astral characters after U+E000..U+FFFF, unlike UTF-16 order', () => {
      expect(serializeEnvelope({ '😀': 1, '\uffee': 2, é: 3 })).toBe('{"\\u00e9":3,"\\uffee":2,"\\ud83d\\ude00":1}\n');
    });
  });

  describe('JSON.stringify value rules', () => {
    it('omits undefined, functions and symbols in objects and nulls them in arrays', () => {
      const value = { a: undefined, b: () => 1, c: Symbol('c'), d: [undefined, () => 1, 1], e: null };
      expect(serializeEnvelope(value)).toBe('{"d":[null,null,1],"e":null}\n');
    });

    it('renders non-finite numbers as null and keeps number text', () => {
      expect(serializeEnvelope({ a: NaN, b: Infinity, c: -0, d: 1e21, e: 2.5, f: -3 })).toBe(
        '{"a":null,"b":null,"c":0,"d":1e+21,"e":2.5,"f":-3}\n',
      );
    });

    it('honours toJSON and boxed primitives', () => {
      expect(serializeEnvelope({ at: new Date(1795300524000), s: Object('x') })).toBe(
        '{"at":"2026-11-21T22:35:24.000Z","s":"x"}\n',
      );
    });

    it('calls toJSON once, like JSON.stringify, even when it returns an object with a toJSON', () => {
      const self = {
        b: 1,
        a: 2,
        toJSON(): unknown {
          return this;
        },
      };
      const value = { self, other: { toJSON: () => ({ q: 1, p: { toJSON: () => 'P' } }) } };
      expect(serializeEnvelope(value)).toBe('{"other":{"p":"P","q":1},"self":{"a":2,"b":1}}\n');
    });

    it('applies the same rules on the array-index key path', () => {
      const value = { '2': { toJSON: () => ({ y: 1, x: 'é' }) }, '1': [undefined, NaN], a: undefined, '-1': true };
      expect(serializeEnvelope(value)).toBe('{"-1":true,"1":[null,null],"2":{"x":"\\u00e9","y":1}}\n');
    });

    it('keeps an own __proto__ key, as JSON.parse creates it', () => {
      expect(serializeEnvelope(JSON.parse('{"b":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"b":1}\n');
    });

    it('reorders unsorted objects nested inside sorted ones', () => {
      expect(serializeEnvelope({ a: [{ a: { z: 1, y: 2 } }], b: 1 })).toBe('{"a":[{"a":{"y":2,"z":1}}],"b":1}\n');
    });

    it('throws on bigint and on a value without JSON form', () => {
      expect(() => serializeEnvelope({ n: 1n })).toThrow(TypeError);
      expect(() => serializeEnvelope(undefined)).toThrow(TypeError);
    });
  });
});

describe(compareCodePoints.name, () => {
  it.each<[string, string, number]>([
    ['a', 'b', -1],
    ['ab', 'a', 1],
    ['same', 'same', 0],
    ['\uffff', '😀', -1],
    ['😀', '😁', -1],
    ['\ud83d', '😀', -1],
  ])('%j vs %j', (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });
});
