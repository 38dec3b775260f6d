// The bindings of one virtual host, indexed by source and by destination so that deleting a queue
// or an exchange finds its bindings without a scan. A binding is identified, as in RabbitMQ, by
// source, destination, routing key and arguments (sorted by key, types significant).
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { tableToJson } from '../../formats/amqp/field-table.js';
import type { Exchange } from './exchange.js';
import type { RouteBinding, RouteTarget } from './exchange-types.js';

/** 'topic': a Kafka topic (src/broker/interop/topic-binding.ts), bound with x-destination-type=topic. */
export type DestinationKind = 'queue' | 'exchange' | 'topic';

/** A queue as a routing target of its vhost. */
export class QueueTarget<Q> implements RouteTarget {
  readonly kind = 'queue' as const;
  readonly queue: Q;
  routeMark = 0;

  constructor(queue: Q) {
    this.queue = queue;
  }
}

export class Binding implements RouteBinding {
  readonly source: Exchange;
  readonly destinationKind: DestinationKind;
  readonly destination: string;
  readonly target: RouteTarget;
  readonly routingKey: string;
  readonly arguments: FieldTable;
  readonly identity: string;
  /** Both ends durable: the binding outlives a restart (RabbitMQ's durable binding). */
  readonly durable: boolean;

  constructor(source: Exchange, destinationKind: DestinationKind, destination: string, target: RouteTarget, routingKey: string, args: FieldTable, destinationDurable: boolean) {
    this.source = source;
    this.destinationKind = destinationKind;
    this.destination = destination;
    this.target = target;
    this.routingKey = routingKey;
    this.arguments = args;
    this.identity = bindingIdentity(source.name, destinationKind, destination, routingKey, args);
    this.durable = source.durable && destinationDurable;
  }
}

export function bindingIdentity(source: string, kind: DestinationKind, destination: string, routingKey: string, args: FieldTable): string {
  const sorted = [...tableToJson(args)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify([source, kind, destination, routingKey, sorted]);
}

function destinationKey(kind: DestinationKind, name: string): string {
  return kind === 'queue' ? `q:${name}` : kind === 'topic' ? `t:${name}` : `e:${name}`;
}

export class BindingTable {
  private readonly byIdentity = new Map<string, Binding>();
  private readonly bySource = new Map<string, Set<Binding>>();
  private readonly byDestination = new Map<string, Set<Binding>>();

  get size(): number {
    return this.byIdentity.size;
  }

  get(identity: string): Binding | undefined {
    return this.byIdentity.get(identity);
  }

  /** Indexes the binding and adds it to its source's router. */
  add(binding: Binding): void {
    this.byIdentity.set(binding.identity, binding);
    addTo(this.bySource, binding.source.name, binding);
    addTo(this.byDestination, destinationKey(binding.destinationKind, binding.destination), binding);
    binding.source.router.add(binding);
    binding.source.sourceBindingCount++;
  }

  remove(binding: Binding): void {
    if (!this.byIdentity.delete(binding.identity)) return;
    removeFrom(this.bySource, binding.source.name, binding);
    removeFrom(this.byDestination, destinationKey(binding.destinationKind, binding.destination), binding);
    binding.source.router.remove(binding);
    binding.source.sourceBindingCount--;
  }

  forSource(exchange: string): readonly Binding[] {
    return [...(this.bySource.get(exchange) ?? [])];
  }

  forDestination(kind: DestinationKind, name: string): readonly Binding[] {
    return [...(this.byDestination.get(destinationKey(kind, name)) ?? [])];
  }

  all(): IterableIterator<Binding> {
    return this.byIdentity.values();
  }
}

function addTo(index: Map<string, Set<Binding>>, key: string, binding: Binding): void {
  const set = index.get(key);
  if (set === undefined) index.set(key, new Set([binding]));
  else set.add(binding);
}

function removeFrom(index: Map<string, Set<Binding>>, key: string, binding: Binding): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(binding);
  if (set.size === 0) index.delete(key);
}
