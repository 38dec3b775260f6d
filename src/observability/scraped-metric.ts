// Gauges and counters whose values are read from the broker model when Prometheus scrapes,
// instead of being updated on the data path. Each reports at most METRICS_SERIES_PER_METRIC_MAX
// series, and starts from scratch at every scrape, so a deleted queue or topic stops being reported.
import { Counter, Gauge, type Registry } from 'prom-client';

/** Series per labelled metric at most; a broker with more queues or partitions is cut here, not in Prometheus. */
export const METRICS_SERIES_PER_METRIC_MAX = 10_000;

export interface ScrapedMetricSpec<S, L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** The objects to report, read once per scrape of this metric. */
  readonly samples: () => readonly S[];
  readonly labels: (sample: S) => Record<L, string>;
  readonly value: (sample: S) => number;
}

export function scrapedGauge<S, L extends string>(registry: Registry, spec: ScrapedMetricSpec<S, L>): void {
  new Gauge<L>({
    name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const s of capped(spec.samples())) this.set(spec.labels(s), spec.value(s));
    },
  });
}

/** A counter whose running total lives on a model object (traffic-counters.ts). */
export function scrapedCounter<S, L extends string>(registry: Registry, spec: ScrapedMetricSpec<S, L>): void {
  new Counter<L>({
    name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const s of capped(spec.samples())) this.inc(spec.labels(s), spec.value(s));
    },
  });
}

function capped<S>(samples: readonly S[]): readonly S[] {
  return samples.length <= METRICS_SERIES_PER_METRIC_MAX ? samples : samples.slice(0, METRICS_SERIES_PER_METRIC_MAX);
}
