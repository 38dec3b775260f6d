// Kafka-style topics: a name, an id, N partition logs and config overrides. Definitions persist
// through the metadata store; each partition is a log named `<topic>-<partition>`.
import { randomBytes } from 'node:crypto';
import type { LogManager } from '../log/log-manager.js';
import { DEFAULT_PARTITION_LOG_CONFIG, type PartitionLog, type PartitionLogConfig } from '../log/partition-log.js';
import type { MetadataStore } from '../cluster/metadata-store.js';
import { BrokerErrorCode, brokerError } from './broker-errors.js';
import { Idempotence } from './idempotence.js';
import { PartitionCounters } from './traffic-counters.js';
import { defaultTopicConfigs, numericConfig, validateTopicConfig, type TopicConfigDefaults } from './topic-config.js';

const TOPICS_DOCUMENT = 'topics';
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export interface TopicDefinition {
  name: string;
  /** 16 bytes as 32 hex digits (Kafka topic id, KIP-516). */
  topicId: string;
  partitions: number;
  /** Only the configs set on this topic; the rest come from the broker defaults. */
  configs: Record<string, string>;
  createdMs: number;
}

interface TopicsDocument {
  version: 1;
  topics: TopicDefinition[];
}

export class Topic {
  readonly definition: TopicDefinition;
  readonly topicId: Buffer;
  readonly partitions: PartitionLog[];
  /** Traffic per partition, index for index with `partitions`. */
  readonly counters: PartitionCounters[];

  constructor(definition: TopicDefinition, partitions: PartitionLog[]) {
    this.definition = definition;
    this.topicId = Buffer.from(definition.topicId, 'hex');
    this.partitions = partitions;
    this.counters = partitions.map(() => new PartitionCounters());
  }

  get name(): string {
    return this.definition.name;
  }
}

export interface TopicRegistryOptions {
  defaults: TopicConfigDefaults;
  partitionsMax: number;
  nowMs?: () => number;
}

/**
 * Names no client may create: `__consumer_offsets` is Kafka's internal topic of committed offsets,
 * and its partition 0 would be the directory of Wharf's own offsets log (`__consumer_offsets-0`).
 * Kafka answers a create of an internal topic with an error too; Wharf uses INVALID_TOPIC_EXCEPTION
 * (non-retriable, and the message says why). Other `__` names stay allowed, as in Kafka.
 */
export const RESERVED_TOPIC_NAMES: readonly string[] = ['__consumer_offsets'];

export function partitionLogName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export function validateTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw brokerError(BrokerErrorCode.INVALID_TOPIC, `invalid topic name '${name}': use 1-249 of [a-zA-Z0-9._-], not '.' or '..'`);
  }
}

export class TopicRegistry {
  /** Producer ids and per-partition producer state of idempotent producers (KIP-98). */
  readonly idempotence: Idempotence;
  private readonly store: MetadataStore;
  private readonly options: TopicRegistryOptions;
  private readonly definitions = new Map<string, TopicDefinition>();
  private readonly topics = new Map<string, Topic>();
  /** Log name → topic configs, for LogManager.openAll before topics are attached. */
  private readonly logConfigs = new Map<string, Partial<PartitionLogConfig>>();
  private logs: LogManager | undefined;
  /** Metadata changes run one at a time so the stored document never loses a concurrent change. */
  private lane: Promise<unknown> = Promise.resolve();
  /** Told the name of each deleted topic (stream queues that are this topic go with it). */
  private readonly deleteListeners = new Set<(name: string) => void>();

  constructor(store: MetadataStore, options: TopicRegistryOptions) {
    this.store = store;
    this.options = options;
    this.idempotence = new Idempotence(store, { nowMs: options.nowMs });
  }

  /** Reads the stored definitions; call before LogManager.openAll so configFor knows them. */
  async load(): Promise<void> {
    const doc = (await this.store.read(TOPICS_DOCUMENT)) as TopicsDocument | undefined;
    for (const def of doc?.topics ?? []) {
      this.definitions.set(def.name, def);
      this.indexLogConfigs(def);
    }
  }

  configForLog(logName: string): Partial<PartitionLogConfig> | undefined {
    return this.logConfigs.get(logName);
  }

