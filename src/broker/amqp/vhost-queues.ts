// Queue declare, lookup and delete with RabbitMQ's rules (rabbit_channel queue.declare/delete,
// rabbit_amqqueue:assert_equivalence and check_exclusive_access). Opening a queue is
// asynchronous (a durable queue opens its log), so a declare in progress is remembered by name
// and a concurrent declare of the same name waits for it instead of creating a second queue.
import type { Logger } from 'pino';
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import type { QueueTarget } from './bindings.js';
import { assertArgsEquivalence, assertFieldEquivalence, resourceText } from './equivalence.js';
import type { ModelQueue, ModelQueueDefinition, ModelQueueHooks, QueueFactory } from './model-queue.js';
import { checkNotReserved, serverNamedQueue } from './names.js';
import type { VhostPersistence } from './vhost.js';
import type { VhostTopology } from './vhost-topology.js';

export interface QueueDeclare {
  /** '' asks for a server-named queue (amq.gen-…). */
  name: string;
  passive: boolean;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
  connectionId: number;
}

export interface QueueDeclareResult<Q> {
  queue: Q;
  messageCount: number;
  consumerCount: number;
}

/** The x-arguments RabbitMQ compares when a classic queue is redeclared. */
export const QUEUE_EQUIVALENCE_ARGS: readonly string[] = [
  'x-message-ttl', 'x-expires', 'x-max-length', 'x-max-length-bytes', 'x-overflow', 'x-dead-letter-exchange',
  'x-dead-letter-routing-key', 'x-max-priority', 'x-single-active-consumer', 'x-queue-type',
  // Wharf's partitioned queues (partitioned-queue.ts): a partition stays the partition it was declared as.
  'x-partition-of', 'x-partition-index',
];

interface VhostQueuesDeps<Q extends ModelQueue> {
  queues: QueueFactory<Q>;
  persistence: VhostPersistence;
  logger: Logger;
  hooks: ModelQueueHooks<Q>;
}

function lockedError(name: string, vhost: string): Error {
  return brokerError(BrokerErrorCode.RESOURCE_LOCKED, `cannot obtain exclusive access to locked ${resourceText('queue', name, vhost)}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`);
}

function stats<Q extends ModelQueue>(queue: Q): QueueDeclareResult<Q> {
  return { queue, messageCount: queue.messageCount, consumerCount: queue.consumerCount };
}

function noop(): void {}

export class VhostQueues<Q extends ModelQueue> {
  private readonly vhost: string;
  private readonly topology: VhostTopology<Q>;
  private readonly deps: VhostQueuesDeps<Q>;
  /** Queue name → its declare in progress. */
  private readonly opening = new Map<string, Promise<Q>>();

  constructor(vhost: string, topology: VhostTopology<Q>, deps: VhostQueuesDeps<Q>) {
    this.vhost = vhost;
    this.topology = topology;
    this.deps = deps;
  }

  /** NOT_FOUND, or RESOURCE_LOCKED when exclusive to another connection (the lax check). */
  target(name: string, connectionId: number): QueueTarget<Q> {
    const t = this.topology.queues.get(name);
    if (t === undefined) throw brokerError(BrokerErrorCode.NOT_FOUND, `no ${resourceText('queue', name, this.vhost)}`);
    const owner = t.queue.definition.exclusiveConnectionId;
    if (owner !== -1 && owner !== connectionId) throw lockedError(name, this.vhost);
    return t;
  }

