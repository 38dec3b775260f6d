// Opening a partition directory: leftovers removed, sealed segments trusted when their indexes
// pass the sanity check, and the active segment (plus any segment whose index is missing or bad)
// read batch by batch with checkBatchAt (length, magic, CRC) and contiguous offsets. The first
// torn or corrupt batch and everything after it is truncated, and the report says what was cut.
import { BatchCheck, checkBatchAt, describeBatchCheck } from '../records/batch-check.js';
import {
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchTotalBytes,
} from '../records/batch-header.js';
import { readFully } from './batch-scan.js';
import { errorCode } from './file-io.js';
import {
  CLEAN_SHUTDOWN_FILE,
  LOG_FORMAT_VERSION,
  LOG_START_OFFSET_FILE,
  PARTITION_META_FILE,
  TMP_SUFFIX,
  decodeOffsetText,
  encodeOffsetText,
  decodePartitionMeta,
  encodePartitionMeta,
  joinPath,
  parseSegmentFileName,
} from './layout.js';
import { LogErrorCode, logError } from './log-errors.js';
import { OffsetIndex } from './offset-index.js';
import { BATCH_BYTES_MAX_LIMIT } from './partition-log-config.js';
import { Segment, type SegmentContext } from './segment.js';
import { TimeIndex } from './time-index.js';

export interface RecoveryTruncation {
  segmentBaseOffset: number;
  /** First offset dropped (the next offset after the last good batch). */
  offset: number;
  /** File position the segment was cut at. */
  position: number;
  bytesTruncated: number;
  reason: string;
}

export interface RecoveryReport {
  dir: string;
  /** Why the directory was read the way it was: new log, clean shutdown, or which check failed. */
  reason: string;
  cleanShutdown: boolean;
  segmentsLoaded: number;
  /** Segments whose log bytes were read and CRC-checked (all of them, or the tail after the last index entry). */
  segmentsScanned: number;
  bytesScanned: number;
  bytesTruncated: number;
  indexesRebuilt: number;
  truncations: RecoveryTruncation[];
  /** Leftovers removed: temporary files, orphan indexes, empty or unreachable segments. */
  removedFiles: string[];
  logStartOffset: number;
  logEndOffset: number;
}

export interface RecoveryContext extends SegmentContext {
  readonly nowMs: () => number;
}

export interface RecoveredLog {
  segments: Segment[];
  logStartOffset: number;
  report: RecoveryReport;
}

const SCAN_CHUNK_BYTES = 1024 * 1024;

interface SegmentFiles {
  log: boolean;
  offsetIndex: boolean;
  timeIndex: boolean;
}

export async function recoverPartition(ctx: RecoveryContext): Promise<RecoveredLog> {
  const { dir, fdCache } = ctx;
  const io = fdCache.fileIO;
  const report: RecoveryReport = {
    dir, reason: '', cleanShutdown: false, segmentsLoaded: 0, segmentsScanned: 0, bytesScanned: 0,
    bytesTruncated: 0, indexesRebuilt: 0, truncations: [], removedFiles: [], logStartOffset: 0, logEndOffset: 0,
  };
  await io.mkdirp(dir);
  const listing = await listDirectory(ctx, report);
  const segments = await loadSegments(ctx, report, listing.bases);
  const recordedStart = listing.hasLogStartOffset ? await readLogStartOffset(ctx, report) : -1;
  if (segments.length === 0) {
    if (report.reason === '') report.reason = 'new log';
    segments.push(await Segment.create(ctx, Math.max(0, recordedStart)));
  }
  const first = segments[0] as Segment;
  const last = segments[segments.length - 1] as Segment;
  const logStartOffset = Math.min(Math.max(recordedStart, first.baseOffset), last.nextOffset);
  if (recordedStart > logStartOffset) {
    // The log ends before the recorded logStartOffset (an unsynced tail was lost): record where it
    // starts now, or offsets appended next would later hide behind the old value.
    const path = joinPath(dir, LOG_START_OFFSET_FILE);
    await fdCache.withSlot(() => io.writeFileDurable(path, encodeOffsetText(logStartOffset)));
  }
  // Gone before any append, so a later crash is never taken for a clean shutdown.
  if (report.cleanShutdown) await io.unlink(joinPath(dir, CLEAN_SHUTDOWN_FILE));
  await fdCache.withSlot(() => io.fsyncDir(dir));
  report.segmentsLoaded = segments.length;
  report.logStartOffset = logStartOffset;
  report.logEndOffset = last.nextOffset;
  return { segments, logStartOffset, report };
}

