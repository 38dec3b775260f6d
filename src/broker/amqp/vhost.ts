// A virtual host: the AMQP model's operations (declare, bind, delete, publish) with RabbitMQ's
// rules and texts. The session calls these after decoding a method; nothing here knows frames.
// State changes happen synchronously before the first await, so concurrent channels never see a
// half-made change; durable changes then wait for the definitions document to be durable.
import type { Logger } from 'pino';
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { Binding, type DestinationKind } from './bindings.js';
import { DirectReply } from './direct-reply.js';
import { resourceText } from './equivalence.js';
import { Exchange, type ExchangeSpec } from './exchange.js';
import { checkExchangeType, type RouteTarget } from './exchange-types.js';
import { CONSISTENT_HASH_TYPE } from './consistent-hash-exchange.js';
import { assertSamePartitionCount, declarePartitions, partitionCountOf } from './partitioned-queue.js';
import type { ModelQueue, ModelQueueHooks, QueueFactory } from './model-queue.js';
import { checkNotReserved, RESERVED_PREFIX } from './names.js';
import { PublishRouter } from './publish-router.js';
import type { Message, PublishOutcome } from './types.js';
import type { VhostRecord } from './definitions-store.js';
import { listBindings, listExchanges, listQueues, restoreVhost, vhostRecord, type BindingInfo, type ExchangeInfo, type QueueInfo } from './vhost-definitions.js';
import { VhostQueues, type QueueDeclare, type QueueDeclareResult } from './vhost-queues.js';
import { VhostTopology } from './vhost-topology.js';
import { isTopicDestination } from '../interop/topic-binding.js';
import type { TopicRouting } from '../interop/topic-routing.js';

export interface ExchangeDeclare {
  name: string;
  type: string;
  passive: boolean;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

/** How a vhost makes its durable changes durable (the broker's DefinitionsStore and queue ids). */
export interface VhostPersistence {
  persist(): Promise<void>;
  settled(): Promise<void>;
  allocateQueueId(): number;
}

export interface VhostDeps<Q extends ModelQueue> {
  queues: QueueFactory<Q>;
  persistence: VhostPersistence;
  logger: Logger;
  /** Kafka topics as binding destinations (x-destination-type=topic, docs/interop.md); absent: such binds get NOT_FOUND. */
  topicRouting?: TopicRouting;
}

export function defaultExchangeRefused(): Error {
  return brokerError(BrokerErrorCode.ACCESS_REFUSED, 'operation not permitted on the default exchange');
}

export class VirtualHost<Q extends ModelQueue> {
  readonly name: string;
  readonly directReply = new DirectReply();
  readonly topology: VhostTopology<Q>;
  private readonly deps: VhostDeps<Q>;
  private readonly router: PublishRouter<Q>;
  private readonly queueOps: VhostQueues<Q>;

  constructor(name: string, deps: VhostDeps<Q>) {
    this.name = name;
    this.deps = deps;
    this.topology = new VhostTopology<Q>(name);
    this.router = new PublishRouter<Q>(this.topology.exchanges, this.topology.queues, deps.topicRouting);
    const hooks: ModelQueueHooks<Q> = {
      deadLetter: (exchange, routingKey, message) => this.deadLetter(exchange, routingKey, message),
      onExpired: (queue) => this.queueOps.deleteUnused(queue, 'expired'),
      onAutoDelete: (queue) => this.queueOps.deleteUnused(queue, 'auto-delete'),
      onStorageGone: (queue) => this.queueOps.deleteUnused(queue, 'storage-gone'),
    };
    this.queueOps = new VhostQueues<Q>(name, this.topology, { ...deps, hooks });
  }

  // --- exchanges ---

  async declareExchange(o: ExchangeDeclare): Promise<void> {
    if (o.passive) {
      if (o.name === '') throw defaultExchangeRefused();
      this.exchange(o.name);
      return;
    }
    const type = checkExchangeType(o.type);
    if (o.name === '') throw defaultExchangeRefused();
    const spec: ExchangeSpec = { name: o.name, type, durable: o.durable, autoDelete: o.autoDelete, internal: o.internal, arguments: o.arguments };
    const existing = this.topology.exchanges.get(o.name);
    if (existing !== undefined) {
      existing.assertEquivalent(spec);
      if (type === CONSISTENT_HASH_TYPE) assertSamePartitionCount(existing.arguments, o.arguments, existing.resource);
      if (existing.durable) await this.deps.persistence.settled();
      await this.ensurePartitions(existing);
      return;
    }
    checkNotReserved('exchange', o.name);
    const exchange = new Exchange(this.name, spec);
    if (type === CONSISTENT_HASH_TYPE) partitionCountOf(o.arguments, exchange.resource);
    this.topology.exchanges.set(o.name, exchange);
    if (exchange.durable) await this.deps.persistence.persist();
    await this.ensurePartitions(exchange);
  }

