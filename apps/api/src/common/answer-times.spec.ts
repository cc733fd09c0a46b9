import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { AnswerTimes } from './answer-times';
import { HTTP_BUCKETS } from './metrics';

const NAME = 'watchtower_http_request_duration_seconds';
const HELP = 'HTTP answers by method, route pattern and status.';

/** The same observations into ours and into prom-client's Histogram, each on a registry of its own. */
function both(observations: [string, string, number, number][]): { ours: Registry; theirs: Registry } {
  const ours = new Registry();
  const theirs = new Registry();
  const times = new AnswerTimes(NAME, HELP, HTTP_BUCKETS, ours);
  const histogram = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: [theirs],
  });
  for (const [method, route, status, seconds] of observations) {
    times.observe(method, route, status, seconds);
    histogram.observe({ method, route, status }, seconds);
  }
  return { ours, theirs };
}

const observation = fc.tuple(
  fc.constantFrom('GET', 'POST', 'DELETE'),
  fc.constantFrom('/', '/add-event', '/heartbeats/:service', 'unmatched', '/quo"te\\d'),
  fc.constantFrom(200, 400, 404, 503),
  fc.oneof(fc.constantFrom(...HTTP_BUCKETS, 0, 3), fc.double({ min: 0, max: 5, noNaN: true })),
);

describe('AnswerTimes', () => {
  it('scrapes as prom-client Histogram does, as text and as JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
        const { ours, theirs } = both(observations);
        expect(await ours.metrics()).toBe(await theirs.metrics());
        expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
      }),
      { numRuns: 200 },
    );
  });

  it('puts a value on a bound into that bound and counts past the last bound only in +Inf', async () => {
    const registry = new Registry();
    const times = new AnswerTimes(NAME, HELP, [0.1, 1], registry);
    times.observe('POST', '/', 200, 0.1);
    times.observe('POST', '/', 200, 7);
    const text = await registry.metrics();
    expect(text).toContain(`${NAME}_bucket{le="0.1",method="POST",route="/",status="200"} 1\n`);
    expect(text).toContain(`${NAME}_bucket{le="1",method="POST",route="/",status="200"} 1\n`);
    expect(text).toContain(`${NAME}_bucket{le="+Inf",method="POST",route="/",status="200"} 2\n`);
    expect(text).toContain(`${NAME}_sum{method="POST",route="/",status="200"} 7.1\n`);
  });

  it('ignores a time that is not a finite number instead of throwing in the answer hook', async () => {
    const registry = new Registry();
    const times = new AnswerTimes(NAME, HELP, HTTP_BUCKETS, registry);
    times.observe('GET', '/', 200, Number.NaN);
    times.observe('GET', '/', 200, 0.002);
    expect(await registry.metrics()).toContain(`${NAME}_count{method="GET",route="/",status="200"} 1\n`);
  });

  it('starts empty again after a reset', async () => {
    const registry = new Registry();
    const times = new AnswerTimes(NAME, HELP, HTTP_BUCKETS, registry);
    times.observe('GET', '/', 200, 0.002);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain(`${NAME}_count`);
  });
});
