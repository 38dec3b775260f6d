// Typed failures of the records codec. Decoders see bytes from the network and from disk, so every
// way those bytes can be wrong maps to one of these codes; protocols translate them (Kafka
// CORRUPT_MESSAGE, UNSUPPORTED_FOR_MESSAGE_FORMAT, MESSAGE_TOO_LARGE…) and the log uses them to
// decide what recovery truncates.
import { WharfError } from '../util/wharf-error.js';
import { BatchCheck } from './batch-check.js';
import { BATCH_HEADER_BYTES, batchTotalBytes } from './batch-header.js';

export const RecordsErrorCode = {
  /** The input ends before the batch (header or declared length) does: a torn tail or short read. */
  TRUNCATED: 'WHARF_ERR_RECORDS_TRUNCATED',
  /** The bytes are all there but inconsistent: bad varint, negative length, counts that do not add up. */
  CORRUPT: 'WHARF_ERR_RECORDS_CORRUPT',
  /** The stored CRC32C does not match the batch bytes. */
  CRC: 'WHARF_ERR_RECORDS_CRC',
  /** A declared or decompressed size is above the configured limit. */
  TOO_LARGE: 'WHARF_ERR_RECORDS_TOO_LARGE',
  /** Unknown compression codec, or the compressed payload cannot be decompressed. */
  COMPRESSION: 'WHARF_ERR_RECORDS_COMPRESSION',
  /** magic is not 2: a legacy MessageSet (v0/v1) or not a batch at all. */
  UNSUPPORTED_MAGIC: 'WHARF_ERR_RECORDS_UNSUPPORTED_MAGIC',
  /** A batch handed to the encoder has a field outside its wire range. */
  INVALID: 'WHARF_ERR_RECORDS_INVALID',
} as const;
export type RecordsErrorCode = (typeof RecordsErrorCode)[keyof typeof RecordsErrorCode];

export class RecordsError extends WharfError {
  declare readonly code: RecordsErrorCode;
  /**
   * Byte offset where the problem was found, in the decoded buffer (in the decompressed records
   * for a fault inside a compressed batch); -1 when it has no position.
   */
  readonly position: number;

  constructor(code: RecordsErrorCode, message: string, position = -1, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RecordsError';
    this.position = position;
  }
}

export function isRecordsError(err: unknown, code?: RecordsErrorCode): err is RecordsError {
  return err instanceof RecordsError && (code === undefined || err.code === code);
}

/**
 * Turns a negative checkBatchAt result into the error a caller throws or maps to its protocol,
 * so "why a batch was refused" reads the same on produce, append and recovery.
 */
export function batchCheckError(result: number, buf: Buffer, pos: number): RecordsError {
  switch (result) {
    case BatchCheck.TRUNCATED:
      return new RecordsError(RecordsErrorCode.TRUNCATED, 'record batch is cut short; a torn tail is truncated by recovery, a short request must be resent', pos);
    case BatchCheck.BAD_LENGTH:
      // checkBatchAt folds "too small to be a batch" and "above the limit" into one result; only
      // the second deserves the protocols' MESSAGE_TOO_LARGE.
      if (batchTotalBytes(buf, pos) < BATCH_HEADER_BYTES) {
        return new RecordsError(RecordsErrorCode.CORRUPT, 'record batch length is smaller than a batch header', pos);
      }
      return new RecordsError(RecordsErrorCode.TOO_LARGE, 'record batch is larger than the allowed maximum; lower the producer batch.size or raise the broker limit', pos);
    case BatchCheck.BAD_MAGIC:
      return new RecordsError(RecordsErrorCode.UNSUPPORTED_MAGIC, 'only RecordBatch v2 (magic 2) is accepted; upgrade the client to Kafka 0.11+ message format', pos);
    case BatchCheck.BAD_CRC:
      return new RecordsError(RecordsErrorCode.CRC, 'record batch CRC32C does not match its bytes; the batch was damaged in transit or on disk', pos);
    case BatchCheck.BAD_COUNTS:
      return new RecordsError(RecordsErrorCode.CORRUPT, 'record batch declares a negative or impossible record count or offset delta', pos);
    default:
      return new RecordsError(RecordsErrorCode.CORRUPT, `record batch failed its check (result ${result})`, pos);
  }
}