  /** x-consistent-hash with x-partitions: N declares and binds its N partition queues (partitioned-queue.ts). */
  private async ensurePartitions(exchange: Exchange): Promise<void> {
    const count = exchange.type === CONSISTENT_HASH_TYPE ? partitionCountOf(exchange.arguments, exchange.resource) : 0;
    if (count === 0) return;
    await declarePartitions({
      declarePartitionQueue: async (name, durable, args) => {
        await this.declareQueue({ name, passive: false, durable, exclusive: false, autoDelete: false, arguments: args, connectionId: -1 });
      },
      bindPartitionQueue: (queue, source, weight) => this.bindQueue(queue, source, weight, new Map(), -1),
    }, exchange.name, count, exchange.durable, exchange.resource);
  }

  async deleteExchange(name: string, ifUnused: boolean): Promise<void> {
    if (name === '') throw defaultExchangeRefused();
    if (name.startsWith(RESERVED_PREFIX)) {
      throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `deletion of system ${resourceText('exchange', name, this.name)} not allowed`);
    }
    const exchange = this.topology.exchanges.get(name);
    // Deleting a missing exchange succeeds (RabbitMQ's ensure_deleted).
    if (exchange === undefined) return;
    if (ifUnused && exchange.sourceBindingCount > 0) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `${exchange.resource} in use`);
    }
    if (this.topology.removeExchange(exchange)) await this.deps.persistence.persist();
  }

  /** The exchange, or NOT_FOUND "no exchange 'x' in vhost '/'". */
  exchange(name: string): Exchange {
    const x = this.topology.exchanges.get(name);
    if (x === undefined) throw brokerError(BrokerErrorCode.NOT_FOUND, `no ${resourceText('exchange', name, this.name)}`);
    return x;
  }

  // --- bindings ---

  bindExchange(destination: string, source: string, routingKey: string, args: FieldTable): Promise<void> {
    return this.bind(source, 'exchange', destination, routingKey, args, -1);
  }

  unbindExchange(destination: string, source: string, routingKey: string, args: FieldTable): Promise<void> {
    return this.unbind(source, 'exchange', destination, routingKey, args, -1);
  }

  /** With binding argument x-destination-type=topic, `queue` names a Kafka topic (docs/interop.md). */
  async bindQueue(queue: string, exchange: string, routingKey: string, args: FieldTable, connectionId: number): Promise<void> {
    return this.bind(exchange, isTopicDestination(args) ? 'topic' : 'queue', queue, routingKey, args, connectionId);
  }

  async unbindQueue(queue: string, exchange: string, routingKey: string, args: FieldTable, connectionId: number): Promise<void> {
    return this.unbind(exchange, isTopicDestination(args) ? 'topic' : 'queue', queue, routingKey, args, connectionId);
  }

  private bindingFor(sourceName: string, kind: DestinationKind, destination: string, routingKey: string, args: FieldTable, connectionId: number): Binding {
    if (sourceName === '' || (kind === 'exchange' && destination === '')) throw defaultExchangeRefused();
    const source = this.exchange(sourceName);
    let target: RouteTarget;
    let destinationDurable: boolean;
    if (kind === 'exchange') {
      const x = this.exchange(destination);
      target = x;
      destinationDurable = x.durable;
    } else if (kind === 'topic') {
      target = this.topicTarget(destination, args);
      destinationDurable = true;
    } else {
      const q = this.queueOps.target(destination, connectionId);
      target = q;
      destinationDurable = q.queue.definition.durable;
    }
    return new Binding(source, kind, destination, target, routingKey, args, destinationDurable);
  }

  private async bind(sourceName: string, kind: DestinationKind, destination: string, routingKey: string, args: FieldTable, connectionId: number): Promise<void> {
    const binding = this.bindingFor(sourceName, kind, destination, routingKey, args, connectionId);
    if (kind === 'topic') this.deps.topicRouting?.assertExists(destination, this.name);
    binding.source.router.validate(binding);
    if (this.topology.bindings.get(binding.identity) !== undefined) {
      if (binding.durable) await this.deps.persistence.settled();
      return;
    }
    this.topology.bindings.add(binding);
    if (binding.durable) await this.deps.persistence.persist();
  }

  /** A Kafka topic as a binding target; PRECONDITION_FAILED for invalid x-partition-by / x-record-key. */
  private topicTarget(topic: string, args: FieldTable): RouteTarget {
    const routing = this.deps.topicRouting;
    if (routing === undefined) throw brokerError(BrokerErrorCode.NOT_FOUND, `no Kafka topic '${topic}': this broker has no Kafka topics to bind to`);
    return routing.target(this.name, topic, args);
  }

  private async unbind(sourceName: string, kind: DestinationKind, destination: string, routingKey: string, args: FieldTable, connectionId: number): Promise<void> {
    const probe = this.bindingFor(sourceName, kind, destination, routingKey, args, connectionId);
    const binding = this.topology.bindings.get(probe.identity);
    // Removing a binding that does not exist succeeds, as in RabbitMQ.
    if (binding === undefined) return;
    if (this.topology.removeBinding(binding)) await this.deps.persistence.persist();
  }

  // --- queues (rules in vhost-queues.ts) ---

  declareQueue(o: QueueDeclare): Promise<QueueDeclareResult<Q>> {
    return this.queueOps.declare(o);
  }

  async purgeQueue(name: string, connectionId: number): Promise<number> {
    return this.queueOps.target(name, connectionId).queue.purge();
  }

  deleteQueue(name: string, ifUnused: boolean, ifEmpty: boolean, connectionId: number): Promise<number> {
    return this.queueOps.delete(name, ifUnused, ifEmpty, connectionId);
  }

  /** The queue, or NOT_FOUND / RESOURCE_LOCKED (exclusive to another connection). */
  queue(name: string, connectionId: number): Q {
    return this.queueOps.target(name, connectionId).queue;
  }

  connectionClosed(connectionId: number): Promise<void> {
    return this.queueOps.connectionClosed(connectionId);
  }

  // --- publishing ---

  /**
   * Routes synchronously and enqueues. NOT_FOUND for a missing exchange, ACCESS_REFUSED for an
   * internal one. `mandatory` does not change routing: the session answers basic.return when
   * the outcome is not routed.
   */
  publish(exchangeName: string, routingKey: string, message: Message, _mandatory: boolean): PublishOutcome {
    if (exchangeName === '') {
      if (DirectReply.isReplyKey(routingKey)) {
        return { routed: this.directReply.deliver(routingKey, message), rejected: false, stored: undefined };
      }
      return this.router.publish(undefined, routingKey, message);
    }
    const exchange = this.topology.exchanges.get(exchangeName);
    if (exchange === undefined) throw brokerError(BrokerErrorCode.NOT_FOUND, `no ${resourceText('exchange', exchangeName, this.name)}`);
    if (exchange.internal) throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `cannot publish to internal ${exchange.resource}`);
    return this.router.publish(exchange, routingKey, message);
  }

  /** Names of the queues a publish would reach (for management and tests); no enqueue. */
  routeNames(exchangeName: string, routingKey: string, message: Message): string[] {
    return this.router.resolve(exchangeName === '' ? undefined : this.exchange(exchangeName), routingKey, message);
  }

  /** A queue's dead-lettered message: routed like a publish; dropped when the exchange is missing. */
  private deadLetter(exchangeName: string, routingKey: string, message: Message): void {
    const exchange = exchangeName === '' ? undefined : this.topology.exchanges.get(exchangeName);
    if (exchangeName !== '' && exchange === undefined) return;
    const outcome = this.router.publish(exchange, routingKey, message);
    outcome.stored?.catch((err: unknown) => {
      this.deps.logger.error({ err, vhost: this.name, exchange: exchangeName }, 'storing a dead-lettered message failed');
    });
  }

  // --- definitions and listings ---

  /** Loads stored durable definitions; call once, before the vhost is used. */
  restore(record: VhostRecord): Promise<void> {
    return restoreVhost(this.topology, record, (def) => this.queueOps.restore(def), this.deps.logger, (topic, args) => this.topicTarget(topic, args));
  }

  /** This vhost's durable definitions, for the definitions document. */
  record(): VhostRecord {
    return vhostRecord(this.topology);
  }

  listExchanges(): ExchangeInfo[] {
    return listExchanges(this.topology);
  }

  listQueues(): QueueInfo[] {
    return listQueues(this.topology);
  }

  listBindings(): BindingInfo[] {
    return listBindings(this.topology);
  }

  /** Every queue of this vhost, for a clean shutdown. */
  queues(): Q[] {
    return [...this.topology.queues.values()].map((t) => t.queue);
  }
}
