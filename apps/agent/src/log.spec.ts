import { agentLogger, setLogLevels } from './log';

describe('agent log lines', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    spy.mockRestore();
    setLogLevels(['log', 'warn', 'error']);
  });

  it('writes one stderr line per message with its time, level and context', () => {
    agentLogger('Uplink').warn('no ack within 30 s; reconnecting');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN \[Uplink\] no ack within 30 s; reconnecting\n$/,
    );
  });

  it('writes only the levels set', () => {
    setLogLevels(['warn', 'error']);
    const logger = agentLogger('Agent');
    logger.log('starting');
    logger.error('stopping');
    expect(written.map((line) => line.split(' ').slice(1).join(' '))).toEqual(['ERROR [Agent] stopping\n']);
  });
});
