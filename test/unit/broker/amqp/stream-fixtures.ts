// A broker's worth of AMQP model, topics and logs on an in-memory disk, wired as broker.ts wires
// them, for the stream queue tests: restartable, with manual time.
import { MemoryMetadataStore } from '../../../../src/cluster/metadata-store.js';
import type { FieldTable, FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { readHeaders } from '../../../../src/formats/amqp/property-list.js';
import { AmqpBroker } from '../../../../src/broker/amqp/amqp-broker.js';
import type { AmqpQueue } from '../../../../src/broker/amqp/model-queue.js';
import type { QueueDeclare } from '../../../../src/broker/amqp/vhost-queues.js';
import type { VirtualHost } from '../../../../src/broker/amqp/vhost.js';
import type { QueueEntry } from '../../../../src/broker/amqp/types.js';
import { ManualTime } from '../../../../src/broker/groups/manual-time.js';
import { TopicRegistry } from '../../../../src/broker/topics.js';
import { LogManager } from '../../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../../src/log/memory-file-io.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { FakeConsumer } from './queue-fixtures.js';

const TOPIC_DEFAULTS = { retentionMs: 604_800_000, retentionBytes: -1, segmentBytes: 1 << 30, segmentMs: 604_800_000, maxMessageBytes: 1_048_588 };

export class StreamWorld {
  readonly time = new ManualTime();
  readonly io = new MemoryFileIO({ completion: 'microtask' });
  readonly metadata = new MemoryMetadataStore();
  logs!: LogManager;
  topics!: TopicRegistry;
  amqp!: AmqpBroker;

  static async open(): Promise<StreamWorld> {
    const w = new StreamWorld();
    await w.start();
    return w;
  }

  vhost(name = '/'): VirtualHost<AmqpQueue> {
    const v = this.amqp.vhost(name);
    if (v === undefined) throw new Error(`no vhost ${name}`);
    return v;
  }

  /** Closes the model and the logs cleanly, then opens everything again from the same disk. */
  async restart(): Promise<void> {
    await this.amqp.close();
    await this.logs.close();
    await this.start();
  }

  async close(): Promise<void> {
    await this.amqp.close();
    await this.logs.close();
  }

  private async start(): Promise<void> {
    const topics = new TopicRegistry(this.metadata, { defaults: TOPIC_DEFAULTS, partitionsMax: 100, nowMs: () => this.time.nowMs });
    await topics.load();
    const logs = new LogManager('/data/logs', {
      fileIO: this.io, retentionCheckIntervalMs: 0, nowMs: () => this.time.nowMs,
      configFor: (n) => (n.startsWith('~q.') ? { retentionMs: -1, retentionBytes: -1 } : topics.configForLog(n)),
    });
    await logs.openAll();
    await topics.attach(logs);
    this.topics = topics;
    this.logs = logs;
    this.amqp = await AmqpBroker.open({
      metadata: this.metadata, logger: silentLogger(), nowMs: () => this.time.nowMs, users: [], vhosts: ['other'],
      queueDeps: {
        openLog: async (name) => logs.get(name) ?? (await logs.create(name)),
        deleteLog: (name) => logs.delete(name),
        ackStateIntervalMs: 1000,
        timers: this.time.timers,
      },
      streams: {
        topics,
        openLog: async (name, config) => logs.get(name) ?? (await logs.create(name, config)),
        deleteLog: (name) => logs.delete(name),
      },
    });
  }
}

export function streamDeclare(name: string, args: FieldTable = new Map(), o: Partial<QueueDeclare> = {}): QueueDeclare {
  const withType = new Map(args);
  withType.set('x-queue-type', { tag: 'S', value: Buffer.from('stream') });
  return { name, passive: false, durable: true, exclusive: false, autoDelete: false, arguments: withType, connectionId: 1, ...o };
}

export function consumeOptions(offset?: FieldValue, prefetch = 10): { arguments: FieldTable; prefetch: number; globalPrefetch: number } {
  const args: FieldTable = new Map();
  if (offset !== undefined) args.set('x-stream-offset', offset);
  return { arguments: args, prefetch, globalPrefetch: 0 };
}

/** The x-stream-offset header of each delivery. */
export function deliveredOffsets(c: FakeConsumer): number[] {
  return c.delivered.map((e: QueueEntry) => {
    const v = readHeaders(e.message.properties)?.get('x-stream-offset');
    if (v === undefined || v.tag !== 'l') throw new Error('a stream delivery has no x-stream-offset long header');
    return Number(v.value);
  });
}

/** Lets microtasks and in-memory I/O run until `done` holds (bounded). */
export async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}
