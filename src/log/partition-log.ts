// The partition log: an ordered list of segments, the last one active. Appends go through the
// group-commit Appender; reads return whole batches below the high watermark; roll, truncate,
// deleteRecordsBefore, retention and close run one at a time in the appender's lane.
import type { DurationSink } from '../util/duration-sink.js';
import { WharfError } from '../util/wharf-error.js';
import { Appender, type AppendResult, type AppenderHost } from './appender.js';
import { FdCache } from './fd-cache.js';
import { NodeFileIO, type FileIO } from './file-io.js';
import { CLEAN_SHUTDOWN_FILE, LOG_START_OFFSET_FILE, encodeOffsetText, joinPath } from './layout.js';
import { LogErrorCode, logError } from './log-errors.js';
import { formatFlushPolicy, resolvePartitionLogConfig, type PartitionLogConfig } from './partition-log-config.js';
import { recoverPartition, type RecoveryReport } from './recovery.js';
import { retentionDeleteCount } from './retention.js';
import { Segment, type SegmentContext } from './segment.js';

export type { AppendResult } from './appender.js';
export { DEFAULT_PARTITION_LOG_CONFIG, parseFlushPolicy, formatFlushPolicy } from './partition-log-config.js';
export type { FlushPolicy, PartitionLogConfig } from './partition-log-config.js';
export type { RecoveryReport, RecoveryTruncation } from './recovery.js';

export interface ReadResult {
  /** Whole batches, starting with the one containing the requested offset; empty at the high watermark. */
  bytes: Buffer;
  highWatermark: number;
  logStartOffset: number;
}

export interface TimestampOffset {
  offset: number;
  timestampMs: number;
}

export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
}

export interface PartitionLogDeps {
  fileIO?: FileIO;
  /** Shared by every partition of a broker; a log opened without one gets its own. */
  fdCache?: FdCache;
  nowMs?: () => number;
  onRecovery?: (report: RecoveryReport) => void;
  /** Told how long each fdatasync of a segment file took (metrics). */
  datasyncDurations?: DurationSink;
}

const EMPTY = Buffer.alloc(0);
const noop = (): void => undefined;

export class PartitionLog implements AppenderHost {
  readonly dir: string;
  readonly recovery: RecoveryReport;
  private configValue: PartitionLogConfig;
  private readonly ctx: SegmentContext;
  private readonly fdCache: FdCache;
  private readonly ownsFdCache: boolean;
  private readonly clock: () => number;
  private segments: Segment[];
  private logStartOffsetValue: number;
  private readonly appender: Appender;
  private readonly watchers = new Set<(highWatermark: number) => void>();
  private closing: Promise<void> | null = null;
  /** Bumped by every truncation, so a read that overlapped one can tell. */
  private truncations = 0;
  /** Settles when the truncation in progress is over. */
  private truncating: Promise<void> | null = null;

  private constructor(
    dir: string, config: PartitionLogConfig, ctx: SegmentContext, ownsFdCache: boolean, clock: () => number,
    segments: Segment[], logStartOffset: number, recovery: RecoveryReport,
  ) {
    this.dir = dir;
    this.configValue = config;
    this.ctx = ctx;
    this.fdCache = ctx.fdCache;
    this.ownsFdCache = ownsFdCache;
    this.clock = clock;
    this.segments = segments;
    this.logStartOffsetValue = logStartOffset;
    this.recovery = recovery;
    this.appender = new Appender(this, this.activeSegment().nextOffset);
  }

  /** Opens (creating or recovering) the partition log in `dir`. */
  static async open(dir: string, config: Partial<PartitionLogConfig> = {}, deps: PartitionLogDeps = {}): Promise<PartitionLog> {
    const resolved = resolvePartitionLogConfig(config);
    if (deps.fdCache !== undefined && deps.fileIO !== undefined && deps.fdCache.fileIO !== deps.fileIO) {
      throw logError(LogErrorCode.LOG_CONFIG, 'PartitionLog.open: deps.fdCache uses a different FileIO than deps.fileIO; pass one of them');
    }
    const fdCache = deps.fdCache ?? new FdCache(deps.fileIO ?? new NodeFileIO());
    const clock = deps.nowMs ?? Date.now;
    const ctx: SegmentContext & { nowMs: () => number } = { dir, fdCache, indexIntervalBytes: resolved.indexIntervalBytes, nowMs: clock, datasyncDurations: deps.datasyncDurations };
    let recovered;
    try {
      recovered = await recoverPartition(ctx);
    } catch (err) {
      if (deps.fdCache === undefined) await fdCache.closeAll();
      if (err instanceof WharfError) throw err;
      throw logError(LogErrorCode.LOG_IO, `opening partition log ${dir} failed: ${String(err)}; check the disk and permissions, then retry`, err);
    }
    const log = new PartitionLog(dir, resolved, ctx, deps.fdCache === undefined, clock, recovered.segments, recovered.logStartOffset, recovered.report);
    deps.onRecovery?.(recovered.report);
    return log;
  }

