// Where a stream queue's records live. In vhost '/' a stream queue named N *is* the Kafka topic N
// with one partition: declaring the stream creates the topic (or attaches an existing
// one-partition topic, keeping its records), deleting the stream deletes the topic, and deleting
// the topic over Kafka deletes the stream queue. Streams of other vhosts are not topics: each has
// a private log `~s.<queue id>` (`~` cannot appear in a topic name), so vhosts stay isolated.
import type { Logger } from 'pino';
import type { PartitionLog, PartitionLogConfig } from '../../log/partition-log.js';
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import type { PartitionCounters } from '../traffic-counters.js';
import { RESERVED_TOPIC_NAMES, validateTopicName, type Topic, type TopicRegistry } from '../topics.js';
import { resourceText } from './equivalence.js';
import type { ModelQueueDefinition } from './model-queue.js';
import { streamTopicConfigs, type StreamArguments } from './stream-arguments.js';

/** The vhost whose stream queues share the Kafka topic namespace. */
export const STREAM_TOPIC_VHOST = '/';
/** Log names of streams of other vhosts. */
export const STREAM_LOG_PREFIX = '~s.';

export interface StreamStorageDeps {
  topics: TopicRegistry;
  /** Opens (or creates, with `config`) a log outside the topics. */
  openLog(name: string, config: Partial<PartitionLogConfig>): Promise<PartitionLog>;
  deleteLog(name: string): Promise<void>;
  logger: Logger;
}

/** The log a stream queue reads and appends, and what it is. */
export interface StreamLog {
  readonly log: PartitionLog;
  /** The Kafka topic the stream is (vhost '/'); null for a private log. */
  readonly topic: Topic | null;
  /** Partition 0's traffic counters when the stream is a topic. */
  readonly counters: PartitionCounters | null;
}

export function streamLogName(id: number): string {
  return `${STREAM_LOG_PREFIX}${id}`;
}

/** The config of a private stream log: no retention unless the arguments ask for it (RabbitMQ's default). */
function privateLogConfig(a: StreamArguments): Partial<PartitionLogConfig> {
  const config: Partial<PartitionLogConfig> = { retentionMs: a.maxAgeMs, retentionBytes: a.maxLengthBytes };
  if (a.segmentBytes > 0) config.segmentBytesMax = a.segmentBytes;
  return config;
}

/** A stored stream whose name cannot be a topic (a definition from before streams were topics) keeps a private log. */
function isTopicName(name: string): boolean {
  try {
    validateTopicName(name);
    return !RESERVED_TOPIC_NAMES.includes(name);
  } catch {
    return false;
  }
}

export class StreamStorage {
  private readonly deps: StreamStorageDeps;
  /** Topic name → what its stream queue does when the topic is deleted over Kafka. */
  private readonly onTopicGone = new Map<string, () => void>();

  constructor(deps: StreamStorageDeps) {
    this.deps = deps;
    deps.topics.onTopicDeleted((name) => {
      const gone = this.onTopicGone.get(name);
      if (gone === undefined) return;
      this.onTopicGone.delete(name);
      try {
        gone();
      } catch (err) {
        // The topic's deletion goes on (its logs are removed) whatever a stream queue made of it.
        deps.logger.error({ err, topic: name }, 'removing the stream queue of a deleted topic failed');
      }
    });
  }

  /** The checks of a new stream that need no I/O: its name as a topic, and an existing topic's partitions. */
  check(vhost: string, name: string): void {
    if (vhost !== STREAM_TOPIC_VHOST) return;
    const where = resourceText('queue', name, vhost);
    try {
      validateTopicName(name);
    } catch {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `${where} cannot be a stream: in vhost '/' a stream is the Kafka topic of the same name, and topic names are 1-249 of [a-zA-Z0-9._-]; choose such a name`);
    }
    if (RESERVED_TOPIC_NAMES.includes(name)) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `${where} cannot be a stream: topic '${name}' is reserved for the broker's committed offsets`);
    }
    const topic = this.deps.topics.get(name);
    if (topic !== undefined && topic.partitions.length !== 1) {
      throw brokerError(BrokerErrorCode.PRECONDITION_FAILED, `${where} cannot be a stream: Kafka topic '${name}' has ${topic.partitions.length} partitions and a stream queue is a topic with exactly 1; use another name, or a topic with one partition`);
    }
  }

  /**
   * The stream's log. A new stream in '/' creates its topic (retention as its arguments say,
   * forever otherwise) or attaches the existing topic and applies the arguments it was given; a
   * restored one attaches its topic, recreating it empty if it went missing. The stream is
   * partition 0 (partitions added over Kafka later are not part of it).
   */
  async open(def: ModelQueueDefinition, args: StreamArguments, isNew: boolean, onTopicGone: () => void): Promise<StreamLog> {
    if (def.vhost !== STREAM_TOPIC_VHOST || (!isNew && this.deps.topics.get(def.name) === undefined && !isTopicName(def.name))) {
      const log = await this.deps.openLog(streamLogName(def.id), privateLogConfig(args));
      log.reconfigure(privateLogConfig(args));
      return { log, topic: null, counters: null };
    }
    const topics = this.deps.topics;
    let topic = topics.get(def.name);
    const given = streamTopicConfigs(args);
    if (topic === undefined) {
      if (!isNew) this.deps.logger.warn({ queue: def.name }, 'the Kafka topic of a stored stream queue is missing; recreating it empty');
      topic = await topics.create(def.name, 1, { 'retention.ms': '-1', 'retention.bytes': '-1', ...given });
    } else if (isNew && Object.keys(given).length > 0) {
      await topics.alterConfigs(def.name, given, 'incremental');
    }
    this.onTopicGone.set(def.name, onTopicGone);
    return { log: topic.partitions[0] as PartitionLog, topic, counters: topic.counters[0] ?? null };
  }

  /** Deletes the stream's records: its topic (unless already gone) or its private log. */
  async delete(def: ModelQueueDefinition, stream: StreamLog): Promise<void> {
    if (stream.topic === null) {
      await this.deps.deleteLog(streamLogName(def.id));
      return;
    }
    this.forget(def, stream);
    if (this.deps.topics.get(def.name) === stream.topic) await this.deps.topics.delete(def.name);
  }

  /** Stops listening for the topic's deletion (the stream queue is closing or deleted). */
  forget(def: ModelQueueDefinition, stream: StreamLog): void {
    if (stream.topic !== null) this.onTopicGone.delete(def.name);
  }
}
