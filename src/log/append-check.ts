// The check every append passes before it is queued: whole, valid RecordBatch v2 batches (CRC32C
// included) within batchBytesMax. It never decodes records.
import { checkBatchAt, describeBatchCheck, BatchCheck } from '../records/batch-check.js';
import { BATCH_HEADER_BYTES, BATCH_LENGTH_POS, BATCH_LOG_OVERHEAD_BYTES, batchLastOffsetDelta } from '../records/batch-header.js';
import type { WharfError } from '../util/wharf-error.js';
import { LogErrorCode, logError } from './log-errors.js';

/**
 * Checks that `buf` is one or more whole, valid v2 batches (CRC included) and returns how many
 * offsets they take, or the error to reject the append with.
 */
export function checkAppend(buf: Buffer, batchBytesMax: number): number | WharfError {
  if (buf.length === 0) return logError(LogErrorCode.CORRUPT_BATCH, 'append holds no batch; send one or more RecordBatch v2 batches');
  if (buf.length > batchBytesMax) {
    return logError(LogErrorCode.BATCH_TOO_LARGE, `append of ${buf.length} bytes is larger than batchBytesMax (${batchBytesMax}); send smaller batches or raise the limit`);
  }
  let offsets = 0;
  let pos = 0;
  while (pos < buf.length) {
    const total = checkBatchAt(buf, pos, buf.length, batchBytesMax, true);
    if (total < 0) {
      if (total === BatchCheck.BAD_LENGTH && buf.length - pos >= BATCH_HEADER_BYTES && buf.readInt32BE(pos + BATCH_LENGTH_POS) + BATCH_LOG_OVERHEAD_BYTES > batchBytesMax) {
        return logError(LogErrorCode.BATCH_TOO_LARGE, `batch at byte ${pos} is larger than batchBytesMax (${batchBytesMax}); send smaller batches or raise the limit`);
      }
      return logError(LogErrorCode.CORRUPT_BATCH, `batch at byte ${pos} of the append is invalid: ${describeBatchCheck(total)}; nothing was appended, resend valid RecordBatch v2 bytes`);
    }
    offsets += batchLastOffsetDelta(buf, pos) + 1;
    pos += total;
  }
  return offsets;
}
