// Test doubles for the AMQP model: a queue that only records what it is given, and helpers to
// open a model over them.
import { MemoryMetadataStore, type MetadataStore } from '../../../../src/cluster/metadata-store.js';
import { encodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import { tableFromPlain, type PlainTable } from '../../../../src/formats/amqp/field-table.js';
import type { FieldTable } from '../../../../src/formats/amqp/field-types.js';
import { AmqpBroker } from '../../../../src/broker/amqp/amqp-broker.js';
import type { ModelQueue, ModelQueueDefinition, ModelQueueHooks, QueueFactory } from '../../../../src/broker/amqp/model-queue.js';
import type { Message } from '../../../../src/broker/amqp/types.js';
import type { UserConfig } from '../../../../src/broker/amqp/users.js';
import type { VirtualHost } from '../../../../src/broker/amqp/vhost.js';
import { silentLogger } from '../../../../src/observability/logger.js';

export class FakeQueue implements ModelQueue {
  readonly definition: ModelQueueDefinition;
  readonly hooks: ModelQueueHooks<FakeQueue>;
  readonly received: Message[] = [];
  consumerCount = 0;
  touched = 0;
  deleted = false;
  closed = false;
  /** Refuse enqueues (x-overflow reject-publish). */
  full = false;
  /** Persistent messages on a durable queue return this as `stored`. */
  storedPromise: Promise<void> | undefined = undefined;

  constructor(definition: ModelQueueDefinition, hooks: ModelQueueHooks<FakeQueue>) {
    this.definition = definition;
    this.hooks = hooks;
  }

  get messageCount(): number {
    return this.received.length;
  }

  enqueue(message: Message): { accepted: boolean; stored: Promise<void> | undefined } {
    if (this.full) return { accepted: false, stored: undefined };
    this.received.push(message);
    return { accepted: true, stored: this.definition.durable && message.persistent ? this.storedPromise : undefined };
  }

  touch(): void {
    this.touched++;
  }

  purge(): number {
    const n = this.received.length;
    this.received.length = 0;
    return n;
  }

  async delete(): Promise<void> {
    this.deleted = true;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FakeQueueFactory implements QueueFactory<FakeQueue> {
  readonly opened: FakeQueue[] = [];

  validateArguments(args: FieldTable): void {
    const v = args.get('x-max-length');
    if (v !== undefined && (v.tag !== 'I' || v.value < 0)) throw new Error('bad x-max-length');
  }

  async open(definition: ModelQueueDefinition, hooks: ModelQueueHooks<FakeQueue>): Promise<FakeQueue> {
    const q = new FakeQueue(definition, hooks);
    this.opened.push(q);
    return q;
  }
}

export interface Model {
  broker: AmqpBroker<FakeQueue>;
  vhost: VirtualHost<FakeQueue>;
  store: MetadataStore;
  factory: FakeQueueFactory;
}

export async function openModel(options: { store?: MetadataStore; users?: UserConfig[]; vhosts?: string[] } = {}): Promise<Model> {
  const store = options.store ?? new MemoryMetadataStore();
  const factory = new FakeQueueFactory();
  const broker = await AmqpBroker.openWith({ metadata: store, logger: silentLogger(), users: options.users ?? [], vhosts: options.vhosts ?? [] }, factory);
  const vhost = broker.vhost('/');
  if (vhost === undefined) throw new Error('no default vhost');
  return { broker, vhost, store, factory };
}

export function args(plain: PlainTable = {}): FieldTable {
  return tableFromPlain(plain);
}

export function message(routingKey = '', options: { headers?: PlainTable; persistent?: boolean; exchange?: string } = {}): Message {
  const properties = encodeBasicProperties(options.headers === undefined ? {} : { headers: tableFromPlain(options.headers) });
  return { exchange: options.exchange ?? '', routingKey, properties, body: Buffer.from('body'), persistent: options.persistent ?? false, priority: 0, expirationMs: -1 };
}

export const NO_ARGS: FieldTable = new Map();

export async function exchange(vhost: VirtualHost<FakeQueue>, name: string, type: string, o: { durable?: boolean; autoDelete?: boolean; internal?: boolean; arguments?: FieldTable } = {}): Promise<void> {
  await vhost.declareExchange({ name, type, passive: false, durable: o.durable ?? false, autoDelete: o.autoDelete ?? false, internal: o.internal ?? false, arguments: o.arguments ?? NO_ARGS });
}

export async function queue(vhost: VirtualHost<FakeQueue>, name: string, o: { durable?: boolean; exclusive?: boolean; autoDelete?: boolean; arguments?: FieldTable; connectionId?: number; passive?: boolean } = {}): Promise<FakeQueue> {
  const r = await vhost.declareQueue({ name, passive: o.passive ?? false, durable: o.durable ?? false, exclusive: o.exclusive ?? false, autoDelete: o.autoDelete ?? false, arguments: o.arguments ?? NO_ARGS, connectionId: o.connectionId ?? 1 });
  return r.queue;
}

/** The names of the queues a publish reached, sorted. */
export function routed(vhost: VirtualHost<FakeQueue>, exchangeName: string, routingKey: string, m: Message = message(routingKey)): string[] {
  return vhost.routeNames(exchangeName, routingKey, m).sort();
}

export function errorWith(code: string, text?: string | RegExp): (err: unknown) => boolean {
  return (err: unknown) => {
    const e = err as { code?: string; message?: string };
    if (e.code !== code) throw new Error(`expected ${code}, got ${String(e.code)}: ${String(e.message)}`);
    if (text === undefined) return true;
    if (typeof text === 'string' ? e.message !== text : !text.test(e.message ?? '')) throw new Error(`unexpected message: ${String(e.message)}`);
    return true;
  };
}