  get config(): PartitionLogConfig {
    return this.configValue;
  }

  /**
   * Changes settings of the open log (a topic config update). Sizes, ages, retention and the
   * index interval apply from the next append or retention pass; a new flush policy applies to
   * the next group commit (bytes acknowledged under `never` are not synced retroactively).
   * Throws WHARF_ERR_LOG_CONFIG and changes nothing when a value is out of range.
   */
  reconfigure(config: Partial<PartitionLogConfig>): void {
    this.requireOpen();
    const next = resolvePartitionLogConfig({ ...this.configValue, ...config });
    const policyChanged = formatFlushPolicy(next.flushPolicy) !== formatFlushPolicy(this.configValue.flushPolicy);
    this.configValue = next;
    this.ctx.indexIntervalBytes = next.indexIntervalBytes;
    if (policyChanged) this.appender.restartIntervalTimer();
  }

  get logStartOffset(): number {
    return this.logStartOffsetValue;
  }

  /** One past the last offset written to the segment files. */
  get logEndOffset(): number {
    return this.appender.writtenOffset;
  }

  /** One past the last offset durable under the flush policy; reads never pass it. */
  get highWatermark(): number {
    return this.appender.durableOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.sizeBytes;
    return total;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** The three offsets of the appender, for tests and metrics. */
  get offsets(): { appendedOffset: number; writtenOffset: number; durableOffset: number } {
    const a = this.appender;
    return { appendedOffset: a.appendedOffset, writtenOffset: a.writtenOffset, durableOffset: a.durableOffset };
  }

  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }

  /** Non-null once a disk error stopped appends. */
  get failure(): WharfError | null {
    return this.appender.failed;
  }

  /**
   * Appends one or more whole RecordBatch v2 batches. The log owns `batches` until the returned
   * promise settles: it patches their base offsets in place and writes them. Once it has settled
   * (durable under the flush policy, or refused) the log keeps no reference to them, so the caller
   * may reuse the memory (the Kafka session reuses produce frames).
   */
  append(batches: Buffer): Promise<AppendResult> {
    return this.appender.append(batches);
  }

  /** Whole batches from the one containing `offset`, up to about `maxBytes`, never past the high watermark. */
  async read(offset: number, maxBytes: number): Promise<ReadResult> {
    // A truncation during the read may have cut (and refilled) the bytes it saw: read again
    // once it is over. Truncations are rare (replication, operators), so this loop ends.
    for (;;) {
      while (this.truncating !== null) await this.truncating;
      const generation = this.truncations;
      const result = await this.readOnce(offset, maxBytes);
      if (generation === this.truncations) return result;
    }
  }

  private async readOnce(offset: number, maxBytes: number): Promise<ReadResult> {
    this.requireOpen();
    const highWatermark = this.highWatermark;
    const logStartOffset = this.logStartOffsetValue;
    if (!Number.isSafeInteger(offset) || offset < logStartOffset || offset > highWatermark) throw this.outOfRange(offset);
    if (offset === highWatermark) return { bytes: EMPTY, highWatermark, logStartOffset };
    const segment = this.segmentFor(offset);
    try {
      const limit = segment.committedBytes;
      const position = await segment.findPosition(offset, limit);
      if (position < 0) throw this.outOfRange(offset);
      const bytes = await segment.read(position, maxBytes, limit);
      return { bytes, highWatermark, logStartOffset };
    } catch (err) {
      if (segment.deleted || offset >= this.highWatermark) throw this.outOfRange(offset);
      throw this.readError(`read at offset ${offset}`, err);
    }
  }