  async declare(o: QueueDeclare): Promise<QueueDeclareResult<Q>> {
    if (o.passive) {
      for (let p = this.opening.get(o.name); p !== undefined; p = this.opening.get(o.name)) await p.then(noop, noop);
      const queue = this.target(o.name, o.connectionId).queue;
      // A passive declare is a use: RabbitMQ's stat restarts the x-expires timer.
      queue.touch();
      return stats(queue);
    }
    if (o.name !== '') checkNotReserved('queue', o.name);
    const name = o.name === '' ? serverNamedQueue() : o.name;
    // Waits only when a declare of this name is in progress; otherwise no await may separate the
    // lookup below from registering this declare, or two declares would both create the queue.
    for (let p = this.opening.get(name); p !== undefined; p = this.opening.get(name)) await p.then(noop, noop);
    const durable = o.durable && !o.exclusive;
    const owner = o.exclusive ? o.connectionId : -1;
    const existing = this.topology.queues.get(name);
    if (existing !== undefined) {
      const def = existing.queue.definition;
      this.assertEquivalent(def, durable, o.autoDelete, o.arguments, owner);
      existing.queue.touch();
      if (def.durable) await this.deps.persistence.settled();
      return stats(existing.queue);
    }
    this.deps.queues.validateArguments(o.arguments, this.vhost, name, { durable: o.durable, exclusive: o.exclusive, autoDelete: o.autoDelete });
    const def: ModelQueueDefinition = {
      vhost: this.vhost,
      name,
      id: durable ? this.deps.persistence.allocateQueueId() : -1,
      durable,
      exclusiveConnectionId: owner,
      autoDelete: o.autoDelete,
      arguments: o.arguments,
    };
    const opening = this.open(def);
    this.opening.set(name, opening);
    try {
      return stats(await opening);
    } finally {
      this.opening.delete(name);
    }
  }

  /** Opens a queue found in the stored definitions at startup. */
  async restore(def: ModelQueueDefinition): Promise<void> {
    this.topology.addQueue(await this.deps.queues.open(def, this.deps.hooks, true));
  }

  async delete(name: string, ifUnused: boolean, ifEmpty: boolean, connectionId: number): Promise<number> {
    for (let p = this.opening.get(name); p !== undefined; p = this.opening.get(name)) await p.then(noop, noop);
    // Deleting a missing queue succeeds with a count of 0 (rabbit_amqqueue:delete_with).
    if (!this.topology.queues.has(name)) return 0;
    const t = this.target(name, connectionId);
    const r = resourceText('queue', name, this.vhost);
    if (ifUnused && t.queue.consumerCount > 0) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `${r} in use`);
    if (ifEmpty && t.queue.messageCount > 0) throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `${r} not empty`);
    const count = t.queue.messageCount;
    await this.remove(t);
    return count;
  }

  /** x-expires or auto-delete fired: delete the queue if it is still the one registered. */
  deleteUnused(queue: Q, reason: 'expired' | 'auto-delete' | 'storage-gone'): void {
    const t = this.topology.queues.get(queue.definition.name);
    if (t === undefined || t.queue !== queue) return;
    this.remove(t).catch((err: unknown) => {
      this.deps.logger.error({ err, vhost: this.vhost, queue: queue.definition.name, reason }, 'deleting an unused queue failed');
    });
  }

  async connectionClosed(connectionId: number): Promise<void> {
    // A queue still opening may be exclusive to this connection: let it register first.
    await Promise.all([...this.opening.values()].map((p) => p.then(noop, noop)));
    for (const name of this.topology.exclusiveQueuesOf(connectionId)) {
      const t = this.topology.queues.get(name);
      if (t !== undefined) await this.remove(t);
    }
  }

  private async open(def: ModelQueueDefinition): Promise<Q> {
    const queue = await this.deps.queues.open(def, this.deps.hooks);
    this.topology.addQueue(queue);
    if (def.durable) await this.deps.persistence.persist();
    return queue;
  }



  /**
   * Storage removal and the definitions write run together. A crash between them leaves either
   * unreferenced files (ids are never reused) or a definition that reopens as an empty queue.
   */
  private async remove(t: QueueTarget<Q>): Promise<void> {
    const changed = this.topology.removeQueue(t);
    const deleting = t.queue.delete();
    if (changed) await Promise.all([this.deps.persistence.persist(), deleting]);
    else await deleting;
  }

  private assertEquivalent(def: ModelQueueDefinition, durable: boolean, autoDelete: boolean, args: FieldTable, owner: number): void {
    // The strict check: the exclusive flag must match too, not only the owner.
    if (def.exclusiveConnectionId !== owner) throw lockedError(def.name, this.vhost);
    const r = resourceText('queue', def.name, this.vhost);
    assertFieldEquivalence(def.durable, durable, r, 'durable');
    assertFieldEquivalence(def.autoDelete, autoDelete, r, 'auto_delete');
    assertArgsEquivalence(def.arguments, args, r, QUEUE_EQUIVALENCE_ARGS);
  }
}
