// The entities of one virtual host and the cascades between them: removing a queue or an
// exchange removes its bindings, and an auto-delete exchange goes when its last binding as a
// source does (the AMQP 0-9-1 exchange.declare auto-delete rule, as RabbitMQ applies it).
// Everything here is synchronous, so a cascade is never seen half done.
import { Binding, BindingTable, QueueTarget, type DestinationKind } from './bindings.js';
import { Exchange, PREDECLARED_EXCHANGES } from './exchange.js';
import type { ModelQueue } from './model-queue.js';

export class VhostTopology<Q extends ModelQueue> {
  readonly name: string;
  readonly exchanges = new Map<string, Exchange>();
  readonly queues = new Map<string, QueueTarget<Q>>();
  readonly bindings = new BindingTable();
  /** Connection id → names of its exclusive queues. */
  private readonly exclusive = new Map<number, Set<string>>();

  constructor(name: string) {
    this.name = name;
    for (const p of PREDECLARED_EXCHANGES) {
      this.exchanges.set(p.name, new Exchange(name, { name: p.name, type: p.type, durable: true, autoDelete: false, internal: false, arguments: new Map() }));
    }
  }

  addQueue(queue: Q): QueueTarget<Q> {
    const target = new QueueTarget(queue);
    const def = queue.definition;
    this.queues.set(def.name, target);
    if (def.exclusiveConnectionId !== -1) {
      let names = this.exclusive.get(def.exclusiveConnectionId);
      if (names === undefined) {
        names = new Set();
        this.exclusive.set(def.exclusiveConnectionId, names);
      }
      names.add(def.name);
    }
    return target;
  }

  exclusiveQueuesOf(connectionId: number): string[] {
    return [...(this.exclusive.get(connectionId) ?? [])];
  }

  /** Returns whether anything persisted changed. */
  removeQueue(target: QueueTarget<Q>): boolean {
    const def = target.queue.definition;
    if (this.queues.get(def.name) !== target) return false;
    this.queues.delete(def.name);
    const names = this.exclusive.get(def.exclusiveConnectionId);
    if (names !== undefined) {
      names.delete(def.name);
      if (names.size === 0) this.exclusive.delete(def.exclusiveConnectionId);
    }
    return this.removeBindingsTo('queue', def.name) || def.durable;
  }

  /** Returns whether anything persisted changed. */
  removeExchange(exchange: Exchange): boolean {
    if (this.exchanges.get(exchange.name) !== exchange) return false;
    this.exchanges.delete(exchange.name);
    let durableChanged = exchange.durable;
    for (const b of this.bindings.forSource(exchange.name)) {
      this.bindings.remove(b);
      durableChanged ||= b.durable;
    }
    return this.removeBindingsTo('exchange', exchange.name) || durableChanged;
  }

  /** Removes one binding and what its removal auto-deletes; returns whether anything persisted changed. */
  removeBinding(binding: Binding): boolean {
    this.bindings.remove(binding);
    return this.autoDeleteIfUnbound(binding.source) || binding.durable;
  }

  private removeBindingsTo(kind: DestinationKind, name: string): boolean {
    let durableChanged = false;
    for (const b of this.bindings.forDestination(kind, name)) {
      if (this.removeBinding(b)) durableChanged = true;
    }
    return durableChanged;
  }

  private autoDeleteIfUnbound(exchange: Exchange): boolean {
    if (!exchange.autoDelete || exchange.sourceBindingCount > 0) return false;
    return this.removeExchange(exchange);
  }
}