interface Listing {
  /** Base offsets of the segments that have a .log file, ascending. */
  bases: number[];
  hasLogStartOffset: boolean;
}

/** Reads the directory: notes the marker files, removes leftovers, checks partition.meta. */
async function listDirectory(ctx: RecoveryContext, report: RecoveryReport): Promise<Listing> {
  const names = await ctx.fdCache.withSlot(() => ctx.fdCache.fileIO.readdir(ctx.dir));
  const files = new Map<number, SegmentFiles>();
  let hasMeta = false;
  let hasLogStartOffset = false;
  for (const name of names) {
    if (name === PARTITION_META_FILE) hasMeta = true;
    else if (name === CLEAN_SHUTDOWN_FILE) report.cleanShutdown = true;
    else if (name === LOG_START_OFFSET_FILE) hasLogStartOffset = true;
    else if (name.endsWith(TMP_SUFFIX)) await removeFile(ctx, report, joinPath(ctx.dir, name));
    else {
      const parsed = parseSegmentFileName(name);
      if (parsed === null) continue;
      const entry = files.get(parsed.baseOffset) ?? { log: false, offsetIndex: false, timeIndex: false };
      entry[parsed.kind] = true;
      files.set(parsed.baseOffset, entry);
    }
  }
  await checkMeta(ctx, hasMeta, files.size === 0);
  const bases: number[] = [];
  for (const [base, entry] of files) {
    if (entry.log) bases.push(base);
    else await removeSegmentFiles(ctx, report, base);
  }
  bases.sort((a, b) => a - b);
  return { bases, hasLogStartOffset };
}

/** Sealed segments trusted or rebuilt, then the active one recovered (see the file comment). */
async function loadSegments(ctx: RecoveryContext, report: RecoveryReport, bases: number[]): Promise<Segment[]> {
  const segments: Segment[] = [];
  for (let k = 0; k < bases.length; k++) {
    const base = bases[k] as number;
    const nextBase = bases[k + 1];
    const segment = new Segment(ctx, base);
    const logSize = (await ctx.fdCache.fileIO.stat(segment.logPath)).sizeBytes;
    if (nextBase === undefined) {
      await recoverActive(ctx, report, segment, logSize, segments.length === 0);
      segments.push(segment);
      break;
    }
    if (logSize === 0) {
      await removeSegmentFiles(ctx, report, base);
      continue;
    }
    if (await loadIndexes(ctx, segment, nextBase, logSize)) {
      segments.push(segment);
      continue;
    }
    const intact = await rebuildSealed(ctx, report, segment, logSize, nextBase);
    segments.push(segment);
    if (!intact) {
      // Everything after a damaged sealed segment is unreachable: offsets must stay contiguous.
      for (const later of bases.slice(k + 1)) await removeSegmentFiles(ctx, report, later);
      segment.sealed = false;
      segment.firstAppendMs = segment.isEmpty ? -1 : await firstBatchTimeMs(ctx, segment);
      break;
    }
  }
  return segments;
}

async function checkMeta(ctx: RecoveryContext, hasMeta: boolean, empty: boolean): Promise<void> {
  const io = ctx.fdCache.fileIO;
  const path = joinPath(ctx.dir, PARTITION_META_FILE);
  if (!hasMeta) {
    // Written first when a log is created; segments without it come from a crash during creation.
    await ctx.fdCache.withSlot(() => io.writeFileDurable(path, encodePartitionMeta()));
    return;
  }
  const version = decodePartitionMeta(await ctx.fdCache.withSlot(() => io.readFile(path)));
  if (version === LOG_FORMAT_VERSION) return;
  throw logError(
    LogErrorCode.LOG_FORMAT,
    version === null
      ? `${path} is not a Wharf partition metadata file; move the directory ${ctx.dir} out of the data directory`
      : `${ctx.dir} uses on-disk format ${version}, this Wharf reads format ${LOG_FORMAT_VERSION}; run a Wharf version that supports it${empty ? '' : ' (the data is left untouched)'}`,
  );
}

