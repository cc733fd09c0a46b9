import type { Metric, Registry } from 'prom-client';

type Labels = { method: string; route: string; status: number };

interface Series {
  labels: Labels;
  /** Observations per bucket, not cumulative; the last slot is above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

interface Value {
  metricName: string;
  value: number;
  labels: Record<string, string | number>;
  sharedLabels?: Labels;
  /** prom-client's buckets carry one (we keep none), its sums and counts do not. */
  exemplar?: null;
}

/** What a registry reads from a metric at scrape time. */
interface Scrape {
  name: string;
  help: string;
  type: 'histogram';
  values: Value[];
  aggregator: 'sum';
}

/**
 * The HTTP latency histogram, observed on every answer. prom-client's Histogram checks the label names, hashes the
 * label set and validates the value on each observation: about 3 % of a pulse's throughput in an A/B run
 * (bench/ANALYSIS.md). Here a series is found by its route and a scan of that route's few series, and an observation is three additions; scrapes
 * read exactly what prom-client's Histogram would give for the same observations (answer-times.spec.ts holds the
 * two together, text and JSON), since the registry formats both alike.
 */
export class AnswerTimes {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private series = new Map<string, Series[]>();
  /** Every series in the order it first appeared, the order prom-client scrapes them in. */
  private ordered: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    if (!Number.isFinite(seconds)) {
      return;
    }
    // by route, then a short scan of its few method and status pairs: no key string is built per answer
    let ofRoute = this.series.get(route);
    if (ofRoute === undefined) {
      ofRoute = [];
      this.series.set(route, ofRoute);
    }
    let series = ofRoute.find((one) => one.labels.status === status && one.labels.method === method);
    if (series === undefined) {
      series = {
        labels: { method, route, status },
        counts: new Array<number>(this.bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      ofRoute.push(series);
      this.ordered.push(series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) {
      bucket++;
    }
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** The shape the registry's text exposition reads (prom-client's `getForPromString`). */
  async getForPromString(): Promise<Scrape> {
    const values: Value[] = [];
    for (const { labels, counts, sum, count } of this.ordered) {
      let below = 0;
      this.bounds.forEach((le, i) => {
        below += counts[i];
        values.push({
          labels: { le },
          sharedLabels: labels,
          value: below,
          exemplar: null,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: labels,
        value: count,
        exemplar: null,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The shape of `registry.getMetricsAsJSON()`: each value's own labels after the series' labels. */
  async get(): Promise<Scrape> {
    const data = await this.getForPromString();
    const values = data.values.map(({ sharedLabels, labels, ...rest }) => ({
      ...rest,
      labels: { ...labels, ...sharedLabels },
    }));
    return { ...data, values };
  }

  reset(): void {
    this.series = new Map();
    this.ordered = [];
  }
}
