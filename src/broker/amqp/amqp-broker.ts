// The root of the AMQP model: users, virtual hosts and the durable definitions shared by them.
// `open` loads the stored definitions and reopens every durable queue; the session then
// authenticates a connection, opens its vhost and works through the VirtualHost API.
import type { Logger } from 'pino';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';
import { DefinitionsStore, type DefinitionsDocument, type VhostRecord } from './definitions-store.js';
import type { AmqpQueue, ModelQueue, QueueFactory } from './model-queue.js';
import { Queue, type QueueDeps } from './queue.js';
import { isStreamDeclare } from './stream-arguments.js';
import { StreamQueue } from './stream-queue.js';
import { StreamStorage, type StreamStorageDeps } from './stream-storage.js';
import { UserRegistry, type AuthMechanism, type User, type UserConfig } from './users.js';
import { VirtualHost, type VhostPersistence } from './vhost.js';
import { TopicRouting } from '../interop/topic-routing.js';

export const DEFAULT_VHOST = '/';

/** What Queue.open needs beyond what the broker already has (clock, logger, metadata store). */
export type QueueStorageDeps = Omit<QueueDeps, 'nowMs' | 'logger' | 'metadata'>;

export interface AmqpModelDeps {
  metadata: MetadataStore;
  logger: Logger;
  nowMs?: () => number;
  /** From the configuration; empty means the default guest/guest (loopback only). */
  users: UserConfig[];
  /** From the configuration; '/' always exists. */
  vhosts: string[];
  /** Kafka topics as exchange binding destinations (docs/interop.md); open() makes it from `streams.topics`. */
  topicRouting?: TopicRouting;
}

export interface AmqpBrokerDeps extends AmqpModelDeps {
  queueDeps: QueueStorageDeps;
  /** Where stream queues keep their records (the topics, for vhost '/'); without it a stream declare is refused. */
  streams?: Omit<StreamStorageDeps, 'logger'>;
}

export class AmqpBroker<Q extends ModelQueue = AmqpQueue> {
  readonly users: UserRegistry;
  private readonly vhosts = new Map<string, VirtualHost<Q>>();
  private readonly definitions: DefinitionsStore;
  private readonly logger: Logger;
  private readonly topicRouting: TopicRouting | undefined;
  private nextQueueId = 1;
  /** Stored definitions of vhosts no longer configured: kept in the document, not served. */
  private unservedRecords: VhostRecord[] = [];

  private constructor(deps: AmqpModelDeps) {
    this.users = new UserRegistry(deps.users);
    this.logger = deps.logger;
    this.topicRouting = deps.topicRouting;
    this.definitions = new DefinitionsStore(deps.metadata, () => this.snapshot());
  }

  /** Opens the model with real queues: classic ones (storage through `queueDeps`) and streams (through `streams`). */
  static open(deps: AmqpBrokerDeps): Promise<AmqpBroker<AmqpQueue>> {
    const nowMs = deps.nowMs ?? Date.now;
    const queueDeps: QueueDeps = { ...deps.queueDeps, nowMs, logger: deps.logger, metadata: deps.metadata };
    const storage = deps.streams === undefined ? null : new StreamStorage({ ...deps.streams, logger: deps.logger });
    const factory: QueueFactory<AmqpQueue> = {
      validateArguments: (args, vhost, name, flags) => {
        if (isStreamDeclare(args)) StreamQueue.validateDeclare(storage, args, vhost, name, flags);
        else Queue.parseArguments(args, vhost, name);
      },
      open: (def, hooks, restored) => {
        if (!isStreamDeclare(def.arguments)) return Queue.open(def, hooks, queueDeps);
        if (storage === null) return Promise.reject(new Error('a stream queue needs the broker\'s stream storage'));
        return StreamQueue.open(def, hooks, { storage, logger: deps.logger, nowMs }, restored !== true);
      },
    };
    const topicRouting = deps.topicRouting ?? (deps.streams === undefined ? undefined : new TopicRouting(deps.streams.topics, deps.logger, nowMs));
    return AmqpBroker.openWith({ ...deps, topicRouting }, factory);
  }

  /** Opens the model with any queue implementation (tests use a double without storage). */
  static async openWith<Q extends ModelQueue>(deps: AmqpModelDeps, queues: QueueFactory<Q>): Promise<AmqpBroker<Q>> {
    const broker = new AmqpBroker<Q>(deps);
    const doc = await broker.definitions.load();
    broker.nextQueueId = doc.nextQueueId;
    const persistence: VhostPersistence = {
      persist: () => broker.definitions.persist(),
      settled: () => broker.definitions.settled(),
      allocateQueueId: () => broker.nextQueueId++,
    };
    for (const name of new Set([DEFAULT_VHOST, ...deps.vhosts])) {
      broker.vhosts.set(name, new VirtualHost<Q>(name, { queues, persistence, logger: deps.logger, topicRouting: deps.topicRouting }));
    }
    for (const record of doc.vhosts) {
      const vhost = broker.vhosts.get(record.name);
      if (vhost === undefined) {
        deps.logger.warn({ vhost: record.name }, 'stored AMQP definitions belong to a vhost that is not configured; they are kept but not served');
        broker.unservedRecords.push(record);
        continue;
      }
      await vhost.restore(record);
    }
    return broker;
  }

  /** ACCESS_REFUSED with RabbitMQ's login-refused text; guest only over loopback. */
  authenticate(mechanism: AuthMechanism, username: string, password: string, remoteAddress: string): User {
    try {
      return this.users.authenticate(mechanism, username, password, remoteAddress);
    } catch (err) {
      this.logger.warn({ user: username, remoteAddress, mechanism }, 'AMQP login refused');
      throw err;
    }
  }

  /** NOT_ALLOWED when the vhost does not exist, ACCESS_REFUSED when the user may not use it. */
  openVhost(user: User, name: string): VirtualHost<Q> {
    const vhost = this.vhosts.get(name);
    if (vhost === undefined) throw brokerError(BrokerErrorCode.NOT_ALLOWED, `vhost '${name}' not found`);
    if (!UserRegistry.mayOpen(user, name)) throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `access to vhost '${name}' refused for user '${user.name}'`);
    return vhost;
  }

  vhost(name: string): VirtualHost<Q> | undefined {
    return this.vhosts.get(name);
  }

  vhostNames(): string[] {
    return [...this.vhosts.keys()];
  }

  /** Closes every queue (flushing durable state) and waits for the last definitions write; deletes nothing. */
  async close(): Promise<void> {
    const queues: Q[] = [];
    for (const v of this.vhosts.values()) queues.push(...v.queues());
    const results = await Promise.allSettled([...queues.map((q) => q.close()), this.definitions.settled(), this.topicRouting?.settled()]);
    for (const r of results) {
      if (r.status === 'rejected') this.logger.error({ err: r.reason as unknown }, 'closing the AMQP model failed for a queue or the definitions');
    }
  }

  private snapshot(): DefinitionsDocument {
    const vhosts: VhostRecord[] = [...this.unservedRecords];
    for (const v of this.vhosts.values()) vhosts.push(v.record());
    return { version: 1, nextQueueId: this.nextQueueId, vhosts };
  }
}
