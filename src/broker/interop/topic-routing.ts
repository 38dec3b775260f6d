// Exchanges routing into Kafka topics (docs/interop.md): a publish that reaches a topic binding
// becomes a record (the mapping of message-to-record.ts), goes to the partition Kafka's default
// partitioner picks for the routing key or the chosen header (murmur2, as the Java client and
// kafkajs do, so AMQP and Kafka producers of one key meet in one partition), and is appended with
// the other records of this turn of the event loop for that partition as one RecordBatch v2. The
// publish's `stored` promise settles once that append is durable under the flush policy.
import type { Logger } from 'pino';
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { murmur2, toPositive } from '../../util/murmur2.js';
import { createRecord, createRecordBatch, encodeRecordBatch, recordBytes, type Record as KafkaRecord, type RecordHeader } from '../../records/index.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { produceToPartition } from '../topic-data.js';
import type { Topic, TopicRegistry } from '../topics.js';
import { messageToRecord, type AmqpMessageParts, type MappedRecord } from './message-to-record.js';
import { optionsIdentity, topicBindingOptions, type TopicBindingOptions } from './topic-binding.js';

/** Batches stay below this and the topic's max.message.bytes. */
const BATCH_BYTES_TARGET = 1024 * 1024;
/** RecordBatch v2 header bytes before the records. */
const BATCH_OVERHEAD_BYTES = 61;

/** A topic as a routing target of one vhost; shared by that vhost's bindings with the same rules. */
export class TopicTarget {
  readonly kind = 'topic' as const;
  readonly vhost: string;
  readonly topic: string;
  readonly options: TopicBindingOptions;
  routeMark = 0;
  /** A message to the missing topic was dropped and logged; cleared once the topic exists again. */
  droppedLogged = false;

  constructor(vhost: string, topic: string, options: TopicBindingOptions) {
    this.vhost = vhost;
    this.topic = topic;
    this.options = options;
  }
}

/** One partition's records of this turn and the promise their publishers wait on. */
interface PendingPartition {
  readonly topic: string;
  readonly partition: number;
  readonly records: MappedRecord[];
  readonly stored: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function noop(): void {}

export class TopicRouting {
  private readonly topics: TopicRegistry;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private readonly targets = new Map<string, TopicTarget>();
  private pending = new Map<string, PendingPartition>();
  private readonly nextPartition = new WeakMap<Topic, number>();
  private appendsSettled: Promise<void> = Promise.resolve();
  private readonly flushBound = (): void => this.flush();

  constructor(topics: TopicRegistry, logger: Logger, nowMs: () => number) {
    this.topics = topics;
    this.logger = logger;
    this.nowMs = nowMs;
  }

  /** The target for a binding of `vhost` to `topic`; PRECONDITION_FAILED for invalid binding arguments. */
  target(vhost: string, topic: string, args: FieldTable): TopicTarget {
    const options = topicBindingOptions(args);
    const id = `${vhost}\u0000${topic}\u0000${optionsIdentity(options)}`;
    let t = this.targets.get(id);
    if (t === undefined) {
      t = new TopicTarget(vhost, topic, options);
      this.targets.set(id, t);
    }
    return t;
  }

  /** NOT_FOUND unless the topic exists (a binding is made only to an existing topic). */
  assertExists(topic: string, vhost: string): void {
    if (this.topics.get(topic) !== undefined) return;
    throw brokerError(BrokerErrorCode.NOT_FOUND, `no Kafka topic '${topic}' to bind to (binding argument x-destination-type=topic, vhost '${vhost}'); create the topic first, e.g. \`wharf topics create ${topic}\`, or bind a queue without x-destination-type`);
  }

  /**
   * Queues `message` as a record for each target's topic; returns the promise that settles when
   * all are durable, or undefined when no target's topic exists (the message is dropped for them).
   */
  publish(targets: readonly TopicTarget[], message: AmqpMessageParts): Promise<void> | undefined {
    let stored: Promise<void> | undefined;
    let several: Promise<void>[] | undefined;
    for (let i = 0; i < targets.length; i++) {
      const s = this.add(targets[i] as TopicTarget, message);
      if (s === undefined) continue;
      if (stored === undefined) stored = s;
      else if (s !== stored) (several ??= [stored]).push(s);
    }
    return several === undefined ? stored : Promise.all(several).then(noop);
  }