async function readLogStartOffset(ctx: RecoveryContext, report: RecoveryReport): Promise<number> {
  const path = joinPath(ctx.dir, LOG_START_OFFSET_FILE);
  const value = decodeOffsetText(await ctx.fdCache.withSlot(() => ctx.fdCache.fileIO.readFile(path)));
  if (value === null) {
    await removeFile(ctx, report, path);
    return -1;
  }
  return value;
}

/** Reads and checks both index files of a segment; false when either is missing or fails. */
async function loadIndexes(ctx: RecoveryContext, segment: Segment, offsetLimit: number, logSize: number): Promise<boolean> {
  const offsetBytes = await readOptional(ctx, segment.offsetIndexPath);
  const timeBytes = await readOptional(ctx, segment.timeIndexPath);
  if (offsetBytes === null || timeBytes === null) return false;
  const offsetIndex = OffsetIndex.decode(offsetBytes, segment.baseOffset, offsetLimit, logSize);
  const timeIndex = TimeIndex.decode(timeBytes, segment.baseOffset, offsetLimit);
  if (typeof offsetIndex === 'string' || typeof timeIndex === 'string') return false;
  segment.offsetIndex = offsetIndex;
  segment.timeIndex = timeIndex;
  segment.sizeBytes = logSize;
  segment.committedBytes = logSize;
  segment.syncedBytes = logSize;
  segment.maxTimestampMs = timeIndex.lastTimestampMs;
  segment.offsetOfMaxTimestamp = timeIndex.count === 0 ? -1 : timeIndex.offsetAt(timeIndex.count - 1);
  if (Number.isFinite(offsetLimit)) {
    segment.nextOffset = offsetLimit;
    segment.sealed = true;
  }
  return true;
}

