// The heartbeat listing at 100k services while pulses run: the unpaged GET / (one answer of every record, built
// in steps) and the paged walk, each against the pulses' p99 without any listing, in the same run.
import { request, withApi } from '../lib/api.mjs';
import { detail, fail, pick } from '../lib/context.mjs';
import { metric } from '../lib/report.mjs';
import { latencySummary, median, round } from '../lib/stats.mjs';
import { checkLoad, fillServices, load, summarize, wrk } from '../lib/wrk.mjs';

const PULSED = 10_000;

/** Repeats `once` back to back until `stop.done`: the duration of each. */
async function loop(stop, once) {
  const ms = [];
  while (!stop.done) {
    const started = performance.now();
    await once();
    ms.push(performance.now() - started);
  }
  return ms;
}

export default {
  name: 'list-heartbeats',
  description:
    '100,000 services filled by pulses; then `wrk -t1 -c100` pulses over 10,000 of them three ways: alone, while one ' +
    'client reads the unpaged GET / back to back, and while it walks /heartbeats?limit=1000 page by page.',
  async run({ runs }) {
    const services = pick(10_000, 100_000);
    const seconds = pick(3, 10);
    const perRun = [];
    const commands = [];
    let filled = null;
    let listingBytes = 0;
    await withApi('list_hb', {}, async (stack) => {
      commands.push(...stack.commands);
      filled = await fillServices(stack.url, { count: services });
      commands.push(filled.command);
      const first = await request(stack.port, 'GET', '/');
      if (first.status !== 200 || first.body?.heartBeats?.length !== services) {
        fail(`GET /: status ${first.status}, ${first.body?.heartBeats?.length} records, expected ${services}`);
      }
      listingBytes = first.bytes;
      const env = { WT_SERVICES: Math.min(PULSED, services) };
      const pulses = (label) =>
        wrk({
          label,
          args: load(100, seconds),
          script: 'pulse.lua',
          url: `${stack.url}/`,
          env,
          cpu: [{ name: 'api', pid: stack.pid('all') }],
        });
      let refused = 0;
      const unpaged = async () => {
        const res = await request(stack.port, 'GET', '/', undefined, { raw: true });
        if (res.status === 503) refused++;
        else if (res.status !== 200 || res.bytes < listingBytes * 0.9)
          fail(`GET / while pulsing: status ${res.status}, ${res.bytes} bytes`);
      };
      const paged = async () => {
        let path = '/heartbeats?limit=1000';
        let records = 0;
        for (;;) {
          const res = await request(stack.port, 'GET', path);
          if (res.status !== 200) {
            fail(`GET ${path} while pulsing: status ${res.status}`);
            return;
          }
          records += res.body.heartBeats.length;
          if (!res.body.next) break;
          path = `/heartbeats?limit=1000&cursor=${encodeURIComponent(res.body.next)}`;
        }
        if (records !== services) fail(`paged walk while pulsing: ${records} records, expected ${services}`);
      };
      await wrk({ label: 'pulse warm-up', args: load(100, 1), script: 'pulse.lua', url: `${stack.url}/`, env });
      for (let r = 1; r <= runs; r++) {
        const alone = await pulses(`pulses alone #${r}`);
        checkLoad(`pulses alone #${r}`, alone);
        const during = {};
        for (const [name, once] of [
          ['unpaged', unpaged],
          ['paged', paged],
        ]) {
          const stop = { done: false };
          const loadDone = pulses(`pulses during ${name} listings #${r}`).finally(() => (stop.done = true));
          const listings = await loop(stop, once);
          const report = await loadDone;
          checkLoad(`pulses during ${name} listings #${r}`, report);
          during[name] = { pulses: summarize(report), listings: latencySummary(listings) };
        }
        if (r === 1) commands.push(alone.command);
        perRun.push({ alone: summarize(alone), ...during });
        detail(
          `#${r}: p99 alone ${alone.p99ms.toFixed(1)} ms, during unpaged ${during.unpaged.pulses.p99ms} ms, during paged ${during.paged.pulses.p99ms} ms`,
        );
      }
      if (refused > 0) fail(`${refused} unpaged listings refused with 503 (one client, one at a time)`);
    });
    const listingMs = (name) => round(median(perRun.map((r) => r[name].listings.p50)), 0);
    const count = (name) => perRun.map((r) => r[name].listings.count).join('/');
    const rows = [
      metric(
        'pulse p99 during unpaged GET /',
        perRun.map((r) => r.unpaged.pulses.p99ms),
        {
          unit: ' ms',
          digits: 1,
          target: { op: '<=', value: 20 },
          extra: `${count('unpaged')} listings of ${services.toLocaleString('en-US')} records, ${listingMs('unpaged')} ms each`,
        },
      ),
      metric(
        'pulse p99 during paged walk (limit 1000)',
        perRun.map((r) => r.paged.pulses.p99ms),
        {
          unit: ' ms',
          digits: 1,
          target: { op: '<=', value: 20 },
          extra: `${count('paged')} walks, ${listingMs('paged')} ms each`,
        },
      ),
      metric(
        'pulse p99 without listings, same run',
        perRun.map((r) => r.alone.p99ms),
        { unit: ' ms', digits: 1 },
      ),
      metric(
        'pulses per s: alone / unpaged / paged',
        perRun.map((r) => r.alone.rps),
        {
          unit: '/s',
          extra: `${Math.round(median(perRun.map((r) => r.unpaged.pulses.rps)))}/s during unpaged, ${Math.round(median(perRun.map((r) => r.paged.pulses.rps)))}/s during paged`,
        },
      ),
    ];
    return {
      rows,
      metrics: { services, seconds, fill: filled, listingBytes, perRun },
      commands,
      summary: `pulse p99 ${rows[2].value} ms alone, ${rows[0].value} ms during unpaged, ${rows[1].value} ms during paged`,
    };
  },
};
