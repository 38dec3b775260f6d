// Shared by the queue tests: messages built through the real property codec, a consumer with
// explicit credit, hooks that record what the queue asked of its vhost, manual time, and durable
// queues on an in-memory file system (restartable, crashable).
import { MemoryMetadataStore } from '../../../../src/cluster/metadata-store.js';
import { encodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import type { BasicProperties, FieldTable } from '../../../../src/formats/amqp/field-types.js';
import { readPropertySummary } from '../../../../src/formats/amqp/property-list.js';
import { ManualTime } from '../../../../src/broker/groups/manual-time.js';
import { Queue, type QueueDefinition, type QueueDeps, type QueueHooks } from '../../../../src/broker/amqp/queue.js';
import type { Message, QueueConsumer, QueueEntry, QueueRef } from '../../../../src/broker/amqp/types.js';
import { LogManager } from '../../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../../src/log/memory-file-io.js';
import { silentLogger } from '../../../../src/observability/logger.js';

export interface MessageOptions {
  exchange?: string;
  routingKey?: string;
  persistent?: boolean;
  priority?: number;
  expiration?: string;
  headers?: FieldTable;
}

export function message(body: string, o: MessageOptions = {}): Message {
  const props: BasicProperties = {};
  if (o.headers !== undefined) props.headers = o.headers;
  if (o.persistent === true) props.deliveryMode = 2;
  if (o.priority !== undefined) props.priority = o.priority;
  if (o.expiration !== undefined) props.expiration = o.expiration;
  const properties = encodeBasicProperties(props);
  const summary = readPropertySummary(properties);
  return {
    exchange: o.exchange ?? 'ex',
    routingKey: o.routingKey ?? 'rk',
    properties,
    body: Buffer.from(body),
    persistent: summary.persistent,
    priority: summary.priority,
    expirationMs: summary.expirationMs,
  };
}

export const bodies = (entries: readonly QueueEntry[]): string[] => entries.map((e) => e.message.body.toString());

export class FakeConsumer implements QueueConsumer {
  readonly tag: string;
  readonly ackRequired: boolean;
  readonly exclusive: boolean;
  readonly priority: number;
  readonly connectionId: number;
  credit: number;
  readonly delivered: QueueEntry[] = [];
  cancelled = false;

  constructor(tag: string, o: { credit?: number; ackRequired?: boolean; exclusive?: boolean; priority?: number; connectionId?: number } = {}) {
    this.tag = tag;
    this.credit = o.credit ?? Infinity;
    this.ackRequired = o.ackRequired ?? true;
    this.exclusive = o.exclusive ?? false;
    this.priority = o.priority ?? 0;
    this.connectionId = o.connectionId ?? 1;
  }

  hasCredit(): boolean {
    return this.credit > 0;
  }

  deliver(_queue: QueueRef, entry: QueueEntry): void {
    this.credit--;
    this.delivered.push(entry);
  }

  cancelledByServer(): void {
    this.cancelled = true;
  }

  get bodies(): string[] {
    return bodies(this.delivered);
  }
}

export interface DeadLettered {
  exchange: string;
  routingKey: string;
  message: Message;
}

export class RecordingHooks implements QueueHooks {
  readonly deadLettered: DeadLettered[] = [];
  expired = 0;
  autoDeleted = 0;
  /** Where dead-lettered messages go next, if a test wires a target queue. */
  route: ((m: Message) => void) | null = null;

  deadLetter(exchange: string, routingKey: string, m: Message): void {
    this.deadLettered.push({ exchange, routingKey, message: m });
    this.route?.(m);
  }

  onExpired(): void {
    this.expired++;
  }

  onAutoDelete(): void {
    this.autoDeleted++;
  }
}

/** Lets queued microtasks (dispatch, appends) run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function definition(name: string, args: FieldTable = new Map(), o: Partial<QueueDefinition> = {}): QueueDefinition {
  return { vhost: '/', name, id: -1, durable: false, exclusiveConnectionId: -1, autoDelete: false, arguments: args, ...o };
}

/** A broker's worth of queue dependencies on manual time and an in-memory disk. */
export class QueueWorld {
  readonly time = new ManualTime();
  readonly io = new MemoryFileIO({ completion: 'microtask' });
  readonly metadata = new MemoryMetadataStore();
  readonly hooks = new RecordingHooks();
  logs: LogManager;
  segmentBytesMax: number;

  constructor(segmentBytesMax = 64 * 1024) {
    this.segmentBytesMax = segmentBytesMax;
    this.logs = this.newLogManager();
  }

  private newLogManager(): LogManager {
    return new LogManager('/data', { fileIO: this.io, retentionCheckIntervalMs: 0, defaults: { retentionMs: -1, segmentBytesMax: this.segmentBytesMax }, nowMs: () => this.time.nowMs });
  }

  deps(): QueueDeps {
    return {
      nowMs: () => this.time.nowMs,
      logger: silentLogger(),
      openLog: async (name) => this.logs.get(name) ?? (await this.logs.create(name)),
      deleteLog: (name) => this.logs.delete(name),
      metadata: this.metadata,
      ackStateIntervalMs: 1000,
      timers: this.time.timers,
    };
  }

  open(def: QueueDefinition): Promise<Queue> {
    return Queue.open(def, this.hooks, this.deps());
  }

  /** A clean restart of the logs (after Queue.close). */
  async restart(): Promise<void> {
    await this.logs.close();
    this.logs = this.newLogManager();
    await this.logs.openAll();
  }

  /** Power loss: unsynced bytes are gone, the old log manager's handles are dead. */
  async crash(): Promise<void> {
    this.io.crash();
    this.logs = this.newLogManager();
    await this.logs.openAll();
  }
}
