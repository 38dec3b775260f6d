// Per-queue metrics of the AMQP model: depth and consumers (gauges), and message counts
// (counters kept on each Queue, broker/traffic-counters.ts), read at scrape time.
import type { Registry } from 'prom-client';
import type { Broker } from '../broker/broker.js';
import type { AmqpQueue as Queue } from '../broker/amqp/model-queue.js';
import { METRICS_SERIES_PER_METRIC_MAX, scrapedCounter, scrapedGauge } from './scraped-metric.js';

interface QueueSample {
  readonly vhost: string;
  readonly queue: Queue;
}

const LABELS = ['vhost', 'queue'] as const;

export function registerQueueMetrics(registry: Registry, broker: Broker): void {
  const samples = (): QueueSample[] => queueSamples(broker);
  const labels = (s: QueueSample): Record<'vhost' | 'queue', string> => ({ vhost: s.vhost, queue: s.queue.name });
  const gauge = (name: string, help: string, value: (q: Queue) => number): void =>
    scrapedGauge(registry, { name, help, labelNames: LABELS, samples, labels, value: (s) => value(s.queue) });
  const counter = (name: string, help: string, value: (q: Queue) => number): void =>
    scrapedCounter(registry, { name, help, labelNames: LABELS, samples, labels, value: (s) => value(s.queue) });

  gauge('wharf_amqp_queue_messages_ready', 'Messages ready for delivery in an AMQP queue.', (q) => q.messageCount);
  gauge('wharf_amqp_queue_messages_unacked', 'Messages delivered and not yet acknowledged in an AMQP queue.', (q) => q.unackedCount);
  gauge('wharf_amqp_queue_consumers', 'Consumers of an AMQP queue.', (q) => q.consumerCount);
  counter('wharf_amqp_queue_published_total', 'Messages an AMQP queue accepted (publishes routed to it, dead-lettered messages).', (q) => q.counters.published);
  counter('wharf_amqp_queue_delivered_total', 'Deliveries to consumers and basic.get answers from an AMQP queue, redeliveries included.', (q) => q.counters.delivered);
  counter('wharf_amqp_queue_redelivered_total', 'Deliveries from an AMQP queue sent with redelivered=true.', (q) => q.counters.redelivered);
  counter('wharf_amqp_queue_acked_total', 'Deliveries from an AMQP queue acknowledged by the consumer, or sent with no-ack.', (q) => q.counters.acked);
}

function queueSamples(broker: Broker): QueueSample[] {
  const samples: QueueSample[] = [];
  for (const vhostName of broker.amqp.vhostNames()) {
    const vhost = broker.amqp.vhost(vhostName);
    if (vhost === undefined) continue;
    for (const queue of vhost.queues()) {
      if (samples.length >= METRICS_SERIES_PER_METRIC_MAX) return samples;
      samples.push({ vhost: vhostName, queue });
    }
  }
  return samples;
}