  private add(target: TopicTarget, message: AmqpMessageParts): Promise<void> | undefined {
    const topic = this.topics.get(target.topic);
    if (topic === undefined || topic.partitions.length === 0) {
      if (!target.droppedLogged) {
        target.droppedLogged = true;
        this.logger.warn({ vhost: target.vhost, topic: target.topic }, 'dropping messages routed to a Kafka topic that no longer exists; recreate the topic or remove the binding');
      }
      return undefined;
    }
    target.droppedLogged = false;
    const record = messageToRecord(message, this.nowMs(), target.options.recordKey);
    const partition = this.partitionFor(topic, target, message.routingKey, record);
    const id = `${topic.name}\u0000${partition}`;
    let p = this.pending.get(id);
    if (p === undefined) {
      if (this.pending.size === 0) queueMicrotask(this.flushBound);
      p = pendingPartition(topic.name, partition);
      this.pending.set(id, p);
    }
    p.records.push(record);
    return p.stored;
  }

  private partitionFor(topic: Topic, target: TopicTarget, routingKey: string, record: MappedRecord): number {
    const count = topic.partitions.length;
    const by = target.options.partitionBy;
    let key: Buffer | null;
    if (by === 'routing-key') key = routingKey === '' ? null : Buffer.from(routingKey, 'utf8');
    else key = headerValue(record.headers, by.header);
    if (key !== null) return toPositive(murmur2(key)) % count;
    // No key: round-robin, as Kafka's partitioner does for keyless records.
    const next = this.nextPartition.get(topic) ?? 0;
    this.nextPartition.set(topic, next + 1 >= count ? 0 : next + 1);
    return next % count;
  }

  /** Settles once every append issued so far has settled (the broker waits for it before closing the logs). Never rejects. */
  settled(): Promise<void> {
    this.flush();
    return this.appendsSettled;
  }

  /** Appends this turn's records, one call per batch, in publish order per partition. */
  private flush(): void {
    const pending = this.pending;
    this.pending = new Map();
    for (const p of pending.values()) {
      let appended: Promise<unknown>;
      try {
        const topic = this.topics.get(p.topic);
        const max = topic === undefined ? BATCH_BYTES_TARGET : Math.min(BATCH_BYTES_TARGET, this.topics.maxMessageBytes(topic));
        appended = Promise.all(encodeBatches(p.records, max).map((batch) => produceToPartition(this.topics, p.topic, p.partition, batch)));
      } catch (err) {
        appended = Promise.reject(err);
      }
      const done = appended.then(() => p.resolve(), (err: unknown) => {
        this.logger.error({ err, topic: p.topic, partition: p.partition }, 'appending messages routed from an exchange to a Kafka topic failed; their publishers get nacks');
        p.reject(err);
      });
      this.appendsSettled = this.appendsSettled.then(() => done);
    }
  }
}

function pendingPartition(topic: string, partition: number): PendingPartition {
  let resolve: () => void = noop;
  let reject: (err: unknown) => void = noop;
  const stored = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A publisher without confirms never looks at `stored`; a failure is logged in flush.
  stored.catch(noop);
  return { topic, partition, records: [], stored, resolve, reject };
}

/** The first value of a header of the record (the headers table's entries come first). */
function headerValue(headers: readonly RecordHeader[], name: string): Buffer | null {
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as RecordHeader;
    if (h.key === name) return h.value;
  }
  return null;
}

/** Records as RecordBatch v2 (CreateTime) batches of at most `bytesMax` each (a larger single record gets its own). */
function encodeBatches(records: readonly MappedRecord[], bytesMax: number): Buffer[] {
  const out: Buffer[] = [];
  let batch: KafkaRecord[] = [];
  let bytes = BATCH_OVERHEAD_BYTES;
  let baseTimestamp = 0;
  let maxTimestamp = 0;
  for (const r of records) {
    if (batch.length === 0) {
      baseTimestamp = r.timestampMs;
      maxTimestamp = r.timestampMs;
    }
    const record = createRecord({ timestampDelta: r.timestampMs - baseTimestamp, offsetDelta: batch.length, key: r.key, value: r.value, headers: r.headers });
    const size = recordBytes(record);
    if (batch.length > 0 && bytes + size > bytesMax) {
      out.push(encodeRecordBatch(createRecordBatch({ baseTimestamp, maxTimestamp, records: batch })));
      batch = [];
      bytes = BATCH_OVERHEAD_BYTES;
      baseTimestamp = r.timestampMs;
      maxTimestamp = r.timestampMs;
      record.timestampDelta = 0;
      record.offsetDelta = 0;
    }
    batch.push(record);
    bytes += size;
    if (r.timestampMs > maxTimestamp) maxTimestamp = r.timestampMs;
  }
  if (batch.length > 0) out.push(encodeRecordBatch(createRecordBatch({ baseTimestamp, maxTimestamp, records: batch })));
  return out;
}
