// Per-partition metrics of the topics: log offsets and size (gauges) and traffic (counters kept on
// each Topic, broker/traffic-counters.ts), read at scrape time. Internal logs are left out.
import type { Registry } from 'prom-client';
import type { Broker } from '../broker/broker.js';
import type { Topic } from '../broker/topics.js';
import type { PartitionCounters } from '../broker/traffic-counters.js';
import { METRICS_SERIES_PER_METRIC_MAX, scrapedCounter, scrapedGauge } from './scraped-metric.js';

/** Log names that are broker internals, not user topics: the committed-offsets log and queue logs. */
export const INTERNAL_LOG_PREFIXES: readonly string[] = ['__consumer_offsets', '~q.'];

interface PartitionSample {
  readonly labels: Record<'topic' | 'partition', string>;
  readonly log: Topic['partitions'][number];
  readonly counters: PartitionCounters;
}

const LABELS = ['topic', 'partition'] as const;

export function registerPartitionMetrics(registry: Registry, broker: Broker): void {
  const samples = (): PartitionSample[] => partitionSamples(broker);
  const labels = (s: PartitionSample): Record<'topic' | 'partition', string> => s.labels;
  const gauge = (name: string, help: string, value: (s: PartitionSample) => number): void =>
    scrapedGauge(registry, { name, help, labelNames: LABELS, samples, labels, value });
  const counter = (name: string, help: string, value: (c: PartitionCounters) => number): void =>
    scrapedCounter(registry, { name, help, labelNames: LABELS, samples, labels, value: (s) => value(s.counters) });

  gauge('wharf_topic_partition_log_end_offset', 'One past the last offset written to a topic partition.', (s) => s.log.logEndOffset);
  gauge('wharf_topic_partition_log_start_offset', 'The first offset still kept in a topic partition.', (s) => s.log.logStartOffset);
  gauge('wharf_topic_partition_size_bytes', 'Bytes of segment files of a topic partition.', (s) => s.log.sizeBytes);
  counter('wharf_topic_partition_records_in_total', 'Records appended to a topic partition (Kafka Produce, HTTP produce).', (c) => c.recordsIn);
  counter('wharf_topic_partition_bytes_in_total', 'RecordBatch bytes appended to a topic partition, batch headers included.', (c) => c.bytesIn);
  counter('wharf_topic_partition_records_out_total', 'Records in the batches sent to readers of a topic partition (Kafka Fetch, HTTP, WebSocket).', (c) => c.recordsOut);
  counter('wharf_topic_partition_bytes_out_total', 'RecordBatch bytes sent to readers of a topic partition.', (c) => c.bytesOut);
}

function partitionSamples(broker: Broker): PartitionSample[] {
  const samples: PartitionSample[] = [];
  for (const topic of broker.topics.list()) {
    if (INTERNAL_LOG_PREFIXES.some((prefix) => topic.name.startsWith(prefix))) continue;
    for (const [i, log] of topic.partitions.entries()) {
      if (samples.length >= METRICS_SERIES_PER_METRIC_MAX) return samples;
      const counters = topic.counters[i];
      if (counters === undefined) continue;
      samples.push({ labels: { topic: topic.name, partition: String(i) }, log, counters });
    }
  }
  return samples;
}