  /** First batch whose max timestamp ≥ `timestampMs` (Kafka ListOffsets); null when there is none. */
  async offsetForTimestamp(timestampMs: number): Promise<TimestampOffset | null> {
    this.requireOpen();
    const logStartOffset = this.logStartOffsetValue;
    const highWatermark = this.highWatermark;
    for (const segment of [...this.segments]) {
      if (segment.nextOffset <= logStartOffset || segment.maxTimestampMs < timestampMs) continue;
      if (segment.baseOffset >= highWatermark) break;
      let found;
      try {
        found = await segment.findByTimestamp(timestampMs, logStartOffset, segment.committedBytes);
      } catch (err) {
        if (segment.deleted) continue; // retention removed it meanwhile: later segments still count
        throw this.readError(`offsetForTimestamp(${timestampMs})`, err);
      }
      if (found !== null) return { offset: Math.max(found.baseOffset, logStartOffset), timestampMs: found.maxTimestampMs };
    }
    return null;
  }

  private readError(what: string, err: unknown): WharfError {
    if (err instanceof WharfError) return err;
    return logError(LogErrorCode.LOG_IO, `${what} in ${this.dir} failed: ${String(err)}; retry, and check the disk if it persists`, err);
  }

  /** Calls `listener(highWatermark)` whenever the high watermark advances; returns the unsubscribe function. */
  watch(listener: (highWatermark: number) => void): () => void {
    this.watchers.add(listener);
    return () => {
      this.watchers.delete(listener);
    };
  }

  /** Seals the active segment and starts a new one (no-op when it is empty). */
  roll(): Promise<void> {
    return this.mutate(async () => {
      if (!this.activeSegment().isEmpty) await this.appender.guard('roll', () => this.rollLocked());
    });
  }

  /** Writes queued appends and fdatasyncs the active segment, whatever the flush policy. */
  async flush(): Promise<void> {
    this.requireOpen();
    await this.appender.flush();
  }

  /**
   * Removes the batch containing `offset` and everything after it (replication's suffix
   * truncation). An offset below logStartOffset empties the log and restarts it at `offset`.
   */
  truncate(offset: number): Promise<void> {
    if (!Number.isSafeInteger(offset) || offset < 0) return Promise.reject(this.outOfRange(offset));
    return this.mutate(async () => {
      this.truncations++;
      let finish: () => void = noop;
      this.truncating = new Promise<void>((resolve) => (finish = resolve));
      try {
        await this.appender.guard('truncate', () => this.truncateLocked(offset));
      } finally {
        this.truncating = null;
        finish();
      }
    });
  }

  /** Moves logStartOffset to `offset` (Kafka DeleteRecords) and deletes segments wholly below it. */
  deleteRecordsBefore(offset: number): Promise<number> {
    return this.mutate(async () => {
      if (!Number.isSafeInteger(offset) || offset > this.highWatermark || offset < 0) throw this.outOfRange(offset);
      if (offset <= this.logStartOffsetValue) return this.logStartOffsetValue;
      await this.appender.guard('deleteRecordsBefore', async () => {
        await this.writeLogStartOffset(offset);
        this.logStartOffsetValue = offset;
        let count = 0;
        while (count < this.segments.length - 1 && (this.segments[count + 1] as Segment).baseOffset <= offset) count++;
        await this.deleteOldest(count);
      });
      return this.logStartOffsetValue;
    });
  }

  /** Deletes the oldest sealed segments past retentionMs (by their newest timestamp) or over retentionBytes. */
  applyRetention(nowMs: number = this.clock()): Promise<RetentionResult> {
    return this.mutate(async () => {
      const count = retentionDeleteCount(this.segments, this.config, nowMs);
      let deletedBytes = 0;
      for (let i = 0; i < count; i++) deletedBytes += (this.segments[i] as Segment).sizeBytes;
      await this.appender.guard('retention', () => this.deleteOldest(count));
      return { deletedSegments: count, deletedBytes };
    });
  }

