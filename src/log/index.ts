// Public entry points of the storage engine (src/log/README.md describes them).
export { PartitionLog } from './partition-log.js';
export type { AppendResult, ReadResult, TimestampOffset, RetentionResult, PartitionLogDeps } from './partition-log.js';
export { LogManager, validateLogName, RETENTION_CHECK_INTERVAL_MS_DEFAULT } from './log-manager.js';
export type { LogManagerOptions, LogManagerRecovery, PartitionRecovery, RetentionPassResult } from './log-manager.js';
export {
  DEFAULT_PARTITION_LOG_CONFIG,
  parseFlushPolicy,
  formatFlushPolicy,
  resolvePartitionLogConfig,
} from './partition-log-config.js';
export type { FlushPolicy, PartitionLogConfig } from './partition-log-config.js';
export type { RecoveryReport, RecoveryTruncation } from './recovery.js';
export { LogErrorCode } from './log-errors.js';
export { FdCache, FD_CACHE_HANDLES_MAX_DEFAULT } from './fd-cache.js';
export { NodeFileIO } from './file-io.js';
export type { FileIO, FileHandle, FileStat } from './file-io.js';
export { MemoryFileIO } from './memory-file-io.js';
export { FaultyFileIO } from './faulty-file-io.js';
