// Structural checks of RecordBatch v2 bytes without decoding records: used by the log on append
// and on recovery, and by protocols on produce. Returns numbers, not objects, so a scan of a
// segment allocates nothing per batch.
import {
  ATTR_COMPRESSION_MASK,
  ATTRIBUTES_POS,
  BATCH_HEADER_BYTES,
  BATCH_LENGTH_POS,
  BATCH_LOG_OVERHEAD_BYTES,
  LAST_OFFSET_DELTA_POS,
  MAGIC_POS,
  MAGIC_V2,
  RECORDS_COUNT_POS,
  batchComputedCrc,
  batchStoredCrc,
} from './batch-header.js';

/** Why a batch failed its check; negative so they never collide with a byte length. */
export const BatchCheck = {
  /** Fewer bytes left than a batch header, or than the batch's declared length: a torn tail. */
  TRUNCATED: -1,
  /** batchLength smaller than a header or larger than the allowed maximum. */
  BAD_LENGTH: -2,
  /** magic is not 2. */
  BAD_MAGIC: -3,
  /** CRC32C does not match the bytes. */
  BAD_CRC: -4,
  /** lastOffsetDelta / recordsCount make no sense (negative, or more offsets than records allow). */
  BAD_COUNTS: -5,
} as const;
export type BatchCheckFailure = (typeof BatchCheck)[keyof typeof BatchCheck];

const FAILURE_NAMES: Record<number, string> = {
  [BatchCheck.TRUNCATED]: 'truncated batch',
  [BatchCheck.BAD_LENGTH]: 'invalid batch length',
  [BatchCheck.BAD_MAGIC]: 'unsupported magic (only RecordBatch v2 is accepted)',
  [BatchCheck.BAD_CRC]: 'CRC32C mismatch',
  [BatchCheck.BAD_COUNTS]: 'invalid record count or offset delta',
};

export function describeBatchCheck(code: number): string {
  return FAILURE_NAMES[code] ?? `unknown batch check result ${code}`;
}

/**
 * Checks the batch that starts at `pos` and must end by `end`. Returns its total size in bytes
 * (baseOffset through the last record) when it is whole and its CRC matches, otherwise one of
 * the negative BatchCheck codes. `batchBytesMax` bounds the declared length before it is trusted.
 */
export function checkBatchAt(buf: Buffer, pos: number, end: number, batchBytesMax: number, verifyCrc = true): number {
  if (end - pos < BATCH_HEADER_BYTES) return BatchCheck.TRUNCATED;
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_POS);
  const total = batchLength + BATCH_LOG_OVERHEAD_BYTES;
  if (total < BATCH_HEADER_BYTES || total > batchBytesMax) return BatchCheck.BAD_LENGTH;
  if (buf[pos + MAGIC_POS] !== MAGIC_V2) return BatchCheck.BAD_MAGIC;
  if (end - pos < total) return BatchCheck.TRUNCATED;
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
  const recordsCount = buf.readInt32BE(pos + RECORDS_COUNT_POS);
  if (lastOffsetDelta < 0 || recordsCount < 0) return BatchCheck.BAD_COUNTS;
  // An uncompressed record takes at least 7 bytes (length, attributes, 2 deltas, key, value,
  // header count), so a larger count is a lie that would mislead readers. Compressed records can
  // be smaller than that on the wire, so only the decompressing reader can check them.
  const compressed = (buf.readInt16BE(pos + ATTRIBUTES_POS) & ATTR_COMPRESSION_MASK) !== 0;
  if (!compressed && recordsCount * 7 > total - BATCH_HEADER_BYTES) return BatchCheck.BAD_COUNTS;
  if (verifyCrc && batchStoredCrc(buf, pos) !== batchComputedCrc(buf, pos, total)) return BatchCheck.BAD_CRC;
  return total;
}
