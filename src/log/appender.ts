// Group commit. Appends made in the same turn of the event loop are queued and flushed together:
// offsets are assigned in queue order by patching each batch's baseOffset in place (no
// re-encoding), and the buffers go to the segment in writevs of at most WRITE_GROUP_BYTES_MAX
// (one append may be larger), one after the other in the lane. Written runs are acknowledged once
// the next writev is issued (or the flush task has nothing left to write), so the appends their
// callers send next are CRC-checked while that writev is in flight.
//
// Under the `always` policy the fdatasync runs outside the lane, so the next group is written while
// the previous one is synced (a pipeline). A written run is acknowledged only once an fdatasync
// that started after its write completed has finished (Segment.datasync); at most one is in flight
// per file, and the next one covers everything written before it starts. Runs are acknowledged in
// order, so durableOffset only moves forward over synced bytes. Under `interval` the timer's
// fdatasync runs outside the lane too, and writes continue meanwhile.
//
//   appendedOffset  one past the last offset assigned to a batch
//   writtenOffset   one past the last offset whose bytes the OS accepted (write returned)
//   durableOffset   one past the last offset durable under the flush policy: fdatasynced for
//                   `always`, written for `interval` and `never`. The high watermark.
//
// durableOffset ≤ writtenOffset ≤ appendedOffset always holds. A disk error fails the appends in
// flight, written or queued, and puts the log in a failed state that refuses appends until it is
// reopened. Roll, truncate, retention and close run in the lane after every written append was
// acknowledged or failed (settleWritten), and wait for a sync in flight on a segment they change.
import assert from 'node:assert';
import { batchLastOffsetDelta, batchMaxTimestamp, batchTotalBytes, setBatchBaseOffset } from '../records/batch-header.js';
import type { WharfError } from '../util/wharf-error.js';
import { checkAppend } from './append-check.js';
import { errorCode } from './file-io.js';
import { RELATIVE_OFFSET_MAX } from './layout.js';
import { LogErrorCode, logError } from './log-errors.js';
import type { PartitionLogConfig } from './partition-log-config.js';
import { PendingAppend, WrittenRun } from './pending-append.js';
import type { Segment } from './segment.js';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
}

/** What the appender needs from the partition log that owns it. */
export interface AppenderHost {
  readonly dir: string;
  readonly config: PartitionLogConfig;
  activeSegment(): Segment;
  /** Seals the active segment and starts a new one; runs inside the appender's lane. */
  rollLocked(): Promise<Segment>;
  nowMs(): number;
  /** Called after durableOffset advanced. */
  onHighWatermark(highWatermark: number): void;
}

/**
 * Bytes of one writev, unless a single append is larger. A large group is written in parts, so the
 * appends acknowledged after one part are sent again and CRC-checked while the next part is
 * written, and under `always` the fdatasync of one part overlaps the write of the next. Measured in
 * docs/benchmarks.md (2 and 4 MiB did better than no cap; 4 MiB is kept).
 */
export const WRITE_GROUP_BYTES_MAX = 4 * 1024 * 1024;

/**
 * Writevs one flush task of the lane issues at most while appends keep arriving during it (what
 * was queued when it started is always written whole); the rest waits for the next flush task, so
 * roll, truncate and close get their turn.
 */
const FLUSH_TASK_RUNS_MAX = 8;

export class Appender {
  private readonly host: AppenderHost;
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  private laneTail: Promise<unknown> = Promise.resolve();
  private failure: WharfError | null = null;
  private closed = false;
  private intervalTimer: ReturnType<typeof setInterval> | null = null;
  private intervalSyncRunning = false;
  /** roll, truncate, deleteRecordsBefore or retention is running (exclusiveSettled): the timer starts no sync. */
  private mutating = false;
  /** Written runs not yet acknowledged, oldest first: `written[writtenHead..]`. */
  private written: Array<WrittenRun | undefined> = [];
  private writtenHead = 0;
  /** The loop that fdatasyncs for the written runs, while there are some. */
  private syncLoop: Promise<void> | null = null;
  appendedOffset: number;
  writtenOffset: number;
  durableOffset: number;

