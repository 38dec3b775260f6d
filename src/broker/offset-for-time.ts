// Kafka's ListOffsets by timestamp: the offset of the first record whose timestamp is at least
// the one asked for. The log's time index finds the batch (its max timestamp is at least the
// target); this looks inside that one batch, decompressing it when needed, so the answer is the
// exact record rather than the start of its batch. It runs per ListOffsets request, never on the
// produce or fetch path.
import type { PartitionLog, TimestampOffset } from '../log/partition-log.js';
import { decodeRecordBatch } from '../records/record-batch.js';
import { batchTotalBytes, BATCH_LOG_OVERHEAD_BYTES } from '../records/batch-header.js';

/** Upper bound on the bytes read to look inside one batch (a batch is at most batchBytesMax). */
const BATCH_READ_BYTES_MAX = 64 * 1024 * 1024;

/** The first record at or after `timestampMs` and its timestamp, or null when every record is older. */
export async function offsetForTimestamp(log: PartitionLog, timestampMs: number): Promise<TimestampOffset | null> {
  const found = await log.offsetForTimestamp(timestampMs);
  if (found === null) return null;
  try {
    return (await exactRecord(log, found.offset, timestampMs)) ?? found;
  } catch {
    // The batch could not be looked into (retention removed it meanwhile, a codec failed): the
    // batch's start is still a correct lower bound, so a consumer misses nothing.
    return found;
  }
}

async function exactRecord(log: PartitionLog, offset: number, timestampMs: number): Promise<TimestampOffset | null> {
  const read = await log.read(offset, 1);
  const bytes = read.bytes;
  if (bytes.length < BATCH_LOG_OVERHEAD_BYTES) return null;
  const total = batchTotalBytes(bytes, 0);
  if (total > bytes.length || total > BATCH_READ_BYTES_MAX) return null;
  const batch = decodeRecordBatch(bytes.subarray(0, total), { verifyCrc: false, batchBytesMax: BATCH_READ_BYTES_MAX });
  const logAppendTime = batch.timestampType === 'log-append';
  for (const record of batch.records) {
    const recordOffset = batch.baseOffset + record.offsetDelta;
    // Under LogAppendTime every record carries the batch's max timestamp (KIP-32).
    const ts = logAppendTime ? batch.maxTimestamp : batch.baseTimestamp + record.timestampDelta;
    if (ts >= timestampMs && recordOffset >= offset && recordOffset >= read.logStartOffset) return { offset: recordOffset, timestampMs: ts };
  }
  return null;
}
