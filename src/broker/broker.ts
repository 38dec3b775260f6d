// The broker model's root: it owns the data directory, the partition logs and (as the protocols
// land) topics, queues, exchanges and groups. Protocol-neutral: listeners call into it.
import type { Logger } from 'pino';
import { LogManager } from '../log/log-manager.js';
import { DEFAULT_PARTITION_LOG_CONFIG, parseFlushPolicy, type PartitionLogConfig } from '../log/partition-log.js';
import { FileMetadataStore, type MetadataStore } from '../cluster/metadata-store.js';
import { dataDirPaths, lockDataDir, type DataDirLock, type DataDirPaths } from './data-dir.js';
import { TopicRegistry } from './topics.js';

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
  logger: Logger;
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
  /** Broker metadata documents (topics, cluster identity, …) under data/meta/. */
  readonly metadata: MetadataStore;
  private readonly lock: DataDirLock;
  private readonly logger: Logger;
  private closed = false;

  private constructor(paths: DataDirPaths, lock: DataDirLock, logs: LogManager, topics: TopicRegistry, metadata: MetadataStore, logger: Logger) {
    this.metadata = metadata;
    this.paths = paths;
    this.lock = lock;
    this.logs = logs;
    this.topics = topics;
    this.logger = logger;
  }

  /** Takes the data directory's lock, recovers every partition log, and starts retention. */
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
      logs = new LogManager(paths.logs, {
        defaults: partitionLogDefaults(options),
        configFor: (name) => topics.configForLog(name),
        fileHandlesMax: options.fileHandlesMax,
        retentionCheckIntervalMs: options.retentionCheckIntervalMs,
      });
      const started = Date.now();
      const report = await logs.openAll();
      for (const r of report.truncations) {
        logger.warn(r, 'recovery truncated a torn or corrupt tail');
      }
      await topics.attach(logs);
      logger.info({ dataDir: paths.root, topics: topics.list().length, partitions: report.partitions, truncatedBytes: report.truncatedBytes, ms: Date.now() - started }, 'data directory open, logs recovered');
      logs.startRetention();
      return new Broker(paths, lock, logs, topics, metadata, logger);
    } catch (err) {
      await logs?.close().catch(() => undefined);
      lock.release();
      throw err;
    }
  }

  /** Flushes and closes every log, then releases the data directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.logs.close();
    } finally {
      this.lock.release();
    }
    this.logger.debug({ dataDir: this.paths.root }, 'data directory closed');
  }
}
