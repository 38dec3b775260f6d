// Rebuilds a partition's producer state from its log, so deduplication holds after a restart or a
// kill -9 (KIP-98: the state is derived from the log, as Kafka's UnifiedLog.loadProducerState
// replays batches). Every batch header from logStartOffset to the high watermark is visited, read
// in windows of PRODUCER_STATE_LOAD_READ_BYTES through PartitionLog.read; records are not decoded.
//
// Cost: one sequential read of the whole partition, the first time an idempotent producer writes
// to it after the log was opened (not at broker start). Kafka bounds this with producer-state
// snapshots taken at segment roll and shutdown; Wharf has none yet (docs/kafka.md, Known gaps).
import { BATCH_LOG_OVERHEAD_BYTES, batchBaseOffset, batchLastOffsetDelta, batchTotalBytes } from '../records/batch-header.js';
import { LogErrorCode } from '../log/log-errors.js';
import type { PartitionLog } from '../log/partition-log.js';
import { isWharfError } from '../util/wharf-error.js';
import { batchBaseSequence, hasProducerId, hasSafeProducerId, isControlBatch, producerBatchAt } from './producer-batch.js';
import type { ProducerStateTable } from './producer-state.js';

export const PRODUCER_STATE_LOAD_READ_BYTES = 1024 * 1024;

export interface ProducerStateLoad {
  /** Offsets [fromOffset, toOffset) were scanned. */
  fromOffset: number;
  toOffset: number;
  batches: number;
  producerBatches: number;
  bytes: number;
  ms: number;
}

/**
 * Replays into `table` every batch with a producer id between logStartOffset and the high
 * watermark as it is when the load starts. The caller makes sure no idempotent append to this
 * log is in flight meanwhile, so nothing the state should hold lies beyond that high watermark.
 */
export async function loadProducerState(log: PartitionLog, table: ProducerStateTable, nowMs: () => number = Date.now): Promise<ProducerStateLoad> {
  const started = nowMs();
  const toOffset = log.highWatermark;
  const fromOffset = log.logStartOffset;
  const report: ProducerStateLoad = { fromOffset, toOffset, batches: 0, producerBatches: 0, bytes: 0, ms: 0 };
  let offset = fromOffset;
  while (offset < toOffset) {
    let bytes: Buffer;
    try {
      bytes = (await log.read(offset, PRODUCER_STATE_LOAD_READ_BYTES)).bytes;
    } catch (err) {
      // Retention or DeleteRecords moved the log start past us meanwhile: what it removed no
      // longer needs deduplicating against (rule 5 of producer-state.ts), so skip ahead.
      if (isWharfError(err, LogErrorCode.OFFSET_OUT_OF_RANGE) && log.logStartOffset > offset) {
        offset = log.logStartOffset;
        continue;
      }
      throw err;
    }
    if (bytes.length === 0) break;
    report.bytes += bytes.length;
    const next = replayBatches(bytes, table, offset, report);
    if (next <= offset) break; // read returns whole batches ending past `offset`; guard anyway
    offset = next;
  }
  report.ms = nowMs() - started;
  return report;
}

/** Replays the whole batches in `bytes`; returns the offset after the last one. */
function replayBatches(bytes: Buffer, table: ProducerStateTable, offset: number, report: ProducerStateLoad): number {
  let next = offset;
  for (let pos = 0; pos + BATCH_LOG_OVERHEAD_BYTES <= bytes.length; ) {
    const total = batchTotalBytes(bytes, pos);
    if (pos + total > bytes.length) break;
    const baseOffset = batchBaseOffset(bytes, pos);
    const lastOffset = baseOffset + batchLastOffsetDelta(bytes, pos);
    report.batches++;
    // Control batches are transaction markers, not data; a negative sequence was never checked.
    if (hasProducerId(bytes, pos) && hasSafeProducerId(bytes, pos) && !isControlBatch(bytes, pos) && batchBaseSequence(bytes, pos) >= 0) {
      table.replay(producerBatchAt(bytes, pos), baseOffset, lastOffset);
      report.producerBatches++;
    }
    next = lastOffset + 1;
    pos += total;
  }
  return next;
}
