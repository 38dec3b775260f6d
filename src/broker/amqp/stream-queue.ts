// An AMQP stream queue (x-queue-type: stream) with RabbitMQ's semantics over AMQP 0-9-1: an
// append-only log read non-destructively. Every consumer has its own position (x-stream-offset on
// basic.consume), must use manual acks and a prefetch, and its acks only return credit; nack or
// reject with requeue change nothing in the log. Records go by retention (x-max-age,
// x-max-length-bytes, segment size), never by consumption. basic.get and queue.purge are refused
// as RabbitMQ refuses them. In vhost '/' the log is partition 0 of the Kafka topic of the same
// name (stream-storage.ts), so Kafka producers and consumers share it.
import type { Logger } from 'pino';
import { tableGet } from '../../formats/amqp/field-table.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { Record as KafkaRecord, RecordBatch } from '../../records/index.js';
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import { countBatchesOut, QueueCounters } from '../traffic-counters.js';
import { resourceText } from './equivalence.js';
import type { AmqpQueue, ConsumeOptions, ModelQueueDefinition, ModelQueueHooks, QueueDeclareFlags } from './model-queue.js';
import { StreamAppender } from './stream-appender.js';
import { parseStreamArguments, parseStreamDeclare, type StreamArguments } from './stream-arguments.js';
import { StreamReader, type StreamReaderHost } from './stream-consumer.js';
import { streamEntry } from './stream-delivery.js';
import { parseStreamOffset } from './stream-offset.js';
import type { StreamLog, StreamStorage } from './stream-storage.js';
import type { Message, QueueConsumer, QueueEntry, QueueRef } from './types.js';

export interface StreamQueueDeps {
  storage: StreamStorage;
  logger: Logger;
  nowMs(): number;
}

export class StreamQueue implements AmqpQueue, StreamReaderHost {
  readonly definition: ModelQueueDefinition;
  readonly name: string;
  readonly args: StreamArguments;
  readonly counters = new QueueCounters();
  readonly ref: QueueRef = this;
  private readonly hooks: ModelQueueHooks<StreamQueue>;
  private readonly deps: StreamQueueDeps;
  private readonly stream: StreamLog;
  private readonly appender: StreamAppender;
  private readonly readers = new Map<QueueConsumer, StreamReader>();
  private unacked = 0;
  private state: 'open' | 'closed' | 'deleted' = 'open';
  private readonly where: string;
  private dispatchScheduled = false;

  private constructor(def: ModelQueueDefinition, args: StreamArguments, hooks: ModelQueueHooks<StreamQueue>, deps: StreamQueueDeps, stream: StreamLog) {
    this.definition = def;
    this.name = def.name;
    this.args = args;
    this.hooks = hooks;
    this.deps = deps;
    this.stream = stream;
    this.where = resourceText('queue', def.name, def.vhost);
    this.appender = new StreamAppender(stream, deps.logger, deps.nowMs);
  }