  /** Completes queued appends, syncs, writes the indexes and the clean-shutdown marker, closes files. */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    await this.appender.close();
    try {
      await this.appender.exclusive(async () => {
        if (this.appender.failed !== null) return;
        const active = this.activeSegment();
        active.timeIndex.maybeAppend(active.maxTimestampMs, active.offsetOfMaxTimestamp);
        await this.appender.guard('close', async () => {
          await active.persistIndexes(true);
          await active.datasync();
          const marker = joinPath(this.dir, CLEAN_SHUTDOWN_FILE);
          await this.fdCache.withSlot(() => this.fdCache.fileIO.writeFileDurable(marker, Buffer.alloc(0)));
        });
      });
    } finally {
      for (const s of this.segments) await s.forgetHandles();
      if (this.ownsFdCache) await this.fdCache.closeAll();
    }
  }

  // ---- AppenderHost ----

  activeSegment(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  nowMs(): number {
    return this.clock();
  }

  async rollLocked(): Promise<Segment> {
    const old = this.activeSegment();
    await old.seal();
    const segment = await Segment.create(this.ctx, old.nextOffset);
    await this.fsyncDir();
    this.segments.push(segment);
    return segment;
  }

  onHighWatermark(highWatermark: number): void {
    for (const listener of this.watchers) {
      try {
        listener(highWatermark);
      } catch (err) {
        // A listener bug must not stall the flush loop; surface it like an EventEmitter would.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  // ---- internals ----

  private async truncateLocked(offset: number): Promise<void> {
    if (offset >= this.appender.writtenOffset) return;
    if (offset < this.logStartOffsetValue || offset <= (this.segments[0] as Segment).baseOffset) {
      await this.truncateFully(offset);
      return;
    }
    const index = this.segmentIndexFor(offset);
    // Later segments go first, so a crash in between leaves a shorter log, never a gap.
    while (this.segments.length - 1 > index) await (this.segments.pop() as Segment).delete();
    await this.fsyncDir();
    const newEnd = await (this.segments[index] as Segment).truncateTo(offset);
    this.appender.resetOffsets(newEnd);
    if (this.logStartOffsetValue > newEnd) {
      await this.writeLogStartOffset(newEnd);
      this.logStartOffsetValue = newEnd;
    }
  }

  private async truncateFully(offset: number): Promise<void> {
    await this.writeLogStartOffset(offset);
    while (this.segments.length > 0) await (this.segments.pop() as Segment).delete();
    await this.fsyncDir();
    this.segments.push(await Segment.create(this.ctx, offset));
    await this.fsyncDir();
    this.logStartOffsetValue = offset;
    this.appender.resetOffsets(offset);
  }

  /** Deletes the `count` oldest segments (never the active one). */
  private async deleteOldest(count: number): Promise<void> {
    if (count <= 0) return;
    const doomed = this.segments.slice(0, count);
    this.segments = this.segments.slice(count);
    const first = this.segments[0] as Segment;
    if (this.logStartOffsetValue < first.baseOffset) this.logStartOffsetValue = first.baseOffset;
    for (const s of doomed) await s.delete();
    await this.fsyncDir();
  }

  private async writeLogStartOffset(offset: number): Promise<void> {
    const path = joinPath(this.dir, LOG_START_OFFSET_FILE);
    await this.fdCache.withSlot(() => this.fdCache.fileIO.writeFileDurable(path, encodeOffsetText(offset)));
  }

  private fsyncDir(): Promise<void> {
    return this.fdCache.withSlot(() => this.fdCache.fileIO.fsyncDir(this.dir));
  }

  /**
   * Runs a mutation in the lane, once every written append is acknowledged and with the interval
   * timer's sync held off, after checking the log is open and healthy.
   */
  private mutate<T>(fn: () => Promise<T>): Promise<T> {
    return this.appender.exclusiveSettled(async () => {
      this.requireOpen();
      const failure = this.appender.failed;
      if (failure !== null) throw failure;
      return fn();
    });
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.segments[mid] as Segment).baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private segmentFor(offset: number): Segment {
    return this.segments[this.segmentIndexFor(offset)] as Segment;
  }

  private requireOpen(): void {
    if (this.closing !== null) throw logError(LogErrorCode.LOG_CLOSED, `partition log ${this.dir} is closed; reopen it`);
  }

  private outOfRange(offset: number): WharfError {
    return logError(
      LogErrorCode.OFFSET_OUT_OF_RANGE,
      `offset ${offset} is outside [${this.logStartOffsetValue}, ${this.highWatermark}] of ${this.dir}; fetch from an offset inside that range (reset the consumer position)`,
    );
  }
}
