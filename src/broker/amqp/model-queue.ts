// What the vhost model needs of a queue, and how it creates one. The real Queue (queue.ts)
// satisfies ModelQueue; tests of routing use a small double. Keeping the model generic over the
// queue class lets it be tested without storage.
import type { FieldTable } from '../../formats/amqp/field-types.js';
import type { Message } from './types.js';

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

/** What a queue asks of its vhost. */
export interface ModelQueueHooks<Q> {
  /** Route a dead-lettered message from inside the vhost (no mandatory; dropped when the DLX is missing). */
  deadLetter(exchange: string, routingKey: string, message: Message): void;
  /** x-expires elapsed without use: the vhost deletes the queue. */
  onExpired(queue: Q): void;
  /** An auto-delete queue lost its last consumer: the vhost deletes the queue. */
  onAutoDelete(queue: Q): void;
}

export interface QueueFactory<Q extends ModelQueue> {
  /** Throws the argument error a declare must answer with (PRECONDITION_FAILED / INVALID_ARGUMENT). */
  validateArguments(args: FieldTable, vhost: string, name: string): void;
  open(definition: ModelQueueDefinition, hooks: ModelQueueHooks<Q>): Promise<Q>;
}