async function readOptional(ctx: RecoveryContext, path: string): Promise<Buffer | null> {
  try {
    return await ctx.fdCache.withSlot(() => ctx.fdCache.fileIO.readFile(path));
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** A sealed segment whose index was missing or bad: scanned, indexes rebuilt; false when it was cut. */
async function rebuildSealed(ctx: RecoveryContext, report: RecoveryReport, segment: Segment, logSize: number, nextBase: number): Promise<boolean> {
  segment.offsetIndex = new OffsetIndex(segment.baseOffset);
  segment.timeIndex = new TimeIndex(segment.baseOffset);
  const scan = await scanLog(ctx, report, segment, 0, logSize, segment.baseOffset, true);
  let reason = scan.failure;
  if (reason === null && scan.nextOffset !== nextBase) reason = `segment ends at offset ${scan.nextOffset} but the next segment starts at ${nextBase}`;
  if (reason !== null) {
    await cut(ctx, report, segment, scan, logSize, reason);
    await removeIndexFiles(ctx, report, segment);
    return false;
  }
  applyScan(segment, scan);
  segment.timeIndex.maybeAppend(segment.maxTimestampMs, segment.offsetOfMaxTimestamp);
  const io = ctx.fdCache.fileIO;
  await ctx.fdCache.forget(segment.offsetIndexPath);
  await ctx.fdCache.forget(segment.timeIndexPath);
  await ctx.fdCache.withSlot(() => io.writeFileDurable(segment.offsetIndexPath, segment.offsetIndex.encode(0)));
  await ctx.fdCache.withSlot(() => io.writeFileDurable(segment.timeIndexPath, segment.timeIndex.encode(0)));
  segment.offsetIndex.persistedCount = segment.offsetIndex.count;
  segment.timeIndex.persistedCount = segment.timeIndex.count;
  segment.sealed = true;
  report.indexesRebuilt++;
  return true;
}

/**
 * The last segment. After a clean shutdown with sane indexes only the batches after the last
 * index entry are checked; otherwise every batch is, and the indexes are rebuilt in memory.
 */
async function recoverActive(ctx: RecoveryContext, report: RecoveryReport, segment: Segment, logSize: number, only: boolean): Promise<void> {
  if (report.cleanShutdown && (await loadIndexes(ctx, segment, Infinity, logSize)) && (await tailCheck(ctx, report, segment, logSize))) {
    report.reason = 'clean shutdown: indexes loaded, tail after the last index entry checked';
  } else {
    report.reason = report.cleanShutdown
      ? 'clean-shutdown marker present but the active segment failed its checks: every batch scanned'
      : logSize === 0 && only
        ? 'new log'
        : 'no clean-shutdown marker: every batch of the active segment scanned';
    segment.offsetIndex = new OffsetIndex(segment.baseOffset);
    segment.timeIndex = new TimeIndex(segment.baseOffset);
    segment.maxTimestampMs = -1;
    segment.offsetOfMaxTimestamp = -1;
    const scan = await scanLog(ctx, report, segment, 0, logSize, segment.baseOffset, true);
    if (scan.failure !== null) await cut(ctx, report, segment, scan, logSize, scan.failure);
    applyScan(segment, scan);
    // Index files of the active segment are rewritten at seal or close; stale ones would mislead.
    await removeIndexFiles(ctx, report, segment);
    if (logSize > 0) report.indexesRebuilt++;
  }
  segment.firstAppendMs = segment.isEmpty ? -1 : await firstBatchTimeMs(ctx, segment);
}

/** segmentMs counts from the first batch's timestamp when it is plausible, else from now. */
async function firstBatchTimeMs(ctx: RecoveryContext, segment: Segment): Promise<number> {
  const now = ctx.nowMs();
  const head = Buffer.allocUnsafe(BATCH_HEADER_BYTES);
  const n = await ctx.fdCache.use(segment.logPath, (h) => readFully(h, head, BATCH_HEADER_BYTES, 0));
  if (n < BATCH_HEADER_BYTES) return now;
  const ts = batchMaxTimestamp(head, 0);
  return ts > 0 && ts <= now ? ts : now;
}

async function tailCheck(ctx: RecoveryContext, report: RecoveryReport, segment: Segment, logSize: number): Promise<boolean> {
  const last = segment.offsetIndex.count - 1;
  const from = last < 0 ? 0 : segment.offsetIndex.positionAt(last);
  const expected = last < 0 ? segment.baseOffset : segment.offsetIndex.offsetAt(last);
  const scan = await scanLog(ctx, report, segment, from, logSize, expected, false);
  if (scan.failure !== null || scan.endPosition !== logSize) return false;
  segment.nextOffset = scan.nextOffset;
  segment.sizeBytes = logSize;
  segment.committedBytes = logSize;
  segment.syncedBytes = logSize;
  if (scan.maxTimestampMs > segment.maxTimestampMs) {
    segment.maxTimestampMs = scan.maxTimestampMs;
    segment.offsetOfMaxTimestamp = scan.offsetOfMaxTimestamp;
  }
  segment.restoreBytesSinceIndexEntry(logSize - from);
  return true;
}

interface ScanResult {
  endPosition: number;
  nextOffset: number;
  maxTimestampMs: number;
  offsetOfMaxTimestamp: number;
  failure: string | null;
}

/**
 * Checks every batch in [from, fileSize) of the segment's log: whole, valid (CRC included) and
 * starting at the expected offset. With `index`, feeds each good batch to segment.onBatch.
 */
async function scanLog(
  ctx: RecoveryContext, report: RecoveryReport, segment: Segment, from: number, fileSize: number, expectedOffset: number, index: boolean,
): Promise<ScanResult> {
  const result: ScanResult = { endPosition: from, nextOffset: expectedOffset, maxTimestampMs: -1, offsetOfMaxTimestamp: -1, failure: null };
  report.segmentsScanned++;
  await ctx.fdCache.use(segment.logPath, async (handle) => {
    let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, Math.max(fileSize - from, BATCH_HEADER_BYTES)));
    let bufStart = from;
    let bufBytes = 0;
    let pos = from;
    while (pos < fileSize) {
      const inBuffer = bufStart + bufBytes - pos;
      if (inBuffer < Math.min(BATCH_HEADER_BYTES, fileSize - pos)) {
        bufStart = pos;
        bufBytes = await readFully(handle, buf, Math.min(buf.length, fileSize - pos), pos);
        if (bufBytes === 0) break;
        continue;
      }
      const at = pos - bufStart;
      const total = checkBatchAt(buf, at, bufBytes, BATCH_BYTES_MAX_LIMIT, true);
      if (total === BatchCheck.TRUNCATED && bufStart + bufBytes < fileSize) {
        // The batch runs past the buffer but the file has more: read it whole from its start.
        const declared = inBuffer >= BATCH_LOG_OVERHEAD_BYTES ? batchTotalBytes(buf, at) : SCAN_CHUNK_BYTES;
        const length = Math.min(fileSize - pos, Math.max(SCAN_CHUNK_BYTES, declared));
        if (length > buf.length) buf = Buffer.allocUnsafe(length);
        bufStart = pos;
        bufBytes = await readFully(handle, buf, length, pos);
        if (bufBytes < length) break;
        continue;
      }
      if (total < 0) {
        result.failure = describeBatchCheck(total);
        break;
      }
      const base = batchBaseOffset(buf, at);
      if (base !== result.nextOffset) {
        result.failure = `offset discontinuity: expected base offset ${result.nextOffset}, found ${base}`;
        break;
      }
      const maxTimestampMs = batchMaxTimestamp(buf, at);
      if (index) segment.onBatch(base, pos, total, maxTimestampMs);
      if (maxTimestampMs > result.maxTimestampMs) {
        result.maxTimestampMs = maxTimestampMs;
        result.offsetOfMaxTimestamp = base;
      }
      result.nextOffset = base + batchLastOffsetDelta(buf, at) + 1;
      pos += total;
    }
    result.endPosition = pos;
    if (pos < fileSize && result.failure === null) result.failure = describeBatchCheck(BatchCheck.TRUNCATED);
  });
  report.bytesScanned += result.endPosition - from;
  return result;
}

