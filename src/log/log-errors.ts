// The WHARF_ERR_* codes the log throws, in one table so protocols can map them (docs/errors.md
// lists each with what to do).
import { WharfError } from '../util/wharf-error.js';

export const LogErrorCode = {
  /** An appended buffer is not whole, valid RecordBatch v2 bytes (bad length, magic, CRC, counts). */
  CORRUPT_BATCH: 'WHARF_ERR_CORRUPT_BATCH',
  /** An appended buffer or one of its batches is larger than batchBytesMax. */
  BATCH_TOO_LARGE: 'WHARF_ERR_BATCH_TOO_LARGE',
  /** A read, DeleteRecords or truncate offset outside [logStartOffset, highWatermark]. */
  OFFSET_OUT_OF_RANGE: 'WHARF_ERR_OFFSET_OUT_OF_RANGE',
  /** The disk failed (EIO, ENOSPC, fsync); the log refuses appends until it is reopened. */
  LOG_IO: 'WHARF_ERR_LOG_IO',
  /** The log was closed. */
  LOG_CLOSED: 'WHARF_ERR_LOG_CLOSED',
  /** A PartitionLogConfig or LogManager option is out of range. */
  LOG_CONFIG: 'WHARF_ERR_LOG_CONFIG',
  /** The partition directory holds a format this version does not read. */
  LOG_FORMAT: 'WHARF_ERR_LOG_FORMAT',
  /** A partition name is not [A-Za-z0-9._~-]+ (and not `.` or `..`). */
  INVALID_LOG_NAME: 'WHARF_ERR_INVALID_LOG_NAME',
  /** LogManager.create for a name that exists. */
  LOG_EXISTS: 'WHARF_ERR_LOG_EXISTS',
  /** LogManager.delete for a name that does not exist. */
  UNKNOWN_LOG: 'WHARF_ERR_UNKNOWN_LOG',
} as const;

export type LogErrorCode = (typeof LogErrorCode)[keyof typeof LogErrorCode];

export function logError(code: LogErrorCode, message: string, cause?: unknown): WharfError {
  return cause === undefined ? new WharfError(code, message) : new WharfError(code, message, { cause });
}
