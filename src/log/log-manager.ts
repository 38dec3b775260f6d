// Owns the data directory's partition logs (`<root>/<name>/`): opens and recovers them all at
// start, creates and deletes them, shares one FdCache, and runs retention on a timer.
import { DELETING_DIR_SUFFIX, joinPath } from './layout.js';
import { FdCache, FD_CACHE_HANDLES_MAX_DEFAULT } from './fd-cache.js';
import { NodeFileIO, type FileIO } from './file-io.js';
import { LogErrorCode, logError } from './log-errors.js';
import { PartitionLog, type RetentionResult } from './partition-log.js';
import { resolvePartitionLogConfig, type PartitionLogConfig } from './partition-log-config.js';
import type { RecoveryReport, RecoveryTruncation } from './recovery.js';
import type { DurationSink } from '../util/duration-sink.js';

export const RETENTION_CHECK_INTERVAL_MS_DEFAULT = 5 * 60 * 1000;
const OPEN_CONCURRENCY_DEFAULT = 16;
const LOG_NAME = /^[A-Za-z0-9._~-]{1,255}$/;

export interface LogManagerOptions {
  fileIO?: FileIO;
  /** Open files shared by all partitions (default 1024). */
  fileHandlesMax?: number;
  /** Config of every partition unless configFor says otherwise. */
  defaults?: Partial<PartitionLogConfig>;
  /** Per-partition config for openAll (the broker keeps topic configs; the log does not). */
  configFor?: (name: string) => Partial<PartitionLogConfig> | undefined;
  /** How often retention runs; 0 disables the timer (default 5 minutes). */
  retentionCheckIntervalMs?: number;
  /** Partitions opened at once by openAll and closed at once by close (default 16). */
  openConcurrency?: number;
  nowMs?: () => number;
  /** Told how long each fdatasync of a segment file took (metrics). */
  datasyncDurations?: DurationSink;
}

export interface PartitionRecovery {
  name: string;
  recovery: RecoveryReport;
}

/** What openAll found: one report per partition, and every truncation named by partition. */
export interface LogManagerRecovery {
  partitions: number;
  truncatedBytes: number;
  truncations: Array<RecoveryTruncation & { name: string }>;
  reports: PartitionRecovery[];
}

export interface RetentionPassResult extends RetentionResult {
  /** Partitions whose retention failed (a failed or closing log); the others were still checked. */
  errors: Array<{ name: string; error: Error }>;
}

/** Throws WHARF_ERR_INVALID_LOG_NAME unless `name` is [A-Za-z0-9._~-]{1,255} and not `.` or `..`. */
export function validateLogName(name: string): void {
  if (!LOG_NAME.test(name) || name === '.' || name === '..') {
    throw logError(LogErrorCode.INVALID_LOG_NAME, `partition log name '${name}' must be 1-255 of [A-Za-z0-9._~-] and not '.' or '..'; choose another name`);
  }
}

export class LogManager {
  readonly rootDir: string;
  readonly fdCache: FdCache;
  private readonly defaultConfig: Partial<PartitionLogConfig>;
  private readonly configFor: (name: string) => Partial<PartitionLogConfig> | undefined;
  private readonly retentionCheckIntervalMs: number;
  private readonly openConcurrency: number;
  private readonly clock: () => number;
  private readonly datasyncDurations: DurationSink | undefined;
  private readonly logs = new Map<string, PartitionLog>();
  /** Names being created or deleted right now. */
  private readonly busy = new Set<string>();
  private retentionTimer: ReturnType<typeof setInterval> | null = null;
  private retentionRunning: Promise<RetentionPassResult> | null = null;
  private closed = false;

  constructor(rootDir: string, options: LogManagerOptions = {}) {
    this.rootDir = rootDir;
    this.fdCache = new FdCache(options.fileIO ?? new NodeFileIO(), options.fileHandlesMax ?? FD_CACHE_HANDLES_MAX_DEFAULT);
    this.defaultConfig = options.defaults ?? {};
    resolvePartitionLogConfig(this.defaultConfig);
    this.configFor = options.configFor ?? (() => undefined);
    this.retentionCheckIntervalMs = options.retentionCheckIntervalMs ?? RETENTION_CHECK_INTERVAL_MS_DEFAULT;
    this.openConcurrency = options.openConcurrency ?? OPEN_CONCURRENCY_DEFAULT;
    this.clock = options.nowMs ?? Date.now;
    this.datasyncDurations = options.datasyncDurations;
    if (!Number.isSafeInteger(this.retentionCheckIntervalMs) || this.retentionCheckIntervalMs < 0 || this.retentionCheckIntervalMs > 0x7fff_ffff) {
      throw logError(LogErrorCode.LOG_CONFIG, `retentionCheckIntervalMs=${this.retentionCheckIntervalMs} must be an integer in [0, ${0x7fff_ffff}]`);
    }
    if (!Number.isSafeInteger(this.openConcurrency) || this.openConcurrency < 1) {
      throw logError(LogErrorCode.LOG_CONFIG, `openConcurrency=${this.openConcurrency} must be an integer ≥ 1`);
    }
  }

