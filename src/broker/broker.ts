// The broker model's root: it owns the data directory, the partition logs, the topics and the
// consumer-group coordinator (and, as the protocols land, queues and exchanges). Protocol-neutral:
// listeners call into it.
import type { Logger } from 'pino';
import { LogManager } from '../log/log-manager.js';
import { DEFAULT_PARTITION_LOG_CONFIG, parseFlushPolicy, type PartitionLogConfig } from '../log/partition-log.js';
import { FileMetadataStore, type MetadataStore } from '../cluster/metadata-store.js';
import { BrokerErrorCode, brokerError } from './broker-errors.js';
import { dataDirPaths, lockDataDir, type DataDirLock, type DataDirPaths } from './data-dir.js';
import { GroupCoordinator, LogOffsetStore, OFFSETS_LOG_CONFIG, OFFSETS_LOG_NAME } from './groups/index.js';
import { RESERVED_TOPIC_NAMES, TopicRegistry } from './topics.js';
import { AmqpBroker } from './amqp/amqp-broker.js';
import { parseAmqpUsers, parseAmqpVhosts } from './amqp-settings.js';
import type { PartitionLogConfig as LogConfig } from '../log/partition-log.js';
import type { DurationSink } from '../util/duration-sink.js';

/** Log names of AMQP queues (`~q.<id>`): `~` cannot appear in a Kafka topic name, so they never clash. */
const QUEUE_LOG_PREFIX = '~q.';
/**
 * Queue logs are trimmed by acknowledgements, never by time or size, and use small segments so
 * that acknowledged messages give their disk space back soon.
 */
const QUEUE_LOG_CONFIG: Partial<LogConfig> = { retentionMs: -1, retentionBytes: -1, segmentBytesMax: 64 * 1024 * 1024 };

export interface BrokerOptions {
  dataDir: string;
  flushPolicy: string;
  segmentBytes: number;
  segmentMs: number;
  retentionMs: number;
  retentionBytes: number;
  retentionCheckIntervalMs: number;
  indexIntervalBytes: number;
  fileHandlesMax: number;
  maxMessageBytes: number;
  partitionsMax: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
  groupSessionTimeoutMinMs: number;
  groupSessionTimeoutMaxMs: number;
  offsetMetadataBytesMax: number;
  /** AMQP users as `name:password[:tag]` entries (empty: guest/guest from loopback) and the vhosts that exist at start. */
  amqpUsers: string;
  amqpVhosts: string;
  amqpAckStateIntervalMs: number;
  logger: Logger;
  /** Told how long each fdatasync of a log took (the metrics' histogram); absent: not timed. */
  datasyncDurations?: DurationSink;
}

export function partitionLogDefaults(options: BrokerOptions): PartitionLogConfig {
  return {
    ...DEFAULT_PARTITION_LOG_CONFIG,
    segmentBytesMax: options.segmentBytes,
    segmentMs: options.segmentMs,
    retentionMs: options.retentionMs,
    retentionBytes: options.retentionBytes,
    indexIntervalBytes: options.indexIntervalBytes,
    flushPolicy: parseFlushPolicy(options.flushPolicy),
    // A produce may carry several batches per partition; each is also held to max.message.bytes.
    batchBytesMax: Math.max(DEFAULT_PARTITION_LOG_CONFIG.batchBytesMax, options.maxMessageBytes),
  };
}

export class Broker {
  readonly paths: DataDirPaths;
  readonly logs: LogManager;
  readonly topics: TopicRegistry;
  /** Consumer groups and committed offsets, stored in the internal log OFFSETS_LOG_NAME. */
  readonly groups: GroupCoordinator;
  /** Broker metadata documents (topics, cluster identity, …) under data/meta/. */
  readonly metadata: MetadataStore;
  /** The AMQP model: vhosts, exchanges, bindings, queues (durable ones on `~q.<id>` logs). */
  readonly amqp: AmqpBroker;
  private readonly lock: DataDirLock;
  private readonly logger: Logger;
  private closed = false;

  private constructor(paths: DataDirPaths, lock: DataDirLock, logs: LogManager, topics: TopicRegistry, groups: GroupCoordinator, metadata: MetadataStore, amqp: AmqpBroker, logger: Logger) {
    this.metadata = metadata;
    this.amqp = amqp;
    this.paths = paths;
    this.lock = lock;
    this.logs = logs;
    this.topics = topics;
    this.groups = groups;
    this.logger = logger;
  }

