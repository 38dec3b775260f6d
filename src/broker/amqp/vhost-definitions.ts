// A vhost's durable definitions to and from their neutral records, and plain listings of its
// entities (for the CLI and management). Only what survives a RabbitMQ restart is recorded:
// durable exchanges other than the predeclared ones, durable queues (never exclusive ones), and
// bindings whose two ends are durable.
import type { Logger } from 'pino';
import { tableFromJson, tableToJson } from '../../formats/amqp/field-table.js';
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { Binding, type DestinationKind } from './bindings.js';
import type { BindingRecord, VhostRecord } from './definitions-store.js';
import { Exchange, PREDECLARED_EXCHANGES } from './exchange.js';
import { isExchangeType, type RouteTarget } from './exchange-types.js';
import type { ModelQueue, ModelQueueDefinition } from './model-queue.js';
import type { VhostTopology } from './vhost-topology.js';

const PREDECLARED = new Set(PREDECLARED_EXCHANGES.map((p) => p.name));

export function vhostRecord<Q extends ModelQueue>(topology: VhostTopology<Q>): VhostRecord {
  const record: VhostRecord = { name: topology.name, exchanges: [], queues: [], bindings: [] };
  for (const x of topology.exchanges.values()) {
    if (!x.durable || PREDECLARED.has(x.name)) continue;
    record.exchanges.push({ name: x.name, type: x.type, autoDelete: x.autoDelete, internal: x.internal, arguments: tableToJson(x.arguments) });
  }
  for (const t of topology.queues.values()) {
    const d = t.queue.definition;
    if (!d.durable) continue;
    record.queues.push({ name: d.name, id: d.id, autoDelete: d.autoDelete, arguments: tableToJson(d.arguments) });
  }
  for (const b of topology.bindings.all()) {
    if (!b.durable) continue;
    record.bindings.push({ source: b.source.name, destinationKind: b.destinationKind, destination: b.destination, routingKey: b.routingKey, arguments: tableToJson(b.arguments) });
  }
  return record;
}

/** Exchanges first, then queues (opened by `openQueue`), then bindings whose ends exist. */
export async function restoreVhost<Q extends ModelQueue>(
  topology: VhostTopology<Q>,
  record: VhostRecord,
  openQueue: (def: ModelQueueDefinition) => Promise<void>,
  logger: Logger,
  topicTarget?: (topic: string, args: FieldTable) => RouteTarget,
): Promise<void> {
  for (const x of record.exchanges) {
    if (!isExchangeType(x.type) || topology.exchanges.has(x.name)) {
      logger.warn({ vhost: record.name, exchange: x.name, type: x.type }, 'skipping a stored exchange: unknown type or clashes with a predeclared one');
      continue;
    }
    topology.exchanges.set(x.name, new Exchange(record.name, { name: x.name, type: x.type, durable: true, autoDelete: x.autoDelete, internal: x.internal, arguments: tableFromJson(x.arguments) }));
  }
  await Promise.all(record.queues.map((q) => openQueue({
    vhost: record.name, name: q.name, id: q.id, durable: true, exclusiveConnectionId: -1, autoDelete: q.autoDelete, arguments: tableFromJson(q.arguments),
  })));
  for (const b of record.bindings) restoreBinding(topology, record.name, b, logger, topicTarget);
}

function restoreBinding<Q extends ModelQueue>(
  topology: VhostTopology<Q>, vhost: string, b: BindingRecord, logger: Logger, topicTarget?: (topic: string, args: FieldTable) => RouteTarget,
): void {
  const source = topology.exchanges.get(b.source);
  let target: RouteTarget | undefined;
  if (b.destinationKind === 'topic') {
    // Kept even when the topic is gone: messages to it are dropped until it exists again.
    try {
      target = topicTarget?.(b.destination, tableFromJson(b.arguments));
    } catch (err) {
      logger.warn({ vhost, binding: b, err }, 'skipping a stored binding to a Kafka topic whose arguments are invalid');
      return;
    }
  } else target = b.destinationKind === 'queue' ? topology.queues.get(b.destination) : topology.exchanges.get(b.destination);
  if (source === undefined || target === undefined) {
    logger.warn({ vhost, binding: b }, 'skipping a stored binding whose source or destination is gone');
    return;
  }
  const binding = new Binding(source, b.destinationKind, b.destination, target, b.routingKey, tableFromJson(b.arguments), true);
  if (topology.bindings.get(binding.identity) === undefined) topology.bindings.add(binding);
}

export interface ExchangeInfo {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  internal: boolean;
  arguments: FieldTable;
}

export interface QueueInfo {
  name: string;
  durable: boolean;
  exclusive: boolean;
  autoDelete: boolean;
  arguments: FieldTable;
  messages: number;
  consumers: number;
}

export interface BindingInfo {
  source: string;
  destinationKind: DestinationKind;
  destination: string;
  routingKey: string;
  arguments: FieldTable;
}

export function listExchanges<Q extends ModelQueue>(topology: VhostTopology<Q>): ExchangeInfo[] {
  const out: ExchangeInfo[] = [{ name: '', type: 'direct', durable: true, autoDelete: false, internal: false, arguments: new Map() }];
  for (const x of topology.exchanges.values()) {
    out.push({ name: x.name, type: x.type, durable: x.durable, autoDelete: x.autoDelete, internal: x.internal, arguments: x.arguments });
  }
  return out;
}

export function listQueues<Q extends ModelQueue>(topology: VhostTopology<Q>): QueueInfo[] {
  return [...topology.queues.values()].map(({ queue }) => ({
    name: queue.definition.name,
    durable: queue.definition.durable,
    exclusive: queue.definition.exclusiveConnectionId !== -1,
    autoDelete: queue.definition.autoDelete,
    arguments: queue.definition.arguments,
    messages: queue.messageCount,
    consumers: queue.consumerCount,
  }));
}

/** Includes RabbitMQ's implicit bindings: every queue from the default exchange by its name. */
export function listBindings<Q extends ModelQueue>(topology: VhostTopology<Q>): BindingInfo[] {
  const out: BindingInfo[] = [];
  for (const name of topology.queues.keys()) out.push({ source: '', destinationKind: 'queue', destination: name, routingKey: name, arguments: new Map() });
  for (const b of topology.bindings.all()) {
    out.push({ source: b.source.name, destinationKind: b.destinationKind, destination: b.destination, routingKey: b.routingKey, arguments: b.arguments });
  }
  return out;
}
