// A Prometheus histogram of durations that is cheap to observe on a hot path. prom-client's own
// Histogram hashes the label set and allocates on every observe; here each label value gets its
// series once (`sink(name)`, kept by the caller) and an observation is a bucket search over a
// fixed array plus three increments. The series are turned into prom-client's exposition only at
// scrape time, so the text format, HELP/TYPE lines and escaping stay prom-client's.
import { Histogram, type Registry } from 'prom-client';
import type { DurationSink, LabelledDurations } from '../util/duration-sink.js';

/**
 * Upper bounds in seconds: 50 µs to 10 s. Broker work (an ack, a produce under group commit, an
 * fdatasync on an SSD) sits in the sub-millisecond buckets; long polls, rebalances and slow disks
 * in the upper ones.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** What the registry reads at scrape time: one line per value, in prom-client's exposition shape. */
interface ExpositionValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly name: string;
  readonly help: string;
  readonly type: 'histogram';
  readonly values: ExpositionValue[];
  readonly aggregator: 'sum';
}

/** One label value's observations: per-bucket counts (not cumulative; the last is above every bound). */
class DurationSeries implements DurationSink {
  readonly labels: Readonly<Record<string, string>>;
  readonly counts = new Float64Array(DURATION_BUCKETS_SECONDS.length + 1);
  sum = 0;
  count = 0;

  constructor(labels: Readonly<Record<string, string>>) {
    this.labels = labels;
  }

  observe(seconds: number): void {
    const bounds = DURATION_BUCKETS_SECONDS;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += seconds;
    this.count++;
  }
}

export class DurationHistogram extends Histogram<string> implements LabelledDurations {
  // Not `name`/`help`: prom-client's Metric sets those on the instance, and a class field of the
  // same name would overwrite them.
  private readonly metricName: string;
  private readonly helpText: string;
  private readonly labelName: string | null;
  private readonly seriesMax: number;
  private readonly series = new Map<string, DurationSeries>();

  /** `labelName` null: a histogram without labels, whose one series is `sink('')`. */
  constructor(registry: Registry, name: string, help: string, labelName: string | null, seriesMax: number) {
    super({ name, help, labelNames: labelName === null ? [] : [labelName], buckets: [...DURATION_BUCKETS_SECONDS], registers: [registry] });
    this.metricName = name;
    this.helpText = help;
    this.labelName = labelName;
    this.seriesMax = seriesMax;
  }

  sink(value: string): DurationSink {
    let s = this.series.get(value);
    if (s === undefined) {
      // Names come from fixed tables (APIs, methods), so the cap is a guard, not a limit in use.
      if (this.series.size >= this.seriesMax) return DISCARD;
      s = new DurationSeries(this.labelName === null ? {} : { [this.labelName]: value });
      this.series.set(value, s);
    }
    return s;
  }

  /** Called by prom-client's Registry (and by `get()`) at scrape time instead of its own bookkeeping. */
  getForPromString(): Promise<Exposition> {
    const values: ExpositionValue[] = [];
    const bucketName = `${this.metricName}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < DURATION_BUCKETS_SECONDS.length; i++) {
        cumulative += s.counts[i] as number;
        values.push({ metricName: bucketName, labels: { le: DURATION_BUCKETS_SECONDS[i] as number }, sharedLabels: s.labels, value: cumulative });
      }
      values.push({ metricName: bucketName, labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count });
      values.push({ metricName: `${this.metricName}_sum`, labels: {}, sharedLabels: s.labels, value: s.sum });
      values.push({ metricName: `${this.metricName}_count`, labels: {}, sharedLabels: s.labels, value: s.count });
    }
    return Promise.resolve({ name: this.metricName, help: this.helpText, type: 'histogram', values, aggregator: 'sum' });
  }
}

const DISCARD: DurationSink = { observe: () => undefined };
