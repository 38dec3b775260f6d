// Field positions of the Kafka RecordBatch v2 header (magic 2). The log and the protocols read and
// patch these fields in place, so a produced batch is stored and served without re-encoding.
//
//   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 | crc uint32 |
//   attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 | maxTimestamp int64 |
//   producerId int64 | producerEpoch int16 | baseSequence int32 | recordsCount int32 | records…
//
// The CRC covers attributes .. end of batch, so baseOffset, batchLength, partitionLeaderEpoch and
// magic can be rewritten without recomputing it (KIP-98).
import { crc32c } from './crc32c.js';
import { readInt64, writeInt64 } from './int64.js';

export const BASE_OFFSET_POS = 0;
export const BATCH_LENGTH_POS = 8;
export const PARTITION_LEADER_EPOCH_POS = 12;
export const MAGIC_POS = 16;
export const CRC_POS = 17;
export const ATTRIBUTES_POS = 21;
export const LAST_OFFSET_DELTA_POS = 23;
export const BASE_TIMESTAMP_POS = 27;
export const MAX_TIMESTAMP_POS = 35;
export const PRODUCER_ID_POS = 43;
export const PRODUCER_EPOCH_POS = 51;
export const BASE_SEQUENCE_POS = 53;
export const RECORDS_COUNT_POS = 57;
/** Size of the fixed batch header; records start here. */
export const BATCH_HEADER_BYTES = 61;
/** baseOffset + batchLength: the bytes before what batchLength counts. */
export const BATCH_LOG_OVERHEAD_BYTES = 12;
export const MAGIC_V2 = 2;

/** attributes bits (Kafka's DefaultRecordBatch). */
export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE_LOG_APPEND = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
/** KIP-534: baseTimestamp holds the delete horizon of a compacted batch. */
export const ATTR_DELETE_HORIZON = 0x40;
/** Bits 7-15, which no KIP assigns yet. */
export const ATTR_RESERVED_MASK = 0xff80;

export function batchBaseOffset(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BASE_OFFSET_POS);
}

export function setBatchBaseOffset(buf: Buffer, pos: number, offset: number): void {
  writeInt64(buf, pos + BASE_OFFSET_POS, offset);
}

/** Total bytes of the batch starting at `pos`, including baseOffset and batchLength. */
export function batchTotalBytes(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BATCH_LENGTH_POS) + BATCH_LOG_OVERHEAD_BYTES;
}

export function batchLastOffsetDelta(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
}

export function batchMaxTimestamp(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + MAX_TIMESTAMP_POS);
}

export function batchBaseTimestamp(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BASE_TIMESTAMP_POS);
}

export function batchAttributes(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + ATTRIBUTES_POS);
}

export function batchRecordsCount(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + RECORDS_COUNT_POS);
}

/** CRC32C stored in the header of the batch at `pos`. */
export function batchStoredCrc(buf: Buffer, pos: number): number {
  return buf.readUInt32BE(pos + CRC_POS);
}

/** CRC32C computed over attributes .. end of the batch at `pos` spanning `totalBytes`. */
export function batchComputedCrc(buf: Buffer, pos: number, totalBytes: number): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES_POS, pos + totalBytes));
}

/** Recomputes and stores the CRC after a change to a field it covers (e.g. LogAppendTime). */
export function writeBatchCrc(buf: Buffer, pos: number, totalBytes: number): void {
  buf.writeUInt32BE(batchComputedCrc(buf, pos, totalBytes), pos + CRC_POS);
}
