// Helpers shared by the log tests: opening logs on a MemoryFileIO, walking returned batches,
// a manual clock.
import { BATCH_LOG_OVERHEAD_BYTES, batchBaseOffset, batchLastOffsetDelta, batchTotalBytes } from '../../../../src/records/batch-header.js';
import { checkBatchAt } from '../../../../src/records/batch-check.js';
import { FdCache } from '../../../../src/log/fd-cache.js';
import type { FileIO } from '../../../../src/log/file-io.js';
import { PartitionLog, type PartitionLogConfig } from '../../../../src/log/partition-log.js';
import type { RecoveryReport } from '../../../../src/log/recovery.js';

export interface BatchView {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

/** Splits whole batches, checking each (CRC included); throws on anything else. */
export function splitBatches(bytes: Buffer): BatchView[] {
  const out: BatchView[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const total = checkBatchAt(bytes, pos, bytes.length, 0x4000_0000, true);
    if (total < 0) throw new Error(`invalid batch at byte ${pos}: check ${total}`);
    out.push({
      baseOffset: batchBaseOffset(bytes, pos),
      lastOffset: batchBaseOffset(bytes, pos) + batchLastOffsetDelta(bytes, pos),
      bytes: bytes.subarray(pos, pos + total),
    });
    pos += total;
  }
  return out;
}

/** Every batch from logStartOffset to the high watermark, read in steps of `maxBytes`. */
export async function readEverything(log: PartitionLog, maxBytes = 64 * 1024): Promise<BatchView[]> {
  const out: BatchView[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const { bytes } = await log.read(offset, maxBytes);
    if (bytes.length < BATCH_LOG_OVERHEAD_BYTES) throw new Error(`read(${offset}) returned ${bytes.length} bytes below the high watermark`);
    const batches = splitBatches(bytes);
    for (const b of batches) if (out.length === 0 || b.baseOffset > (out[out.length - 1] as BatchView).lastOffset) out.push(b);
    offset = (batches[batches.length - 1] as BatchView).lastOffset + 1;
  }
  return out;
}

export function totalBytesOf(bytes: Buffer): number {
  return batchTotalBytes(bytes, 0);
}

/** A clock tests move by hand. */
export class ManualClock {
  nowMs: number;
  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export interface OpenOptions {
  config?: Partial<PartitionLogConfig>;
  clock?: ManualClock;
  fdCache?: FdCache;
  onRecovery?: (report: RecoveryReport) => void;
}

export function openLog(io: FileIO, dir: string, options: OpenOptions = {}): Promise<PartitionLog> {
  return PartitionLog.open(dir, options.config ?? {}, {
    fdCache: options.fdCache ?? new FdCache(io),
    nowMs: options.clock?.now ?? (() => 1_700_000_000_000),
    ...(options.onRecovery === undefined ? {} : { onRecovery: options.onRecovery }),
  });
}

/** Resolves after `turns` turns of the event loop. */
export async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