function applyScan(segment: Segment, scan: ScanResult): void {
  segment.nextOffset = scan.nextOffset;
  segment.sizeBytes = scan.endPosition;
  segment.committedBytes = scan.endPosition;
  segment.syncedBytes = scan.endPosition;
}

/** Truncates the log file at the end of the last good batch, durably, and reports it. */
async function cut(ctx: RecoveryContext, report: RecoveryReport, segment: Segment, scan: ScanResult, logSize: number, reason: string): Promise<void> {
  await ctx.fdCache.use(segment.logPath, async (h) => {
    await h.truncate(scan.endPosition);
    await h.datasync();
  });
  applyScan(segment, scan);
  const bytesTruncated = logSize - scan.endPosition;
  report.bytesTruncated += bytesTruncated;
  report.truncations.push({ segmentBaseOffset: segment.baseOffset, offset: scan.nextOffset, position: scan.endPosition, bytesTruncated, reason });
}

async function removeIndexFiles(ctx: RecoveryContext, report: RecoveryReport, segment: Segment): Promise<void> {
  for (const path of [segment.offsetIndexPath, segment.timeIndexPath]) await removeFile(ctx, report, path, true);
  segment.offsetIndex.persistedCount = 0;
  segment.timeIndex.persistedCount = 0;
}

async function removeSegmentFiles(ctx: RecoveryContext, report: RecoveryReport, baseOffset: number): Promise<void> {
  const segment = new Segment(ctx, baseOffset);
  for (const path of [segment.logPath, segment.offsetIndexPath, segment.timeIndexPath]) await removeFile(ctx, report, path);
}

async function removeFile(ctx: RecoveryContext, report: RecoveryReport, path: string, quiet = false): Promise<void> {
  await ctx.fdCache.forget(path);
  try {
    await ctx.fdCache.fileIO.unlink(path);
    if (!quiet) report.removedFiles.push(path);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') throw err;
  }
}
