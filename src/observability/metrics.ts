// Prometheus metrics (docs/metrics.md): one prom-client Registry per broker process, never the
// global default one, so brokers embedded side by side in one test process do not clash.
//
// Two kinds of metric, so that nothing costly runs on a hot path:
// - model metrics (queues, partitions, groups, connections) are read from the broker model when
//   scraped; the data path only bumps plain number fields (broker/traffic-counters.ts);
// - durations (Kafka requests, AMQP methods, fdatasyncs) go to DurationHistogram series that the
//   listeners and the log are handed at start as util/ sinks, so neither imports this module.
//
// Start order: create the metrics first (the log needs its fsync sink when the broker opens),
// then `watch` the opened broker and listeners.
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Broker } from '../broker/broker.js';
import type { DurationSink, LabelledDurations } from '../util/duration-sink.js';
import { DurationHistogram } from './duration-histogram.js';
import { registerGroupMetrics } from './group-metrics.js';
import { registerPartitionMetrics } from './partition-metrics.js';
import { registerQueueMetrics } from './queue-metrics.js';
import { METRICS_SERIES_PER_METRIC_MAX } from './scraped-metric.js';

export { METRICS_SERIES_PER_METRIC_MAX };

export type ConnectionCounts = Readonly<Record<'kafka' | 'amqp', () => number>>;

export interface WatchedBroker {
  readonly broker: Broker;
  /** Open connections per protocol, read at scrape time. */
  readonly connections: ConnectionCounts;
  /** Open AMQP channels over all connections, read at scrape time. */
  readonly amqpChannels: () => number;
}

/** The sinks handed to the components that time their work. */
export interface MetricsDurations {
  /** By Kafka API name (`Produce`, `Fetch`, …): from taking the request to writing its response. */
  readonly kafkaRequests: LabelledDurations;
  /** By AMQP method (`basic.publish`, `queue.declare`, …): from the frame's arrival to the reply, or to the end of handling when there is none. */
  readonly amqpMethods: LabelledDurations;
  /** Every fdatasync of a partition or queue log's segment file. */
  readonly datasync: DurationSink;
}

export interface BrokerMetrics {
  readonly registry: Registry;
  readonly durations: MetricsDurations;
  /** Registers the model metrics of an opened broker and its listeners; call once. */
  watch(watched: WatchedBroker): void;
  /** The text exposition (format 0.0.4) of every metric. */
  metrics(): Promise<string>;
  readonly contentType: string;
}

export function createBrokerMetrics(): BrokerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const durations: MetricsDurations = {
    kafkaRequests: new DurationHistogram(registry, 'wharf_kafka_request_duration_seconds',
      'Time from taking a Kafka request off the connection to writing its response (or finishing it, for acks=0), by API.', 'api', METRICS_SERIES_PER_METRIC_MAX),
    amqpMethods: new DurationHistogram(registry, 'wharf_amqp_method_duration_seconds',
      'Time from an AMQP method frame arriving to its reply being written; for methods without a reply (basic.publish with its content, basic.ack) until the broker handled it.', 'method', METRICS_SERIES_PER_METRIC_MAX),
    datasync: new DurationHistogram(registry, 'wharf_log_fsync_duration_seconds',
      'Duration of each fdatasync of a log segment file (group commit: one per batch of appends under the default flush policy).', null, 1).sink(''),
  };
  let watching = false;
  return {
    registry,
    durations,
    watch(watched) {
      if (watching) throw new Error('BrokerMetrics.watch was called twice; create one BrokerMetrics per broker');
      watching = true;
      registerModelMetrics(registry, watched);
    },
    metrics: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

function registerModelMetrics(registry: Registry, watched: WatchedBroker): void {
  const { broker, connections, amqpChannels } = watched;
  registerQueueMetrics(registry, broker);
  registerPartitionMetrics(registry, broker);
  registerGroupMetrics(registry, broker);
  new Gauge({
    name: 'wharf_connections',
    help: 'Open client connections per protocol.',
    labelNames: ['protocol'] as const,
    registers: [registry],
    collect() {
      for (const protocol of ['kafka', 'amqp'] as const) this.set({ protocol }, connections[protocol]());
    },
  });
  new Gauge({
    name: 'wharf_amqp_channels',
    help: 'Open AMQP channels over all connections.',
    registers: [registry],
    collect() {
      this.set(amqpChannels());
    },
  });
}
