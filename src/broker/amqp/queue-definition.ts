// What a queue is told when it is created: its definition (as stored by the vhost), the hooks
// through which it asks its vhost to act, and its dependencies (wired by the server).
import type { Logger } from 'pino';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import type { FieldTable } from '../../formats/amqp/field-types.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { TimerDriver } from '../groups/deadline-queue.js';
import type { Queue } from './queue.js';
import type { Message } from './types.js';

export interface QueueDefinition {
  vhost: string;
  name: string;
  /** Stable id, names the log `~q.<id>` and the ack state; -1 for a non-durable queue. */
  id: number;
  durable: boolean;
  /** Owning connection of an exclusive queue, -1 when not exclusive. */
  exclusiveConnectionId: number;
  autoDelete: boolean;
  arguments: FieldTable;
}

export interface QueueHooks {
  /** Route a dead-lettered message (built by the queue: x-death etc.). */
  deadLetter(exchange: string, routingKey: string, message: Message): void;
  /** x-expires elapsed while the queue was unused: the vhost deletes it. */
  onExpired(queue: Queue): void;
  /** An auto-delete queue lost its last consumer (it had at least one): the vhost deletes it. */
  onAutoDelete(queue: Queue): void;
}

export interface QueueDeps {
  nowMs(): number;
  logger: Logger;
  /** Opens or creates a (retention-free) log. */
  openLog(name: string): Promise<PartitionLog>;
  deleteLog(name: string): Promise<void>;
  metadata: MetadataStore;
  /** How often a changed ack state is persisted (default 1000). */
  ackStateIntervalMs: number;
  /** Timers for TTL, x-expires and ack-state saves; real unref'd timers when absent (tests pass ManualTime's). */
  timers?: TimerDriver;
}
