// What the vhost model needs of a queue, and how it creates one. The real Queue (queue.ts)
// satisfies ModelQueue; tests of routing use a small double. Keeping the model generic over the
// queue class lets it be tested without storage.
import type { FieldTable } from '../../formats/amqp/field-types.js';
import type { QueueCounters } from '../traffic-counters.js';
import type { QueueType } from './queue-arguments.js';
import type { Message, QueueConsumer, QueueEntry, QueueRef } from './types.js';

export interface ModelQueueDefinition {
  readonly vhost: string;
  readonly name: string;
  /** Stable id of a durable queue (its log's name); -1 for a non-durable one. */
  readonly id: number;
  readonly durable: boolean;
  /** Owning connection of an exclusive queue; -1 if not exclusive. */
  readonly exclusiveConnectionId: number;
  readonly autoDelete: boolean;
  readonly arguments: FieldTable;
}

export interface ModelQueue {
  readonly definition: ModelQueueDefinition;
  readonly messageCount: number;
  readonly consumerCount: number;
  enqueue(message: Message): { accepted: boolean; stored: Promise<void> | undefined };
  /** A use that restarts the x-expires timer (redeclare, passive declare). */
  touch(): void;
  purge(): number;
  /** Cancels consumers and removes storage. */
  delete(): Promise<void>;
  /** Clean shutdown, storage kept. */
  close(): Promise<void>;
}

/** What basic.consume tells a queue beyond the consumer itself (stream queues need it; classic queues ignore it). */
export interface ConsumeOptions {
  /** The basic.consume arguments (x-stream-offset, x-priority, …). */
  readonly arguments: FieldTable;
  /** The channel's per-consumer prefetch (basic.qos global=false); 0 when unset. */
  readonly prefetch: number;
  /** The channel's global prefetch (basic.qos global=true); 0 when unset. */
  readonly globalPrefetch: number;
}

/**
 * A queue as the protocols use it: a classic Queue (queue.ts) or a StreamQueue (stream-queue.ts).
 * Channels, the HTTP gateway and metrics hold this type, so either kind can be consumed from.
 */
export interface AmqpQueue extends ModelQueue, QueueRef {
  /** The parsed arguments; `queueType` says which kind of queue this is. */
  readonly args: { readonly queueType: QueueType };
  readonly unackedCount: number;
  /** Bytes held: ready bodies of a classic queue, the log's size for a stream. */
  readonly messageBytes: number;
  readonly counters: QueueCounters;
  /** The consumer receiving under x-single-active-consumer, null otherwise. */
  readonly activeConsumer: QueueConsumer | null;
  /** Throws the error basic.consume must answer with (exclusive use, stream consumer without prefetch, …). */
  addConsumer(c: QueueConsumer, options?: ConsumeOptions): void;
  removeConsumer(c: QueueConsumer): void;
  /** basic.get; null when empty. A stream queue refuses it (NOT_IMPLEMENTED), as RabbitMQ does. */
  get(ackRequired: boolean): QueueEntry | null;
}

/** What a queue asks of its vhost. */
export interface ModelQueueHooks<Q> {
  /** Route a dead-lettered message from inside the vhost (no mandatory; dropped when the DLX is missing). */
  deadLetter(exchange: string, routingKey: string, message: Message): void;
  /** x-expires elapsed without use: the vhost deletes the queue. */
  onExpired(queue: Q): void;
  /** An auto-delete queue lost its last consumer: the vhost deletes the queue. */
  onAutoDelete(queue: Q): void;
  /** The queue's storage went away outside AMQP (a stream's Kafka topic was deleted): the vhost forgets the queue. */
  onStorageGone?(queue: Q): void;
}

export interface QueueDeclareFlags {
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
}

export interface QueueFactory<Q extends ModelQueue> {
  /**
   * Throws the argument error a declare must answer with (PRECONDITION_FAILED / INVALID_ARGUMENT).
   * `flags` are the declare's own (a stream queue refuses non-durable, exclusive and auto-delete).
   */
  validateArguments(args: FieldTable, vhost: string, name: string, flags: QueueDeclareFlags): void;
  /** `restored`: the definition comes from the stored definitions at startup, not from a declare. */
  open(definition: ModelQueueDefinition, hooks: ModelQueueHooks<Q>, restored?: boolean): Promise<Q>;
}
