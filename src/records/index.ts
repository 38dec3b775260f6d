// Public API of the records module: RecordBatch v2 bytes ⇄ typed batches, in-place header access,
// structural checks, varints and compression codecs.
export * from './batch-check.js';
export * from './batch-header.js';
export { BoundedReader } from './bounded-reader.js';
export * from './compression/codec.js';
export { crc32c } from './crc32c.js';
export { isSafeInt64, readInt64, writeInt64 } from './int64.js';
export { createRecord, readRecord, recordBytes, RECORD_BYTES_MIN, type Record, type RecordHeader } from './record.js';
export {
  createRecordBatch,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  RECORD_BATCH_DECODE_DEFAULTS,
  recordTimestampMs,
  type DecodedRecordBatches,
  type RecordBatch,
  type RecordBatchDecodeOptions,
  type RecordBatchEncodeOptions,
  type TimestampType,
} from './record-batch.js';
export { batchCheckError, isRecordsError, RecordsError, RecordsErrorCode } from './records-error.js';
export * from './varint.js';