  /** Binds every defined topic to its partition logs, creating logs a crash left uncreated. */
  async attach(logs: LogManager): Promise<void> {
    this.logs = logs;
    for (const def of this.definitions.values()) {
      this.topics.set(def.name, new Topic(def, await this.openPartitions(def, 0, def.partitions)));
    }
  }

  list(): Topic[] {
    return [...this.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  /** Whether a definition exists (usable before attach()). */
  isDefined(name: string): boolean {
    return this.definitions.has(name);
  }

  /** The partition log, or WHARF_ERR_UNKNOWN_TOPIC / WHARF_ERR_UNKNOWN_PARTITION. */
  partition(topic: string, partition: number): PartitionLog {
    const t = this.topics.get(topic);
    if (t === undefined) throw brokerError(BrokerErrorCode.UNKNOWN_TOPIC, `unknown topic ${topic}`);
    const log = t.partitions[partition];
    if (log === undefined) throw brokerError(BrokerErrorCode.UNKNOWN_PARTITION, `topic ${topic} has no partition ${partition} (it has ${t.partitions.length})`);
    return log;
  }

  /** Every config of the topic: its overrides over the broker defaults. */
  effectiveConfigs(topic: Topic): Record<string, string> {
    return { ...defaultTopicConfigs(this.options.defaults), ...topic.definition.configs };
  }

  isDefaultConfig(topic: Topic, name: string): boolean {
    return topic.definition.configs[name] === undefined;
  }

  maxMessageBytes(topic: Topic): number {
    return numericConfig(this.effectiveConfigs(topic), 'max.message.bytes');
  }

  /** Validates a create without doing it (Kafka's validate_only). */
  validateCreate(name: string, partitions: number, configs: Readonly<Record<string, string | null>>): void {
    validateTopicName(name);
    if (RESERVED_TOPIC_NAMES.includes(name)) {
      throw brokerError(BrokerErrorCode.INVALID_TOPIC, `topic name '${name}' is reserved for the broker's committed offsets (consumer groups); choose another name`);
    }
    if (this.definitions.has(name)) throw brokerError(BrokerErrorCode.TOPIC_EXISTS, `topic ${name} already exists`);
    this.validatePartitionCount(partitions);
    for (const [k, v] of Object.entries(configs)) validateTopicConfig(k, v);
  }

  create(name: string, partitions: number, configs: Readonly<Record<string, string | null>> = {}): Promise<Topic> {
    return this.serialize(async () => {
      this.validateCreate(name, partitions, configs);
      const def: TopicDefinition = {
        name,
        topicId: randomBytes(16).toString('hex'),
        partitions,
        configs: withoutNulls(configs),
        createdMs: (this.options.nowMs ?? Date.now)(),
      };
      this.definitions.set(name, def);
      this.indexLogConfigs(def);
      try {
        await this.persist();
      } catch (err) {
        this.definitions.delete(name);
        throw err;
      }
      const topic = new Topic(def, await this.openPartitions(def, 0, partitions));
      this.topics.set(name, topic);
      return topic;
    });
  }

  delete(name: string): Promise<void> {
    return this.serialize(async () => {
      const topic = this.topics.get(name);
      if (topic === undefined) throw brokerError(BrokerErrorCode.UNKNOWN_TOPIC, `unknown topic ${name}`);
      this.definitions.delete(name);
      this.topics.delete(name);
      await this.persist();
      // Before the logs go, so readers of them (stream queue consumers) stop rather than fail.
      for (const listener of this.deleteListeners) listener(name);
      for (let p = 0; p < topic.partitions.length; p++) {
        const logName = partitionLogName(name, p);
        this.logConfigs.delete(logName);
        await this.requireLogs().delete(logName);
      }
    });
  }

  /** Calls `listener(name)` once a topic's deletion is durable, before its logs are deleted; returns the unsubscribe function. */
  onTopicDeleted(listener: (name: string) => void): () => void {
    this.deleteListeners.add(listener);
    return () => {
      this.deleteListeners.delete(listener);
    };
  }

  createPartitions(name: string, count: number, validateOnly = false): Promise<void> {
    return this.serialize(async () => {
      const topic = this.topics.get(name);
      if (topic === undefined) throw brokerError(BrokerErrorCode.UNKNOWN_TOPIC, `unknown topic ${name}`);
      this.validatePartitionCount(count);
      const current = topic.partitions.length;
      if (count <= current) {
        throw brokerError(BrokerErrorCode.INVALID_PARTITIONS, `topic ${name} has ${current} partitions; the new count must be larger (partitions are never removed)`);
      }
      if (validateOnly) return;
      topic.definition.partitions = count;
      this.indexLogConfigs(topic.definition);
      await this.persist();
      const added = await this.openPartitions(topic.definition, current, count);
      topic.partitions.push(...added);
      for (let i = 0; i < added.length; i++) topic.counters.push(new PartitionCounters());
    });
  }

  /**
   * Changes topic configs. `replace` (AlterConfigs) makes `configs` the whole set of overrides;
   * `incremental` (IncrementalAlterConfigs) sets the given ones and deletes those given as null.
   */
  alterConfigs(name: string, configs: Readonly<Record<string, string | null>>, mode: 'replace' | 'incremental', validateOnly = false): Promise<void> {
    return this.serialize(async () => {
      const topic = this.topics.get(name);
      if (topic === undefined) throw brokerError(BrokerErrorCode.UNKNOWN_TOPIC, `unknown topic ${name}`);
      for (const [k, v] of Object.entries(configs)) validateTopicConfig(k, v);
      if (validateOnly) return;
      const next = mode === 'replace' ? withoutNulls(configs) : { ...topic.definition.configs };
      if (mode === 'incremental') {
        for (const [k, v] of Object.entries(configs)) {
          if (v === null) delete next[k]; // eslint-disable-line no-restricted-syntax -- a plain record of config overrides, not a shaped object
          else next[k] = v;
        }
      }
      const before = topic.definition.configs;
      topic.definition.configs = next;
      try {
        await this.persist();
      } catch (err) {
        topic.definition.configs = before;
        throw err;
      }
      this.indexLogConfigs(topic.definition);
      const logConfig = this.logConfigFor(topic.definition);
      for (const log of topic.partitions) log.reconfigure(logConfig);
    });
  }

  private validatePartitionCount(count: number): void {
    if (!Number.isInteger(count) || count < 1 || count > this.options.partitionsMax) {
      throw brokerError(BrokerErrorCode.INVALID_PARTITIONS, `partition count ${count} must be from 1 to ${this.options.partitionsMax}`);
    }
  }

  private logConfigFor(def: TopicDefinition): Partial<PartitionLogConfig> {
    const c = { ...defaultTopicConfigs(this.options.defaults), ...def.configs };
    return {
      retentionMs: numericConfig(c, 'retention.ms'),
      retentionBytes: numericConfig(c, 'retention.bytes'),
      segmentBytesMax: numericConfig(c, 'segment.bytes'),
      segmentMs: numericConfig(c, 'segment.ms'),
      // The log's own per-batch bound must admit whatever max.message.bytes lets through.
      batchBytesMax: Math.max(DEFAULT_PARTITION_LOG_CONFIG.batchBytesMax, numericConfig(c, 'max.message.bytes')),
    };
  }

  private indexLogConfigs(def: TopicDefinition): void {
    const config = this.logConfigFor(def);
    for (let p = 0; p < def.partitions; p++) this.logConfigs.set(partitionLogName(def.name, p), config);
  }

  private async openPartitions(def: TopicDefinition, from: number, to: number): Promise<PartitionLog[]> {
    const logs = this.requireLogs();
    const config = this.logConfigFor(def);
    const out: PartitionLog[] = [];
    for (let p = from; p < to; p++) {
      const name = partitionLogName(def.name, p);
      out.push(logs.get(name) ?? (await logs.create(name, config)));
    }
    return out;
  }

  private requireLogs(): LogManager {
    if (this.logs === undefined) throw new Error('TopicRegistry used before attach()');
    return this.logs;
  }

  private persist(): Promise<void> {
    const doc: TopicsDocument = { version: 1, topics: [...this.definitions.values()] };
    return this.store.write(TOPICS_DOCUMENT, doc);
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => undefined);
    return run;
  }
}

function withoutNulls(configs: Readonly<Record<string, string | null>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(configs)) if (v !== null) out[k] = v;
  return out;
}