  /** Recovers every partition directory under the root and finishes interrupted deletes. */
  async openAll(): Promise<LogManagerRecovery> {
    this.requireOpen();
    const io = this.fdCache.fileIO;
    await io.mkdirp(this.rootDir);
    const names = await this.fdCache.withSlot(() => io.readdir(this.rootDir));
    const toOpen: string[] = [];
    for (const name of names) {
      const path = joinPath(this.rootDir, name);
      if (name.endsWith(DELETING_DIR_SUFFIX)) {
        await io.rmrf(path);
        continue;
      }
      if (!LOG_NAME.test(name) || name === '.' || name === '..' || this.logs.has(name)) continue;
      if ((await io.stat(path)).isDirectory) toOpen.push(name);
    }
    const reports: PartitionRecovery[] = [];
    await forEachLimited(toOpen, this.openConcurrency, async (name) => {
      const log = await this.openLog(name, this.configFor(name));
      reports.push({ name, recovery: log.recovery });
    });
    reports.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const result: LogManagerRecovery = { partitions: reports.length, truncatedBytes: 0, truncations: [], reports };
    for (const { name, recovery } of reports) {
      result.truncatedBytes += recovery.bytesTruncated;
      for (const t of recovery.truncations) result.truncations.push({ name, ...t });
    }
    return result;
  }

  /** Starts the retention timer (every retentionCheckIntervalMs; idempotent, unref'd). */
  startRetention(): void {
    this.requireOpen();
    if (this.retentionTimer !== null || this.retentionCheckIntervalMs === 0) return;
    this.retentionTimer = setInterval(() => {
      void this.applyRetention().catch(() => undefined);
    }, this.retentionCheckIntervalMs);
    this.retentionTimer.unref();
  }

  get(name: string): PartitionLog | undefined {
    return this.logs.get(name);
  }

  names(): string[] {
    return [...this.logs.keys()].sort();
  }

  /** Creates a new, empty partition log; WHARF_ERR_LOG_EXISTS when the name is taken. */
  async create(name: string, config?: Partial<PartitionLogConfig>): Promise<PartitionLog> {
    this.requireOpen();
    validateLogName(name);
    if (this.logs.has(name) || this.busy.has(name)) throw this.exists(name);
    this.busy.add(name);
    try {
      if (await this.fdCache.fileIO.exists(joinPath(this.rootDir, name))) throw this.exists(name);
      await this.fdCache.fileIO.mkdirp(this.rootDir);
      return await this.openLog(name, config);
    } finally {
      this.busy.delete(name);
    }
  }

  /** Closes the log and removes its directory (renamed aside first, so a crash cannot half-delete it). */
  async delete(name: string): Promise<void> {
    this.requireOpen();
    validateLogName(name);
    const log = this.logs.get(name);
    if (log === undefined || this.busy.has(name)) {
      throw logError(LogErrorCode.UNKNOWN_LOG, `no partition log named '${name}' is open; list them with names()`);
    }
    this.busy.add(name);
    try {
      this.logs.delete(name);
      await log.close().catch(() => undefined);
      const io = this.fdCache.fileIO;
      const dir = joinPath(this.rootDir, name);
      const aside = dir + DELETING_DIR_SUFFIX;
      await io.rename(dir, aside);
      await this.fdCache.withSlot(() => io.fsyncDir(this.rootDir));
      await io.rmrf(aside);
    } finally {
      this.busy.delete(name);
    }
  }

  /** One retention pass over every partition (the timer calls this too). */
  applyRetention(nowMs: number = this.clock()): Promise<RetentionPassResult> {
    if (this.retentionRunning !== null) return this.retentionRunning;
    const run = (async () => {
      const result: RetentionPassResult = { deletedSegments: 0, deletedBytes: 0, errors: [] };
      for (const [name, log] of [...this.logs]) {
        try {
          const r = await log.applyRetention(nowMs);
          result.deletedSegments += r.deletedSegments;
          result.deletedBytes += r.deletedBytes;
        } catch (err) {
          result.errors.push({ name, error: err instanceof Error ? err : new Error(String(err)) });
        }
      }
      return result;
    })();
    this.retentionRunning = run;
    return run.finally(() => {
      this.retentionRunning = null;
    });
  }

  /** Stops retention and closes every log and file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retentionTimer !== null) clearInterval(this.retentionTimer);
    this.retentionTimer = null;
    if (this.retentionRunning !== null) await this.retentionRunning.catch(() => undefined);
    const logs = [...this.logs.values()];
    this.logs.clear();
    const errors: unknown[] = [];
    await forEachLimited(logs, this.openConcurrency, (log) => log.close().catch((err: unknown) => void errors.push(err)));
    await this.fdCache.closeAll();
    if (errors.length > 0) throw errors[0];
  }

  private async openLog(name: string, config: Partial<PartitionLogConfig> | undefined): Promise<PartitionLog> {
    const log = await PartitionLog.open(
      joinPath(this.rootDir, name),
      { ...this.defaultConfig, ...config },
      { fdCache: this.fdCache, nowMs: this.clock, datasyncDurations: this.datasyncDurations },
    );
    this.logs.set(name, log);
    return log;
  }

  private requireOpen(): void {
    if (this.closed) throw logError(LogErrorCode.LOG_CLOSED, `log manager for ${this.rootDir} is closed`);
  }

  private exists(name: string): Error {
    return logError(LogErrorCode.LOG_EXISTS, `partition log '${name}' already exists in ${this.rootDir}; use get() or delete it first`);
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, items.length); i++) workers.push(worker());
  await Promise.all(workers);
}
