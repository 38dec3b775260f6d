// Prometheus metrics (docs/metrics.md): one prom-client Registry per broker process, never the
// global default one, so brokers embedded side by side in one test process do not clash. Broker
// gauges are computed when scraped (collect callbacks), so nothing here touches a hot path. The
// protocol listeners are reached only through the counting functions passed in, so this module
// does not import protocols/.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Broker } from '../broker/broker.js';

/** Series per labelled metric at most; a broker with more queues or partitions is cut here, not in Prometheus. */
export const METRICS_SERIES_PER_METRIC_MAX = 10_000;

/** Log names that are broker internals, not user topics: the committed-offsets log and queue logs. */
const INTERNAL_LOG_PREFIXES: readonly string[] = ['__consumer_offsets', '~q.'];

export type ConnectionCounts = Readonly<Record<'kafka' | 'amqp', () => number>>;

export interface BrokerMetricsOptions {
  readonly broker: Broker;
  /** Open connections per protocol, read at scrape time. */
  readonly connections: ConnectionCounts;
}

export interface BrokerMetrics {
  readonly registry: Registry;
  /** The text exposition (format 0.0.4) of every metric. */
  metrics(): Promise<string>;
  readonly contentType: string;
}

interface QueueSample {
  readonly labels: { vhost: string; queue: string };
  readonly ready: number;
  readonly unacked: number;
  readonly consumers: number;
}

interface PartitionSample {
  readonly labels: { topic: string; partition: string };
  readonly logEndOffset: number;
  readonly logStartOffset: number;
  readonly sizeBytes: number;
}

export function createBrokerMetrics(options: BrokerMetricsOptions): BrokerMetrics {
  const { broker, connections } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  queueGauge(registry, 'wharf_amqp_queue_messages_ready', 'Messages ready for delivery in an AMQP queue.', broker, (s) => s.ready);
  queueGauge(registry, 'wharf_amqp_queue_messages_unacked', 'Messages delivered and not yet acknowledged in an AMQP queue.', broker, (s) => s.unacked);
  queueGauge(registry, 'wharf_amqp_queue_consumers', 'Consumers of an AMQP queue.', broker, (s) => s.consumers);
  partitionGauge(registry, 'wharf_topic_partition_log_end_offset', 'One past the last offset written to a topic partition.', broker, (s) => s.logEndOffset);
  partitionGauge(registry, 'wharf_topic_partition_log_start_offset', 'The first offset still kept in a topic partition.', broker, (s) => s.logStartOffset);
  partitionGauge(registry, 'wharf_topic_partition_size_bytes', 'Bytes of segment files of a topic partition.', broker, (s) => s.sizeBytes);
  new Gauge({
    name: 'wharf_connections',
    help: 'Open client connections per protocol.',
    labelNames: ['protocol'] as const,
    registers: [registry],
    collect() {
      for (const protocol of ['kafka', 'amqp'] as const) this.set({ protocol }, connections[protocol]());
    },
  });

  return {
    registry,
    metrics: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

function queueGauge(registry: Registry, name: string, help: string, broker: Broker, value: (s: QueueSample) => number): void {
  new Gauge({
    name, help, labelNames: ['vhost', 'queue'] as const, registers: [registry],
    collect() {
      // Reset first so deleted queues stop being reported.
      this.reset();
      for (const s of queueSamples(broker)) this.set(s.labels, value(s));
    },
  });
}

function partitionGauge(registry: Registry, name: string, help: string, broker: Broker, value: (s: PartitionSample) => number): void {
  new Gauge({
    name, help, labelNames: ['topic', 'partition'] as const, registers: [registry],
    collect() {
      this.reset();
      for (const s of partitionSamples(broker)) this.set(s.labels, value(s));
    },
  });
}

function queueSamples(broker: Broker): QueueSample[] {
  const samples: QueueSample[] = [];
  for (const vhostName of broker.amqp.vhostNames()) {
    const vhost = broker.amqp.vhost(vhostName);
    if (vhost === undefined) continue;
    for (const q of vhost.queues()) {
      if (samples.length >= METRICS_SERIES_PER_METRIC_MAX) return samples;
      samples.push({ labels: { vhost: vhostName, queue: q.name }, ready: q.messageCount, unacked: q.unackedCount, consumers: q.consumerCount });
    }
  }
  return samples;
}

function partitionSamples(broker: Broker): PartitionSample[] {
  const samples: PartitionSample[] = [];
  for (const topic of broker.topics.list()) {
    if (INTERNAL_LOG_PREFIXES.some((prefix) => topic.name.startsWith(prefix))) continue;
    for (const [i, log] of topic.partitions.entries()) {
      if (samples.length >= METRICS_SERIES_PER_METRIC_MAX) return samples;
      samples.push({ labels: { topic: topic.name, partition: String(i) }, logEndOffset: log.logEndOffset, logStartOffset: log.logStartOffset, sizeBytes: log.sizeBytes });
    }
  }
  return samples;
}
