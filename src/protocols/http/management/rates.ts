// Message rates for the management API: every 5 s the sampler reads the traffic counters kept on
// the model objects (queue.counters, topic.counters[p]) and keeps, per object, the counts it saw
// and the rate since the sample before. One pass over the queues and partitions per interval and
// nothing on the data path, so it stays cheap with tens of thousands of queues. A deleted queue or
// topic drops out at the next sample; its counts are folded into the broker-wide totals so that
// those never go backwards.
import type { Broker } from '../../../broker/broker.js';
import type { PartitionCounters, QueueCounters } from '../../../broker/traffic-counters.js';

export const SAMPLE_INTERVAL_MS = 5_000;

export interface QueueRates {
  publish: number;
  deliverGet: number;
  redeliver: number;
  ack: number;
}

export interface PartitionRates {
  recordsIn: number;
  bytesIn: number;
  recordsOut: number;
  bytesOut: number;
}

const ZERO_QUEUE: Readonly<QueueRates> = Object.freeze({ publish: 0, deliverGet: 0, redeliver: 0, ack: 0 });
const ZERO_PARTITION: Readonly<PartitionRates> = Object.freeze({ recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 });

interface QueueSeen {
  published: number;
  delivered: number;
  redelivered: number;
  acked: number;
  rates: QueueRates;
}

interface PartitionSeen {
  recordsIn: number;
  bytesIn: number;
  recordsOut: number;
  bytesOut: number;
  rates: PartitionRates;
}

export class RateSampler {
  private readonly broker: Broker;
  private readonly nowMs: () => number;
  private queues = new Map<QueueCounters, QueueSeen>();
  private partitions = new Map<PartitionCounters, PartitionSeen>();
  private lastSampleMs = -1;
  private timer: NodeJS.Timeout | null = null;
  /** Counts of objects deleted since the broker started, as last sampled. */
  private readonly retiredQueue: QueueRates = { publish: 0, deliverGet: 0, redeliver: 0, ack: 0 };
  private readonly retiredPartition: PartitionRates = { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 };
  private queueRateTotal: QueueRates = { ...ZERO_QUEUE };
  private partitionRateTotal: PartitionRates = { ...ZERO_PARTITION };

  constructor(broker: Broker, nowMs: () => number = Date.now) {
    this.broker = broker;
    this.nowMs = nowMs;
  }

  start(intervalMs = SAMPLE_INTERVAL_MS): void {
    if (this.timer !== null) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over every queue and partition (the timer calls it; tests may too). */
  sample(): void {
    const now = this.nowMs();
    const seconds = this.lastSampleMs < 0 ? 0 : Math.max(0.001, (now - this.lastSampleMs) / 1000);
    this.lastSampleMs = now;
    this.sampleQueues(seconds);
    this.samplePartitions(seconds);
  }

  queueRates(counters: QueueCounters): Readonly<QueueRates> {
    return this.queues.get(counters)?.rates ?? ZERO_QUEUE;
  }

  partitionRates(counters: PartitionCounters): Readonly<PartitionRates> {
    return this.partitions.get(counters)?.rates ?? ZERO_PARTITION;
  }

  /** Broker-wide AMQP rates: the sum of every queue's at the last sample. */
  queueRateTotals(): Readonly<QueueRates> {
    return this.queueRateTotal;
  }

  partitionRateTotals(): Readonly<PartitionRates> {
    return this.partitionRateTotal;
  }

  /** Broker-wide AMQP counts now: the live queues' counters plus those of queues deleted before the last sample. */
  queueCountTotals(): QueueRates {
    const out = { ...this.retiredQueue };
    for (const vhostName of this.broker.amqp.vhostNames()) {
      for (const queue of this.broker.amqp.vhost(vhostName)?.queues() ?? []) {
        const c = queue.counters;
        out.publish += c.published;
        out.deliverGet += c.delivered;
        out.redeliver += c.redelivered;
        out.ack += c.acked;
      }
    }
    return out;
  }

  partitionCountTotals(): PartitionRates {
    const out = { ...this.retiredPartition };
    for (const topic of this.broker.topics.list()) {
      for (const c of topic.counters) {
        out.recordsIn += c.recordsIn;
        out.bytesIn += c.bytesIn;
        out.recordsOut += c.recordsOut;
        out.bytesOut += c.bytesOut;
      }
    }
    return out;
  }

  private sampleQueues(seconds: number): void {
    const previous = this.queues;
    const next = new Map<QueueCounters, QueueSeen>();
    const total: QueueRates = { publish: 0, deliverGet: 0, redeliver: 0, ack: 0 };
    for (const vhostName of this.broker.amqp.vhostNames()) {
      for (const queue of this.broker.amqp.vhost(vhostName)?.queues() ?? []) {
        const c = queue.counters;
        const before = previous.get(c);
        const rates: QueueRates = seconds === 0 ? { ...ZERO_QUEUE } : {
          publish: (c.published - (before?.published ?? 0)) / seconds,
          deliverGet: (c.delivered - (before?.delivered ?? 0)) / seconds,
          redeliver: (c.redelivered - (before?.redelivered ?? 0)) / seconds,
          ack: (c.acked - (before?.acked ?? 0)) / seconds,
        };
        next.set(c, { published: c.published, delivered: c.delivered, redelivered: c.redelivered, acked: c.acked, rates });
        total.publish += rates.publish;
        total.deliverGet += rates.deliverGet;
        total.redeliver += rates.redeliver;
        total.ack += rates.ack;
      }
    }
    for (const [c, seen] of previous) {
      if (next.has(c)) continue;
      this.retiredQueue.publish += seen.published;
      this.retiredQueue.deliverGet += seen.delivered;
      this.retiredQueue.redeliver += seen.redelivered;
      this.retiredQueue.ack += seen.acked;
    }
    this.queues = next;
    this.queueRateTotal = total;
  }

  private samplePartitions(seconds: number): void {
    const previous = this.partitions;
    const next = new Map<PartitionCounters, PartitionSeen>();
    const total: PartitionRates = { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 };
    for (const topic of this.broker.topics.list()) {
      for (const c of topic.counters) {
        const before = previous.get(c);
        const rates: PartitionRates = seconds === 0 ? { ...ZERO_PARTITION } : {
          recordsIn: (c.recordsIn - (before?.recordsIn ?? 0)) / seconds,
          bytesIn: (c.bytesIn - (before?.bytesIn ?? 0)) / seconds,
          recordsOut: (c.recordsOut - (before?.recordsOut ?? 0)) / seconds,
          bytesOut: (c.bytesOut - (before?.bytesOut ?? 0)) / seconds,
        };
        next.set(c, { recordsIn: c.recordsIn, bytesIn: c.bytesIn, recordsOut: c.recordsOut, bytesOut: c.bytesOut, rates });
        total.recordsIn += rates.recordsIn;
        total.bytesIn += rates.bytesIn;
        total.recordsOut += rates.recordsOut;
        total.bytesOut += rates.bytesOut;
      }
    }
    for (const [c, seen] of previous) {
      if (next.has(c)) continue;
      this.retiredPartition.recordsIn += seen.recordsIn;
      this.retiredPartition.bytesIn += seen.bytesIn;
      this.retiredPartition.recordsOut += seen.recordsOut;
      this.retiredPartition.bytesOut += seen.bytesOut;
    }
    this.partitions = next;
    this.partitionRateTotal = total;
  }
}

/** Rounded for JSON: rates to two decimals. */
export function rate(v: number): { rate: number } {
  return { rate: Math.round(v * 100) / 100 };
}
