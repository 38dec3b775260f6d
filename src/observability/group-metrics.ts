// Consumer-group lag, computed at scrape time from the committed offsets and the partitions' high
// watermarks (broker/groups/group-lag.ts). Partitions whose lag is unknown (nothing committed,
// topic gone) are not reported.
import type { Registry } from 'prom-client';
import type { Broker } from '../broker/broker.js';
import { groupLag } from '../broker/groups/group-lag.js';
import { METRICS_SERIES_PER_METRIC_MAX, scrapedGauge } from './scraped-metric.js';

interface LagSample {
  readonly labels: Record<'group' | 'topic' | 'partition', string>;
  readonly lag: number;
}

interface GroupSample {
  readonly labels: Record<'group', string>;
  readonly lag: number;
}

export function registerGroupMetrics(registry: Registry, broker: Broker): void {
  scrapedGauge(registry, {
    name: 'wharf_consumer_group_lag',
    help: "Records a consumer group has yet to commit in a partition: the high watermark minus the group's committed offset.",
    labelNames: ['group', 'topic', 'partition'] as const,
    samples: () => lagSamples(broker),
    labels: (s: LagSample) => s.labels,
    value: (s: LagSample) => s.lag,
  });
  scrapedGauge(registry, {
    name: 'wharf_consumer_group_lag_sum',
    help: 'Lag of a consumer group summed over the partitions it has committed offsets for.',
    labelNames: ['group'] as const,
    samples: () => groupSums(lagSamples(broker)),
    labels: (s: GroupSample) => s.labels,
    value: (s: GroupSample) => s.lag,
  });
}

function lagSamples(broker: Broker): LagSample[] {
  const samples: LagSample[] = [];
  for (const listing of broker.groups.listGroups()) {
    for (const p of groupLag(broker.groups, broker.topics, listing.groupId)) {
      if (p.lag === null) continue;
      if (samples.length >= METRICS_SERIES_PER_METRIC_MAX) return samples;
      samples.push({ labels: { group: listing.groupId, topic: p.topic, partition: String(p.partition) }, lag: p.lag });
    }
  }
  return samples;
}

function groupSums(samples: readonly LagSample[]): GroupSample[] {
  const sums = new Map<string, number>();
  for (const s of samples) sums.set(s.labels.group, (sums.get(s.labels.group) ?? 0) + s.lag);
  return [...sums].map(([group, lag]) => ({ labels: { group }, lag }));
}