  /**
   * Takes the data directory's lock, recovers every partition log, replays the committed offsets
   * and stored groups, and starts retention.
   */
  static async open(options: BrokerOptions): Promise<Broker> {
    const paths = dataDirPaths(options.dataDir);
    const lock = lockDataDir(paths);
    const logger = options.logger;
    if (lock.staleOwnerPid !== undefined) {
      logger.warn({ dataDir: paths.root, stalePid: lock.staleOwnerPid }, 'took over the lock of a broker that is no longer running (it did not shut down cleanly); recovering logs');
    }
    let logs: LogManager | undefined;
    try {
      const metadata = new FileMetadataStore(paths.meta);
      const topics = new TopicRegistry(metadata, {
        defaults: {
          retentionMs: options.retentionMs,
          retentionBytes: options.retentionBytes,
          segmentBytes: options.segmentBytes,
          segmentMs: options.segmentMs,
          maxMessageBytes: options.maxMessageBytes,
        },
        partitionsMax: options.partitionsMax,
      });
      await topics.load();
      // A topic may not own the offsets log's directory (`__consumer_offsets` partition 0): refused
      // at create since this version; a data directory from before must be fixed by hand.
      const clash = RESERVED_TOPIC_NAMES.find((name) => topics.isDefined(name));
      if (clash !== undefined) {
        throw brokerError(BrokerErrorCode.INVALID_TOPIC,
          `the data directory defines a topic named ${clash}, whose partition log is the broker's committed-offsets log; remove that topic from ${paths.meta} (topics document) before starting this Wharf`);
      }
      logs = new LogManager(paths.logs, {
        defaults: partitionLogDefaults(options),
        // The offsets log gets its settings (no retention, fsync on every commit) from the first
        // open, so no retention pass can run on it before the store is attached.
        configFor: (name) => (name === OFFSETS_LOG_NAME ? OFFSETS_LOG_CONFIG : name.startsWith(QUEUE_LOG_PREFIX) ? QUEUE_LOG_CONFIG : topics.configForLog(name)),
        fileHandlesMax: options.fileHandlesMax,
        retentionCheckIntervalMs: options.retentionCheckIntervalMs,
        datasyncDurations: options.datasyncDurations,
      });
      const started = Date.now();
      const report = await logs.openAll();
      for (const r of report.truncations) {
        logger.warn(r, 'recovery truncated a torn or corrupt tail');
      }
      await topics.attach(logs);
      const groups = await openGroupCoordinator(logs, topics, options);
      const openedLogs = logs;
      const amqp = await AmqpBroker.open({
        metadata,
        logger,
        users: parseAmqpUsers(options.amqpUsers),
        vhosts: parseAmqpVhosts(options.amqpVhosts),
        queueDeps: {
          openLog: async (name) => openedLogs.get(name) ?? (await openedLogs.create(name, QUEUE_LOG_CONFIG)),
          deleteLog: async (name) => {
            if (openedLogs.get(name) !== undefined) await openedLogs.delete(name);
          },
          ackStateIntervalMs: options.amqpAckStateIntervalMs,
        },
        // Stream queues of vhost '/' are topics; those of other vhosts have `~s.<id>` logs.
        streams: {
          topics,
          openLog: async (name, config) => openedLogs.get(name) ?? (await openedLogs.create(name, config)),
          deleteLog: async (name) => {
            if (openedLogs.get(name) !== undefined) await openedLogs.delete(name);
          },
        },
      });
      logger.info({
        dataDir: paths.root, topics: topics.list().length, partitions: report.partitions, truncatedBytes: report.truncatedBytes,
        offsetsLogEntries: groups.loaded.entries, amqpQueues: amqp.vhostNames().reduce((n, v) => n + (amqp.vhost(v)?.listQueues().length ?? 0), 0), ms: Date.now() - started,
      }, 'data directory open, logs recovered');
      logs.startRetention();
      return new Broker(paths, lock, logs, topics, groups, metadata, amqp, logger);
    } catch (err) {
      await logs?.close().catch(() => undefined);
      lock.release();
      throw err;
    }
  }

  /**
   * Closes the group coordinator (its long polls answer COORDINATOR_NOT_AVAILABLE and its appends
   * finish), then flushes and closes every log, then releases the data directory.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.groups.close();
      await this.amqp.close();
      await this.logs.close();
    } finally {
      this.lock.release();
    }
    this.logger.debug({ dataDir: this.paths.root }, 'data directory closed');
  }
}

/** Opens (or creates) the offsets log and replays it into a coordinator that knows the topics. */
async function openGroupCoordinator(logs: LogManager, topics: TopicRegistry, options: BrokerOptions): Promise<GroupCoordinator> {
  const log = logs.get(OFFSETS_LOG_NAME) ?? (await logs.create(OFFSETS_LOG_NAME, OFFSETS_LOG_CONFIG));
  const logger = options.logger;
  return GroupCoordinator.open(new LogOffsetStore(log), {
    initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
    groupMaxSize: options.groupMaxSize,
    sessionTimeoutMinMs: options.groupSessionTimeoutMinMs,
    sessionTimeoutMaxMs: options.groupSessionTimeoutMaxMs,
    offsetMetadataBytesMax: options.offsetMetadataBytesMax,
    partitionExists: (topic, partition) => {
      const t = topics.get(topic);
      return t !== undefined && Number.isInteger(partition) && partition >= 0 && partition < t.partitions.length;
    },
    onStoreError: (err, action) => logger.error({ err, action }, 'consumer groups: writing to the offsets log failed'),
  });
}