  constructor(host: AppenderHost, logEndOffset: number) {
    this.host = host;
    this.appendedOffset = logEndOffset;
    this.writtenOffset = logEndOffset;
    this.durableOffset = logEndOffset;
    this.restartIntervalTimer();
  }

  /** (Re)starts the `interval` policy's fdatasync timer for the host's current policy. */
  restartIntervalTimer(): void {
    if (this.intervalTimer !== null) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    const policy = this.host.config.flushPolicy;
    if (policy.kind !== 'interval' || this.closed) return;
    this.intervalTimer = setInterval(() => this.intervalSync(), policy.intervalMs);
    this.intervalTimer.unref();
  }

  /** The error that put the log in its failed state, or null. */
  get failed(): WharfError | null {
    return this.failure;
  }

  /** Queues `buf` (whole batches, owned by the log until the returned promise settles) for the next group flush. */
  append(buf: Buffer): Promise<AppendResult> {
    if (this.closed) return Promise.reject(logError(LogErrorCode.LOG_CLOSED, `partition log ${this.host.dir} is closed; reopen it to append`));
    if (this.failure !== null) return Promise.reject(this.failure);
    const offsets = checkAppend(buf, this.host.config.batchBytesMax);
    if (typeof offsets !== 'number') return Promise.reject(offsets);
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push(new PendingAppend(buf, offsets, resolve, reject));
      this.scheduleFlush();
    });
  }

  /** Runs `fn` alone: no flush, roll, truncate or other lane task runs at the same time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.laneTail.then(fn);
    this.laneTail = run.then(noop, noop);
    return run;
  }

  /**
   * Runs `fn` in the lane once every written append is acknowledged or failed, so it sees no write
   * in flight and no unacknowledged bytes; the interval timer starts no sync meanwhile.
   */
  exclusiveSettled<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await this.settleWritten();
      this.mutating = true;
      try {
        return await fn();
      } finally {
        this.mutating = false;
      }
    });
  }

  /** Writes what is queued and fdatasyncs the active segment, whatever the policy. */
  flush(): Promise<void> {
    return this.exclusive(async () => {
      await this.flushLocked();
      await this.settleWritten();
      if (this.failure !== null) throw this.failure;
      await this.guard('fdatasync', () => this.host.activeSegment().datasync());
    });
  }

  /** Refuses new appends, completes the queued and written ones and stops the interval timer. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.intervalTimer !== null) clearInterval(this.intervalTimer);
    this.intervalTimer = null;
    await this.exclusive(async () => {
      await this.flushLocked();
      await this.settleWritten();
    });
  }

  /** Enters the failed state (idempotent) and returns the error appends are rejected with. */
  fail(stage: string, cause: unknown): WharfError {
    if (this.failure === null) {
      this.failure = logError(
        LogErrorCode.LOG_IO,
        `partition log ${this.host.dir}: ${stage} failed (${errorCode(cause) ?? String(cause)}); appends are refused and nothing unsynced was acknowledged; fix the disk (space, hardware) and reopen the log or restart the broker`,
        cause,
      );
    }
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) p.reject(this.failure);
    const written = this.written;
    const head = this.writtenHead;
    this.written = [];
    this.writtenHead = 0;
    for (let r = head; r < written.length; r++) {
      const run = written[r] as WrittenRun;
      for (let k = run.from; k < run.to; k++) (run.group[k] as PendingAppend).reject(this.failure);
    }
    return this.failure;
  }

  /** Runs a disk operation; an error puts the log in the failed state and is rethrown as WHARF_ERR_LOG_IO. */
  async guard<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.fail(stage, err);
    }
  }

  /** After truncation: every offset moves back to the new log end. Runs in the lane. */
  resetOffsets(logEndOffset: number): void {
    this.appendedOffset = logEndOffset;
    this.writtenOffset = logEndOffset;
    this.durableOffset = logEndOffset;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      void this.exclusive(() => this.flushLocked());
    });
  }

  /**
   * Flushes everything queued now, one run at a time, then what was queued meanwhile (up to
   * FLUSH_TASK_RUNS_MAX runs): the next writev starts before the appends acknowledged by the last
   * one are checked, so their CRC checks overlap it. Never throws.
   */
  private async flushLocked(): Promise<void> {
    this.flushScheduled = false;
    let runs = 0;
    while (this.pending.length > 0 && this.failure === null && runs < FLUSH_TASK_RUNS_MAX) {
      const group = this.pending;
      this.pending = [];
      let i = 0;
      while (i < group.length && this.failure === null) {
        try {
          i = await this.writeRun(group, i);
          runs++;
        } catch (err) {
          this.fail('append', err);
        }
      }
      if (this.failure !== null) for (let k = i; k < group.length; k++) group[k]?.reject(this.failure);
    }
    this.acknowledgeDurable();
  }

  /**
   * Writes group[i..j) to one segment (rolling first when needed), at most WRITE_GROUP_BYTES_MAX
   * unless one append is larger, and hands the run to the acknowledgement queue; returns j.
   */
  private async writeRun(group: PendingAppend[], i: number): Promise<number> {
    const first = group[i] as PendingAppend;
    const config = this.host.config;
    const now = this.host.nowMs();
    let segment = this.host.activeSegment();
    if (this.needsRoll(segment, first, now)) {
      this.acknowledgeDurable();
      segment = await this.guard('roll', () => this.host.rollLocked());
      this.acknowledgeDurable(); // the sealed segment is synced: its runs go before anything in the new one
    }
    const buffers: Buffer[] = [];
    let bytes = 0;
    let next = this.appendedOffset;
    let j = i;
    for (; j < group.length; j++) {
      const p = group[j] as PendingAppend;
      if (j > i && (bytes + p.buf.length > WRITE_GROUP_BYTES_MAX || this.overflows(segment, bytes + p.buf.length, next + p.offsetCount))) break;
      p.baseOffset = next;
      next = this.assignOffsets(segment, p.buf, next, segment.sizeBytes + bytes);
      p.lastOffset = next - 1;
      buffers.push(p.buf);
      bytes += p.buf.length;
    }
    if (segment.firstAppendMs < 0) segment.firstAppendMs = now;
    this.appendedOffset = next;
    this.assertOrder();
    const writing = this.guard('write', () => segment.write(buffers, bytes, next));
    // With this writev issued, acknowledge the runs written before it: their appenders' next
    // appends are CRC-checked while it is in flight (flushLocked acknowledges the last run).
    this.acknowledgeDurable();
    await writing;
    this.writtenOffset = next;
    this.assertOrder();
    // A sync that failed meanwhile (interval timer, the pipeline) failed the log: these are not acknowledged.
    if (this.failure !== null) throw this.failure;
    const syncRequired = config.flushPolicy.kind === 'always';
    this.written.push(new WrittenRun(segment, segment.sizeBytes, next, group, i, j, syncRequired));
    if (syncRequired && this.syncLoop === null) this.startSyncLoop();
    return j;
  }

  /** Would `bytes` more, ending before offset `end`, overflow the segment's size or its relative offsets? */
  private overflows(segment: Segment, bytes: number, end: number): boolean {
    return segment.sizeBytes + bytes > this.host.config.segmentBytesMax || end - 1 - segment.baseOffset > RELATIVE_OFFSET_MAX;
  }

  /**
   * Acknowledges the written runs, oldest first, up to the first one still waiting for its
   * fdatasync, and moves durableOffset (the high watermark) and the visible bytes with them.
   */
  private acknowledgeDurable(): void {
    if (this.failure !== null) return;
    let acknowledged = false;
    while (this.writtenHead < this.written.length) {
      const run = this.written[this.writtenHead] as WrittenRun;
      if (run.syncRequired && run.segment.syncedBytes < run.endBytes) break;
      this.written[this.writtenHead++] = undefined;
      if (run.segment.committedBytes < run.endBytes) run.segment.committedBytes = run.endBytes;
      this.durableOffset = run.nextOffset;
      this.assertOrder();
      for (let k = run.from; k < run.to; k++) {
        const p = run.group[k] as PendingAppend;
        p.resolve({ baseOffset: p.baseOffset, lastOffset: p.lastOffset });
      }
      acknowledged = true;
    }
    if (this.writtenHead === this.written.length) {
      this.written = [];
      this.writtenHead = 0;
    }
    if (acknowledged) this.host.onHighWatermark(this.durableOffset);
  }

  /**
   * fdatasyncs the segment of the oldest written run until every run is acknowledged. Each sync
   * covers what was written before it started; writes continue in the lane meanwhile.
   */
  private startSyncLoop(): void {
    this.syncLoop = this.syncWritten();
  }

  private async syncWritten(): Promise<void> {
    await Promise.resolve(); // this.syncLoop is set before the loop can end
    try {
      for (;;) {
        // Acknowledges what is synced (and any run that needs no sync), so the oldest left needs this segment synced.
        this.acknowledgeDurable();
        const run = this.written[this.writtenHead];
        if (run === undefined || this.failure !== null) break;
        await this.guard('fdatasync', () => run.segment.datasync());
      }
    } catch {
      // guard() put the log in the failed state, which failed every written and queued append.
    }
    // Cleared in the same turn as the last check, so a run written later starts a new loop.
    this.syncLoop = null;
  }

  /** Waits until every written run is acknowledged or failed (in the lane, so nothing new is written). */
  private async settleWritten(): Promise<void> {
    while (this.syncLoop !== null) await this.syncLoop;
  }

  /** Patches each batch's baseOffset in place and indexes it; returns the next offset. Work is per batch. */
  private assignOffsets(segment: Segment, buf: Buffer, firstOffset: number, filePosition: number): number {
    let next = firstOffset;
    let pos = 0;
    while (pos < buf.length) {
      const total = batchTotalBytes(buf, pos);
      setBatchBaseOffset(buf, pos, next);
      segment.onBatch(next, filePosition + pos, total, batchMaxTimestamp(buf, pos));
      next += batchLastOffsetDelta(buf, pos) + 1;
      pos += total;
    }
    return next;
  }

  private needsRoll(segment: Segment, first: PendingAppend, now: number): boolean {
    if (segment.isEmpty) return false;
    if (now - segment.firstAppendMs >= this.host.config.segmentMs) return true;
    return this.overflows(segment, first.buf.length, this.appendedOffset + first.offsetCount);
  }

  private assertOrder(): void {
    assert(this.durableOffset <= this.writtenOffset, 'appender: durableOffset passed writtenOffset');
    assert(this.writtenOffset <= this.appendedOffset, 'appender: writtenOffset passed appendedOffset');
  }

  /**
   * `interval` policy: fdatasync the active segment when it has unsynced bytes. Runs outside the
   * lane, so appends are written meanwhile; roll, truncate and close wait for it on that segment.
   */
  private intervalSync(): void {
    if (this.intervalSyncRunning || this.mutating || this.failure !== null || this.closed) return;
    const segment = this.host.activeSegment();
    if (segment.syncedBytes >= segment.sizeBytes) return;
    this.intervalSyncRunning = true;
    this.guard('fdatasync', () => segment.datasync())
      .catch(noop)
      .finally(() => {
        this.intervalSyncRunning = false;
      });
  }
}

function noop(): void {}
