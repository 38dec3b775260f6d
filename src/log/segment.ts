// One segment: a log file of whole RecordBatch v2 batches starting at `baseOffset`, with its
// offset and time indexes. The segment knows positions and offsets; the partition log decides
// what is visible (committedBytes) and when to roll, truncate or delete.
import assert from 'node:assert';
import { performance } from 'node:perf_hooks';
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchTotalBytes,
} from '../records/batch-header.js';
import { corruptSegment, readFully, scanBatchHeaders } from './batch-scan.js';
import type { FdCache } from './fd-cache.js';
import { errorCode } from './file-io.js';
import {
  LOG_SUFFIX,
  OFFSET_INDEX_ENTRY_BYTES,
  OFFSET_INDEX_SUFFIX,
  TIME_INDEX_ENTRY_BYTES,
  TIME_INDEX_SUFFIX,
  joinPath,
  segmentFileName,
} from './layout.js';
import { OffsetIndex } from './offset-index.js';
import { TimeIndex } from './time-index.js';
import { secondsSince, type DurationSink } from '../util/duration-sink.js';

const RESOLVED: Promise<void> = Promise.resolve();
const noop = (): void => undefined;

export interface SegmentContext {
  readonly dir: string;
  readonly fdCache: FdCache;
  /** Read at every batch, so a reconfigured interval applies to the next one. */
  indexIntervalBytes: number;
  /** Told how long each fdatasync of the log file took (metrics); absent: nothing is timed. */
  readonly datasyncDurations?: DurationSink;
}

/** A batch found by a header scan. */
export interface BatchLocation {
  position: number;
  baseOffset: number;
  maxTimestampMs: number;
}

export class Segment {
  readonly baseOffset: number;
  readonly logPath: string;
  readonly offsetIndexPath: string;
  readonly timeIndexPath: string;
  private readonly ctx: SegmentContext;
  offsetIndex: OffsetIndex;
  timeIndex: TimeIndex;
  /** One past the last offset written to this segment. */
  nextOffset: number;
  /** Bytes written to the log file. */
  sizeBytes = 0;
  /** Bytes below the high watermark: what reads may return. */
  committedBytes = 0;
  /** Bytes known to be fdatasynced. */
  syncedBytes = 0;
  /** Largest batch maxTimestamp in the segment, -1 when none. */
  maxTimestampMs = -1;
  offsetOfMaxTimestamp = -1;
  /** When the first batch was appended (segmentMs counts from here), -1 while empty. */
  firstAppendMs = -1;
  sealed = false;
  deleted = false;
  /** The fdatasync of the log file in flight, and the size it will mark synced. */
  private syncing: Promise<void> | null = null;
  private syncingBytes = 0;
  /** Bumped by every truncation, so a sync that overlapped one does not mark cut bytes synced. */
  private generation = 0;
  private bytesSinceIndexEntry = 0;
  /** Where the last read ended: a consumer's next read starts there without a lookup. */
  private hintOffset = -1;
  private hintPosition = 0;

