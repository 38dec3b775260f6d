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

/** Which counter field each rate is taken from. */
const QUEUE_FIELDS = { publish: 'published', deliverGet: 'delivered', redeliver: 'redelivered', ack: 'acked' } as const;
const PARTITION_FIELDS = { recordsIn: 'recordsIn', bytesIn: 'bytesIn', recordsOut: 'recordsOut', bytesOut: 'bytesOut' } as const;

/** The counts an object had at the last sample (named like its rates), and its rates then. */
interface Seen<R> {
  counts: R;
  rates: R;
}

type QueueSeen = Seen<QueueRates>;
type PartitionSeen = Seen<PartitionRates>;

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
    return countTotals(this.queueCounters(), QUEUE_FIELDS, this.retiredQueue);
  }

  partitionCountTotals(): PartitionRates {
    return countTotals(this.partitionCounters(), PARTITION_FIELDS, this.retiredPartition);
  }

  private *queueCounters(): Generator<QueueCounters> {
    for (const vhostName of this.broker.amqp.vhostNames()) {
      for (const queue of this.broker.amqp.vhost(vhostName)?.queues() ?? []) yield queue.counters;
    }
  }

  private *partitionCounters(): Generator<PartitionCounters> {
    for (const topic of this.broker.topics.list()) yield* topic.counters;
  }

  private sampleQueues(seconds: number): void {
    const { next, total } = sampleRates(this.queueCounters(), QUEUE_FIELDS, this.queues, seconds, ZERO_QUEUE, this.retiredQueue);
    this.queues = next;
    this.queueRateTotal = total;
  }

  private samplePartitions(seconds: number): void {
    const { next, total } = sampleRates(this.partitionCounters(), PARTITION_FIELDS, this.partitions, seconds, ZERO_PARTITION, this.retiredPartition);
    this.partitions = next;
    this.partitionRateTotal = total;
  }
}

/**
 * One sample of a kind of object: per live object its counts and its rate since `previous`
 * (zero on the first sample), the sum of those rates, and the counts of objects gone since
 * `previous` folded into `retired`. `fields` names the counter field of each rate.
 */
function sampleRates<K extends string, F extends string, C extends Readonly<Record<F, number>>>(
  counters: Iterable<C>,
  fields: Readonly<Record<K, F>>,
  previous: ReadonlyMap<C, Seen<Record<K, number>>>,
  seconds: number,
  zero: Readonly<Record<K, number>>,
  retired: Record<K, number>,
): { next: Map<C, Seen<Record<K, number>>>; total: Record<K, number> } {
  const keys = Object.keys(fields) as K[];
  const next = new Map<C, Seen<Record<K, number>>>();
  const total: Record<K, number> = { ...zero };
  for (const c of counters) {
    const before = previous.get(c);
    const counts: Record<K, number> = { ...zero };
    const rates: Record<K, number> = { ...zero };
    for (const k of keys) {
      counts[k] = c[fields[k]];
      if (seconds !== 0) rates[k] = (counts[k] - (before?.counts[k] ?? 0)) / seconds;
      total[k] += rates[k];
    }
    next.set(c, { counts, rates });
  }
  for (const [c, seen] of previous) {
    if (next.has(c)) continue;
    for (const k of keys) retired[k] += seen.counts[k];
  }
  return { next, total };
}

/** The counters' current counts (`fields` names the counter field of each) summed, plus `retired`. */
function countTotals<K extends string, F extends string, C extends Readonly<Record<F, number>>>(
  counters: Iterable<C>,
  fields: Readonly<Record<K, F>>,
  retired: Readonly<Record<K, number>>,
): Record<K, number> {
  const keys = Object.keys(fields) as K[];
  const out: Record<K, number> = { ...retired };
  for (const c of counters) {
    for (const k of keys) out[k] += c[fields[k]];
  }
  return out;
}

/** Rounded for JSON: rates to two decimals. */
export function rate(v: number): { rate: number } {
  return { rate: Math.round(v * 100) / 100 };
}