  /** The declare-time checks of a new stream (flags, arguments, its name as a topic); throws PRECONDITION_FAILED. */
  static validateDeclare(storage: StreamStorage | null, args: ModelQueueDefinition['arguments'], vhost: string, name: string, flags: QueueDeclareFlags): void {
    parseStreamDeclare(args, flags, vhost, name);
    if (storage === null) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `cannot declare stream ${resourceText('queue', name, vhost)}: this broker model has no log storage for streams`);
    }
    storage.check(vhost, name);
  }

  /** Opens a stream: `isNew` for a declare (creates or attaches the topic), false for a restored definition. */
  static async open(def: ModelQueueDefinition, hooks: ModelQueueHooks<StreamQueue>, deps: StreamQueueDeps, isNew: boolean): Promise<StreamQueue> {
    const args = parseStreamArguments(def.arguments, def.vhost, def.name);
    let queue: StreamQueue | null = null;
    const stream = await deps.storage.open(def, args, isNew, () => queue?.storageGone());
    queue = new StreamQueue(def, args, hooks, deps, stream);
    return queue;
  }

  get log(): PartitionLog {
    return this.stream.log;
  }

  /** Records in the stream (high watermark minus log start): RabbitMQ reports a stream's length as its message count. */
  get messageCount(): number {
    const log = this.stream.log;
    return this.state === 'open' ? log.highWatermark - log.logStartOffset : 0;
  }

  get unackedCount(): number {
    return this.unacked;
  }

  get consumerCount(): number {
    return this.readers.size;
  }

  /** Bytes of the log on disk. */
  get messageBytes(): number {
    return this.state === 'open' ? this.stream.log.sizeBytes : 0;
  }

  get activeConsumer(): QueueConsumer | null {
    return null;
  }

  /** Appends the message (every message, persistent or not, as RabbitMQ streams store all); `stored` settles when it is durable. */
  enqueue(message: Message): { accepted: boolean; stored: Promise<void> | undefined } {
    if (this.state !== 'open') return { accepted: true, stored: undefined };
    let stored: Promise<void>;
    try {
      stored = this.appender.add(message);
    } catch (err) {
      this.deps.logger.warn({ err, queue: this.name }, 'a message could not be mapped to a stream record; it was refused');
      return { accepted: false, stored: undefined };
    }
    this.counters.published++;
    return { accepted: true, stored };
  }

  touch(): void {}

  /** RabbitMQ: "queue.purge not supported by stream queues". */
  purge(): number {
    throw brokerError(BrokerErrorCode.NOT_IMPLEMENTED, `queue.purge not supported by stream queues ${this.where}; records leave a stream by retention (x-max-age, x-max-length-bytes)`);
  }

  /** RabbitMQ: "basic.get not supported by stream queues". */
  get(_ackRequired: boolean): QueueEntry | null {
    throw brokerError(BrokerErrorCode.NOT_IMPLEMENTED, `basic.get not supported by stream queues ${this.where}; consume it with basic.consume, a prefetch and manual acks`);
  }

  /**
   * Starts a reader at x-stream-offset. A basic.consume without a prefetch, with no-ack, or on a
   * channel with a global prefetch is refused with RabbitMQ's reply (406, 406 and 540). A
   * consumer without options (an HTTP/WebSocket subscription) starts at `next` and is paced by its own credit.
   */
  addConsumer(c: QueueConsumer, options?: ConsumeOptions): void {
    if (this.state !== 'open') throw brokerError(BrokerErrorCode.NOT_FOUND, `no ${this.where}`);
    if (options !== undefined) {
      if (options.prefetch === 0 || !c.ackRequired) {
        throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `consumer prefetch count is not set for stream ${this.where}; call basic.qos with a prefetch count > 0 and consume with manual acknowledgements`);
      }
      if (options.globalPrefetch > 0) {
        throw brokerError(BrokerErrorCode.NOT_IMPLEMENTED, `${this.where} does not support global qos; use basic.qos with global=false`);
      }
    }
    if (c.exclusive ? this.readers.size > 0 : [...this.readers.keys()].some((r) => r.exclusive)) {
      throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `${this.where} in exclusive use`);
    }
    const start = parseStreamOffset(tableGet(options?.arguments, 'x-stream-offset'), this.deps.nowMs(), this.where);
    const reader = new StreamReader(this, c, start);
    this.readers.set(c, reader);
    this.scheduleDispatch();
  }

  removeConsumer(c: QueueConsumer): void {
    const reader = this.readers.get(c);
    if (reader === undefined) return;
    this.readers.delete(c);
    reader.close();
  }

  /** Consumers with credit read on; safe to call from inside a deliver. */
  dispatch(): void {
    if (this.state !== 'open') return;
    for (const reader of this.readers.values()) reader.pump();
  }

  /** An ack only gives credit back (the channel's); nothing leaves the stream. */
  ack(_entry: QueueEntry): void {
    this.settled(1);
    this.counters.acked++;
  }

  /** nack/reject with requeue: credit back, no redelivery (RabbitMQ's streams settle them like acks). */
  requeue(entries: readonly QueueEntry[]): void {
    this.settled(entries.length);
  }

  reject(_entry: QueueEntry): void {
    this.settled(1);
  }

  /** Deletes the stream's records (its Kafka topic in vhost '/'), after cancelling its consumers. */
  async delete(): Promise<void> {
    if (this.state === 'deleted') return;
    const wasOpen = this.state === 'open';
    this.state = 'deleted';
    this.cancelConsumers();
    if (!wasOpen) return;
    this.appender.flush();
    await this.appender.whenAppended();
    await this.deps.storage.delete(this.definition, this.stream);
  }

  /** Clean shutdown: pending appends are written; the log itself is closed by the log manager. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closed';
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
    this.deps.storage.forget(this.definition, this.stream);
    this.appender.flush();
    await this.appender.whenAppended();
  }

  /** Resolves once every message enqueued so far was appended (or failed to be). */
  whenStored(): Promise<void> {
    this.appender.flush();
    return this.appender.whenAppended();
  }

  // ---- StreamReaderHost ----

  entryFor(batch: RecordBatch, record: KafkaRecord, offset: number): QueueEntry {
    return streamEntry(batch, record, offset);
  }

  delivered(): void {
    this.unacked++;
    this.counters.delivered++;
  }

  /** A topic partition counts what its readers read, as the Kafka Fetch and WebSocket readers do. */
  readBatches(bytes: Buffer): void {
    if (this.stream.counters !== null) countBatchesOut(this.stream.counters, bytes);
  }

  readFailed(reader: StreamReader, err: unknown): void {
    if (this.state !== 'open' || this.readers.get(reader.consumer) !== reader) return;
    this.deps.logger.error({ err, queue: this.name, vhost: this.definition.vhost, offset: reader.position }, 'reading a stream queue failed; its consumer is cancelled');
    this.readers.delete(reader.consumer);
    reader.close();
    cancel(reader.consumer, this.deps.logger, this.name);
  }

  // ---- internals ----

  /** The Kafka topic was deleted: consumers are cancelled and the vhost forgets the queue. */
  private storageGone(): void {
    if (this.state !== 'open') return;
    this.state = 'deleted';
    this.cancelConsumers();
    this.hooks.onStorageGone?.(this);
  }

  private cancelConsumers(): void {
    const readers = [...this.readers.values()];
    this.readers.clear();
    for (const reader of readers) {
      reader.close();
      cancel(reader.consumer, this.deps.logger, this.name);
    }
  }

  private settled(n: number): void {
    this.unacked = Math.max(0, this.unacked - n);
  }

  private readonly dispatchTask = (): void => {
    this.dispatchScheduled = false;
    this.dispatch();
  };

  /** In a microtask, so that basic.consume-ok goes out before the first delivery. */
  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    queueMicrotask(this.dispatchTask);
  }
}

function cancel(c: QueueConsumer, logger: Logger, queue: string): void {
  try {
    c.cancelledByServer();
  } catch (err) {
    logger.error({ err, queue }, 'a consumer failed to handle the cancellation of a stream queue');
  }
}