  constructor(ctx: SegmentContext, baseOffset: number) {
    this.ctx = ctx;
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    this.logPath = joinPath(ctx.dir, segmentFileName(baseOffset, LOG_SUFFIX));
    this.offsetIndexPath = joinPath(ctx.dir, segmentFileName(baseOffset, OFFSET_INDEX_SUFFIX));
    this.timeIndexPath = joinPath(ctx.dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX));
    this.offsetIndex = new OffsetIndex(baseOffset);
    this.timeIndex = new TimeIndex(baseOffset);
  }

  /** Creates the empty log file (the caller fsyncs the directory). */
  static async create(ctx: SegmentContext, baseOffset: number): Promise<Segment> {
    const segment = new Segment(ctx, baseOffset);
    await ctx.fdCache.use(segment.logPath, (h) => h.truncate(0), true);
    return segment;
  }

  get isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  /** After loading indexes from disk: bytes written since the last offset index entry. */
  restoreBytesSinceIndexEntry(bytes: number): void {
    this.bytesSinceIndexEntry = bytes;
  }

  /** Index bookkeeping for one batch written at `position`; called once per batch, in order. */
  onBatch(baseOffset: number, position: number, totalBytes: number, maxTimestampMs: number): void {
    const indexed = position === 0 || this.bytesSinceIndexEntry >= this.ctx.indexIntervalBytes;
    if (indexed) {
      this.offsetIndex.append(baseOffset, position);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += totalBytes;
    if (maxTimestampMs > this.maxTimestampMs) {
      this.maxTimestampMs = maxTimestampMs;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    if (indexed) this.timeIndex.maybeAppend(this.maxTimestampMs, baseOffset);
  }

  /** Writes `buffers` (whole batches, already indexed with onBatch) at the end of the file. */
  async write(buffers: readonly Buffer[], bytes: number, nextOffset: number): Promise<void> {
    assert(!this.sealed && !this.deleted, 'segment: write to a sealed segment');
    const position = this.sizeBytes;
    await this.ctx.fdCache.use(this.logPath, (h) => h.writev(buffers, position));
    this.sizeBytes = position + bytes;
    this.nextOffset = nextOffset;
  }

  /**
   * Makes every byte written so far durable: resolves once an fdatasync that started after the
   * last completed write has finished. At most one fdatasync of the log file is in flight; a call
   * it already covers joins it, any other waits for it and then starts the next one. Writes may run
   * while a sync is in flight: the size it marks synced is taken before it starts.
   */
  datasync(): Promise<void> {
    const size = this.sizeBytes;
    if (this.syncedBytes >= size) return RESOLVED;
    const inFlight = this.syncing;
    if (inFlight === null) return this.startDatasync(size);
    if (this.syncingBytes >= size) return inFlight;
    return inFlight.then(() => this.datasync());
  }

  private startDatasync(size: number): Promise<void> {
    const generation = this.generation;
    const timer = this.ctx.datasyncDurations;
    const sync = this.ctx.fdCache.use(this.logPath, (h) => (timer === undefined ? h.datasync() : timedDatasync(h, timer))).then(() => {
      // A truncation since the start invalidated what this sync covered; it set syncedBytes itself.
      if (this.generation === generation && this.syncedBytes < size) this.syncedBytes = size;
    });
    this.syncing = sync;
    this.syncingBytes = size;
    // Registered first, so the sync is no longer "in flight" when its waiters run.
    const done = (): void => {
      if (this.syncing === sync) this.syncing = null;
    };
    sync.then(done, done);
    return sync;
  }

  /** Resolves once no fdatasync of the log file is in flight, whatever their outcome (the caller of each handles its error). */
  async idle(): Promise<void> {
    while (this.syncing !== null) await this.syncing.then(noop, noop);
  }

  /** Position of the batch containing `offset` below `limitBytes`, or -1. */
  async findPosition(offset: number, limitBytes: number): Promise<number> {
    const found = await this.findBatch(offset, limitBytes);
    return found === null ? -1 : found.position;
  }

  /** The batch containing `offset` (its lastOffset ≥ offset ≥ its baseOffset) below `limitBytes`. */
  async findBatch(offset: number, limitBytes: number): Promise<BatchLocation | null> {
    if (offset < this.baseOffset || offset >= this.nextOffset) return null;
    const slot = this.offsetIndex.lookup(offset);
    const start = slot < 0 ? 0 : this.offsetIndex.positionAt(slot);
    const hinted = offset === this.hintOffset && this.hintPosition < limitBytes;
    return this.scan(hinted ? this.hintPosition : start, limitBytes, (buf, at) => batchBaseOffset(buf, at) + batchLastOffsetDelta(buf, at) >= offset);
  }

  /** First batch at or after `fromOffset` whose maxTimestamp ≥ `timestampMs`, below `limitBytes`. */
  async findByTimestamp(timestampMs: number, fromOffset: number, limitBytes: number): Promise<BatchLocation | null> {
    if (this.maxTimestampMs < timestampMs) return null;
    const timeSlot = this.timeIndex.lookupBefore(timestampMs);
    const startOffset = Math.max(fromOffset, timeSlot < 0 ? this.baseOffset : this.timeIndex.offsetAt(timeSlot));
    const slot = this.offsetIndex.lookup(startOffset);
    const start = slot < 0 ? 0 : this.offsetIndex.positionAt(slot);
    return this.scan(
      start,
      limitBytes,
      (buf, at) => batchBaseOffset(buf, at) + batchLastOffsetDelta(buf, at) >= fromOffset && batchMaxTimestamp(buf, at) >= timestampMs,
    );
  }

  private async scan(
    from: number,
    limitBytes: number,
    match: (buf: Buffer, at: number) => boolean,
  ): Promise<BatchLocation | null> {
    if (from >= limitBytes) return null;
    const found: BatchLocation = { position: -1, baseOffset: -1, maxTimestampMs: -1 };
    const windowBytes = Math.max(8192, 2 * this.ctx.indexIntervalBytes);
    await this.ctx.fdCache.use(this.logPath, (h) =>
      scanBatchHeaders(h, from, limitBytes, windowBytes, (buf, at, position) => {
        if (!match(buf, at)) return false;
        found.position = position;
        found.baseOffset = batchBaseOffset(buf, at);
        found.maxTimestampMs = batchMaxTimestamp(buf, at);
        return true;
      }),
    );
    return found.position < 0 ? null : found;
  }

  /**
   * Whole batches from `position` up to `maxBytes` and below `limitBytes`; at least the first
   * batch even when it is larger than maxBytes (KIP-74).
   */
  async read(position: number, maxBytes: number, limitBytes: number): Promise<Buffer> {
    const available = limitBytes - position;
    if (available <= 0) return Buffer.alloc(0);
    const want = Math.min(available, Math.max(maxBytes, BATCH_HEADER_BYTES));
    const buf = Buffer.allocUnsafe(want);
    const n = await this.ctx.fdCache.use(this.logPath, (h) => readFully(h, buf, want, position));
    let end = 0;
    let endOffset = -1;
    while (end + BATCH_LOG_OVERHEAD_BYTES <= n) {
      const total = batchTotalBytes(buf, end);
      if (total < BATCH_HEADER_BYTES) throw corruptSegment(this.logPath, position + end, `batch length ${total}`);
      if (end + total > n) break;
      endOffset = batchBaseOffset(buf, end) + batchLastOffsetDelta(buf, end) + 1;
      end += total;
    }
    if (end === 0) return this.readFirstBatch(buf, n, position, available);
    this.hintOffset = endOffset;
    this.hintPosition = position + end;
    return end === buf.length ? buf : buf.subarray(0, end);
  }

  private async readFirstBatch(head: Buffer, headBytes: number, position: number, available: number): Promise<Buffer> {
    if (headBytes < BATCH_HEADER_BYTES) throw corruptSegment(this.logPath, position, 'file ends inside a batch header');
    const total = batchTotalBytes(head, 0);
    if (total < BATCH_HEADER_BYTES || total > available) throw corruptSegment(this.logPath, position, `batch length ${total}`);
    const whole = Buffer.allocUnsafe(total);
    const n = await this.ctx.fdCache.use(this.logPath, (h) => readFully(h, whole, total, position));
    if (n < total) throw corruptSegment(this.logPath, position, 'file ends inside a batch');
    this.hintOffset = batchBaseOffset(whole, 0) + batchLastOffsetDelta(whole, 0) + 1;
    this.hintPosition = position + total;
    return whole;
  }

  /**
   * Removes the batch containing `offset` and everything after it (Kafka's truncateTo), durably.
   * Returns the new nextOffset: the base offset of the removed batch.
   */
  async truncateTo(offset: number): Promise<number> {
    if (offset >= this.nextOffset) return this.nextOffset;
    await this.idle();
    const found = offset <= this.baseOffset ? null : await this.findBatch(offset, this.sizeBytes);
    const position = found === null ? 0 : found.position;
    const newNextOffset = found === null ? this.baseOffset : found.baseOffset;
    await this.ctx.fdCache.use(this.logPath, async (h) => {
      await h.truncate(position);
      await h.datasync();
    });
    this.offsetIndex.truncateToPosition(position);
    this.timeIndex.truncateToOffset(newNextOffset);
    await this.truncateIndexFiles();
    this.sizeBytes = position;
    this.committedBytes = position;
    this.syncedBytes = position;
    this.generation++; // a sync that started during the truncation must not mark the old size synced
    this.nextOffset = newNextOffset;
    this.hintOffset = -1;
    this.sealed = false;
    await this.recomputeTail();
    if (position === 0) this.firstAppendMs = -1;
    return newNextOffset;
  }

  /** After a truncation: max timestamp and bytes since the last index entry, from the indexes plus a short scan. */
  private async recomputeTail(): Promise<void> {
    const last = this.offsetIndex.count - 1;
    const from = last < 0 ? 0 : this.offsetIndex.positionAt(last);
    this.maxTimestampMs = this.timeIndex.lastTimestampMs;
    this.offsetOfMaxTimestamp = this.timeIndex.count === 0 ? -1 : this.timeIndex.offsetAt(this.timeIndex.count - 1);
    this.bytesSinceIndexEntry = this.sizeBytes - from;
    if (from >= this.sizeBytes) return;
    await this.ctx.fdCache.use(this.logPath, (h) =>
      scanBatchHeaders(h, from, this.sizeBytes, 64 * 1024, (buf, at) => {
        const ts = batchMaxTimestamp(buf, at);
        if (ts > this.maxTimestampMs) {
          this.maxTimestampMs = ts;
          this.offsetOfMaxTimestamp = batchBaseOffset(buf, at);
        }
        return false;
      }),
    );
  }

  private async truncateIndexFiles(): Promise<void> {
    const files: Array<[string, number]> = [
      [this.offsetIndexPath, this.offsetIndex.persistedCount * OFFSET_INDEX_ENTRY_BYTES],
      [this.timeIndexPath, this.timeIndex.persistedCount * TIME_INDEX_ENTRY_BYTES],
    ];
    for (const [path, bytes] of files) {
      try {
        await this.ctx.fdCache.use(path, async (h) => {
          if ((await h.size()) <= bytes) return;
          await h.truncate(bytes);
          await h.datasync();
        });
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
      }
    }
  }

  /** Index entries not yet in the index files are appended to them; `sync` fdatasyncs both files. */
  async persistIndexes(sync: boolean): Promise<void> {
    const offsetBytes = this.offsetIndex.encode(this.offsetIndex.persistedCount);
    const offsetCount = this.offsetIndex.count;
    await this.appendIndexFile(this.offsetIndexPath, offsetBytes, this.offsetIndex.persistedCount * OFFSET_INDEX_ENTRY_BYTES, sync);
    this.offsetIndex.persistedCount = offsetCount;
    const timeBytes = this.timeIndex.encode(this.timeIndex.persistedCount);
    const timeCount = this.timeIndex.count;
    await this.appendIndexFile(this.timeIndexPath, timeBytes, this.timeIndex.persistedCount * TIME_INDEX_ENTRY_BYTES, sync);
    this.timeIndex.persistedCount = timeCount;
  }

  private async appendIndexFile(path: string, bytes: Buffer, position: number, sync: boolean): Promise<void> {
    if (bytes.length === 0 && !sync) return;
    await this.ctx.fdCache.use(
      path,
      async (h) => {
        if (bytes.length > 0) await h.writev([bytes], position);
        if (sync) await h.datasync();
      },
      true,
    );
  }

  /**
   * Makes the segment read-only and durable: a last time index entry for its maximum timestamp,
   * both indexes written and synced, the log synced. The caller fsyncs the directory.
   */
  async seal(): Promise<void> {
    this.timeIndex.maybeAppend(this.maxTimestampMs, this.offsetOfMaxTimestamp);
    await this.persistIndexes(true);
    await this.datasync();
    this.sealed = true;
  }

  /** Closes cached handles and removes the files (the caller fsyncs the directory). */
  async delete(): Promise<void> {
    this.deleted = true;
    await this.idle();
    for (const path of [this.logPath, this.offsetIndexPath, this.timeIndexPath]) {
      await this.ctx.fdCache.forget(path);
      try {
        await this.ctx.fdCache.fileIO.unlink(path);
      } catch (err) {
        if (errorCode(err) !== 'ENOENT') throw err;
      }
    }
  }

  /** Closes this segment's cached handles (the files stay). */
  async forgetHandles(): Promise<void> {
    await this.idle();
    await this.ctx.fdCache.forget(this.logPath);
    await this.ctx.fdCache.forget(this.offsetIndexPath);
    await this.ctx.fdCache.forget(this.timeIndexPath);
  }
}

async function timedDatasync(h: { datasync(): Promise<void> }, timer: DurationSink): Promise<void> {
  const startedMs = performance.now();
  await h.datasync();
  timer.observe(secondsSince(startedMs, performance.now()));
}
