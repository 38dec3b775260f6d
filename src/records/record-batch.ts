// RecordBatch v2 (magic 2) as a typed value: encode to bytes and decode from untrusted bytes. The
// produce and fetch paths never call this (they check and patch headers in place, batch-check.ts);
// it serves protocols that build or read records (AMQP, HTTP), tools and tests.
//
// Decoding trusts nothing: the batch length is checked against the input and the limit, the
// record count against the bytes left, every length against its enclosing record, and all of it
// before anything is allocated. Whatever goes wrong surfaces as a RecordsError.
import { strict as assert } from 'node:assert';
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_DELETE_HORIZON,
  ATTR_RESERVED_MASK,
  ATTR_TIMESTAMP_TYPE_LOG_APPEND,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  BATCH_LOG_OVERHEAD_BYTES,
  MAGIC_POS,
  MAGIC_V2,
  PARTITION_LEADER_EPOCH_POS,
  writeBatchCrc,
} from './batch-header.js';
import { BatchCheck, checkBatchAt } from './batch-check.js';
import { BoundedReader } from './bounded-reader.js';
import { CompressionCodec, compress, decompress, isCompressionCodec } from './compression/codec.js';
import { writeInt64 } from './int64.js';
import { RECORD_BYTES_MIN, readRecord, recordBodyBytes, writeRecord, type Record } from './record.js';
import { batchCheckError, RecordsError, RecordsErrorCode } from './records-error.js';
import { validateBatch } from './record-batch-validate.js';
import { varintBytes } from './varint.js';

export type TimestampType = 'create' | 'log-append';

export interface RecordBatch {
  baseOffset: number;
  /** int32; -1 when the producer did not set it. */
  partitionLeaderEpoch: number;
  compression: CompressionCodec;
  timestampType: TimestampType;
  isTransactional: boolean;
  /** Control batches carry transaction markers (KIP-98), never application records. */
  isControl: boolean;
  /** KIP-534: set on compacted batches whose baseTimestamp is the tombstones' delete horizon. */
  hasDeleteHorizon: boolean;
  /** Attribute bits 7-15 (no KIP defines them yet), kept so a re-encoded batch is byte-identical. */
  reservedAttributeBits: number;
  /** int32: offset of the last record minus baseOffset (compaction can leave gaps). */
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  /** -1, -1, -1 when the producer is neither idempotent nor transactional. */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  records: Record[];
}

export interface RecordBatchDecodeOptions {
  /** Largest whole batch (baseOffset through the last record) accepted. */
  batchBytesMax?: number;
  /** Largest decompressed records section accepted: the zip-bomb guard. */
  decompressedBytesMax?: number;
  /** Checks the CRC32C; skip it only for bytes verified already (e.g. just checked on append). */
  verifyCrc?: boolean;
}

export interface RecordBatchEncodeOptions {
  /** Sets lastOffsetDelta to the largest record offsetDelta instead of taking the batch's value. */
  deriveLastOffsetDelta?: boolean;
  /** Sets maxTimestamp to baseTimestamp + the largest timestampDelta. */
  deriveMaxTimestamp?: boolean;
  /** gzip 1-9 or zstd level; the codec's default when absent. */
  compressionLevel?: number;
}

export const RECORD_BATCH_DECODE_DEFAULTS = {
  /** Kafka's default message.max.bytes. */
  batchBytesMax: 1_048_588,
  decompressedBytesMax: 32 * 1024 * 1024,
} as const;

/** What a run of concatenated batches held: whole batches, then the length of a cut-off tail. */
export interface DecodedRecordBatches {
  batches: RecordBatch[];
  /**
   * Bytes of a final batch that is cut short. Fetch responses end that way when the batch did
   * not fit in the response; it is not an error, the consumer fetches it again.
   */
  trailingBytes: number;
}

const INT32_MAX = 0x7fff_ffff;

/** Fills in what the wire format defaults to: no producer id, no timestamp, no compression. */
/** A record's timestamp: under LogAppendTime every record carries the batch's max timestamp (KIP-32). */
export function recordTimestampMs(batch: RecordBatch, record: Record): number {
  return batch.timestampType === 'log-append' ? batch.maxTimestamp : batch.baseTimestamp + record.timestampDelta;
}

export function createRecordBatch(fields: Partial<RecordBatch> = {}): RecordBatch {
  const records = fields.records ?? [];
  const baseTimestamp = fields.baseTimestamp ?? -1;
  return {
    baseOffset: fields.baseOffset ?? 0,
    partitionLeaderEpoch: fields.partitionLeaderEpoch ?? -1,
    compression: fields.compression ?? CompressionCodec.none,
    timestampType: fields.timestampType ?? 'create',
    isTransactional: fields.isTransactional ?? false,
    isControl: fields.isControl ?? false,
    hasDeleteHorizon: fields.hasDeleteHorizon ?? false,
    reservedAttributeBits: fields.reservedAttributeBits ?? 0,
    lastOffsetDelta: fields.lastOffsetDelta ?? largestOffsetDelta(records, 0),
    baseTimestamp,
    maxTimestamp: fields.maxTimestamp ?? largestTimestamp(records, baseTimestamp, baseTimestamp),
    producerId: fields.producerId ?? -1,
    producerEpoch: fields.producerEpoch ?? -1,
    baseSequence: fields.baseSequence ?? -1,
    records,
  };
}

/** Decodes `buf`, which must hold exactly one batch. */
export function decodeRecordBatch(buf: Buffer, options: RecordBatchDecodeOptions = {}): RecordBatch {
  try {
    const total = checkedBatchBytes(buf, 0, buf.length, options);
    if (total < 0) throw batchCheckError(total, buf, 0);
    if (total !== buf.length) {
      throw new RecordsError(RecordsErrorCode.CORRUPT, `${buf.length - total} bytes follow the record batch; pass one batch, or use decodeRecordBatches`, total);
    }
    return decodeCheckedBatch(buf, 0, total, options);
  } catch (err) {
    throw asRecordsError(err);
  }
}

/**
 * Decodes concatenated batches (a fetch response's records, a segment slice). A final batch cut
 * short is reported in trailingBytes, not thrown; any other fault throws a RecordsError, including
 * a cut-short batch whose declared length is above batchBytesMax (it could never be read whole).
 */
export function decodeRecordBatches(buf: Buffer, options: RecordBatchDecodeOptions = {}): DecodedRecordBatches {
  const batches: RecordBatch[] = [];
  let pos = 0;
  try {
    while (pos < buf.length) {
      const total = checkedBatchBytes(buf, pos, buf.length, options);
      if (total === BatchCheck.TRUNCATED) return { batches, trailingBytes: buf.length - pos };
      if (total < 0) throw batchCheckError(total, buf, pos);
      batches.push(decodeCheckedBatch(buf, pos, total, options));
      pos += total;
    }
    return { batches, trailingBytes: 0 };
  } catch (err) {
    throw asRecordsError(err);
  }
}

/** Total bytes of the whole, CRC-valid batch at `pos`, or a negative BatchCheck result. */
function checkedBatchBytes(buf: Buffer, pos: number, end: number, options: RecordBatchDecodeOptions): number {
  // A legacy MessageSet (magic 0/1) keeps its magic at the same position but is often shorter
  // than a v2 header; name it for what it is rather than a bad length.
  if (end - pos > MAGIC_POS && buf[pos + MAGIC_POS] !== MAGIC_V2) return BatchCheck.BAD_MAGIC;
  const batchBytesMax = options.batchBytesMax ?? RECORD_BATCH_DECODE_DEFAULTS.batchBytesMax;
  return checkBatchAt(buf, pos, end, batchBytesMax, options.verifyCrc ?? true);
}

/** Decodes the batch at `pos` whose length, magic, counts and CRC checkBatchAt has accepted. */
function decodeCheckedBatch(buf: Buffer, pos: number, total: number, options: RecordBatchDecodeOptions): RecordBatch {
  const r = new BoundedReader(buf, pos, pos + total, RecordsErrorCode.CORRUPT);
  const baseOffset = r.int64('baseOffset');
  r.pos = pos + PARTITION_LEADER_EPOCH_POS;
  const partitionLeaderEpoch = r.int32('partitionLeaderEpoch');
  r.pos += 5; // magic and CRC, both checked
  const attributesPos = r.pos;
  const attributes = r.uint16('attributes');
  const lastOffsetDelta = r.int32('lastOffsetDelta');
  const baseTimestamp = r.int64('baseTimestamp');
  const maxTimestamp = r.int64('maxTimestamp');
  const producerId = r.int64('producerId');
  const producerEpoch = r.int16('producerEpoch');
  const baseSequence = r.int32('baseSequence');
  const recordsCount = r.int32('recordsCount');
  const codec = attributes & ATTR_COMPRESSION_MASK;
  if (!isCompressionCodec(codec)) {
    throw new RecordsError(RecordsErrorCode.COMPRESSION, `unknown compression codec ${codec} in batch attributes (Kafka defines 0-4)`, attributesPos);
  }
  return {
    baseOffset,
    partitionLeaderEpoch,
    compression: codec,
    timestampType: (attributes & ATTR_TIMESTAMP_TYPE_LOG_APPEND) !== 0 ? 'log-append' : 'create',
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    hasDeleteHorizon: (attributes & ATTR_DELETE_HORIZON) !== 0,
    reservedAttributeBits: attributes & ATTR_RESERVED_MASK,
    lastOffsetDelta,
    baseTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    baseSequence,
    records: readRecords(r, codec, recordsCount, options),
  };
}

function readRecords(batch: BoundedReader, codec: CompressionCodec, count: number, options: RecordBatchDecodeOptions): Record[] {
  let r = batch;
  if (codec !== CompressionCodec.none) {
    const payload = batch.buf.subarray(batch.pos, batch.end);
    // Kafka writes an empty batch left by compaction with its codec but no payload at all.
    if (count === 0 && payload.length === 0) return [];
    const decompressedBytesMax = options.decompressedBytesMax ?? RECORD_BATCH_DECODE_DEFAULTS.decompressedBytesMax;
    const records = decompress(codec, payload, decompressedBytesMax);
    r = new BoundedReader(records, 0, records.length, RecordsErrorCode.CORRUPT);
  }
  if (count < 0 || count > r.remaining() / RECORD_BYTES_MIN) {
    r.fail(RecordsErrorCode.CORRUPT, `recordsCount ${count} cannot fit in ${r.remaining()} bytes of records`);
  }
  const records: Record[] = [];
  for (let i = 0; i < count; i++) records.push(readRecord(r));
  if (r.pos !== r.end) {
    r.fail(RecordsErrorCode.CORRUPT, `${r.end - r.pos} bytes follow the last of ${count} records: the batch length or record count is wrong`);
  }
  return records;
}

/**
 * Encodes `batch`: compresses the records with its codec and computes the CRC32C. An empty batch
 * gets no records payload at all, whatever its codec, as Kafka writes it.
 */
export function encodeRecordBatch(batch: RecordBatch, options: RecordBatchEncodeOptions = {}): Buffer {
  const records = batch.records;
  const lastOffsetDelta = options.deriveLastOffsetDelta === true ? largestOffsetDelta(records, batch.lastOffsetDelta) : batch.lastOffsetDelta;
  const maxTimestamp = options.deriveMaxTimestamp === true ? largestTimestamp(records, batch.baseTimestamp, batch.maxTimestamp) : batch.maxTimestamp;
  validateBatch(batch, lastOffsetDelta, maxTimestamp);

  const bodyBytes = new Array<number>(records.length);
  let recordsBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const body = recordBodyBytes(records[i] as Record);
    bodyBytes[i] = body;
    recordsBytes += varintBytes(body) + body;
  }
  const compressed = batch.compression !== CompressionCodec.none;
  let payload: Buffer | undefined;
  if (compressed && records.length > 0) {
    const plain = Buffer.allocUnsafe(recordsBytes);
    const end = writeRecords(plain, 0, records, bodyBytes);
    assert.equal(end, recordsBytes, 'record sizes and writes disagree');
    const level = options.compressionLevel;
    payload = compress(batch.compression, plain, level === undefined ? {} : { level });
  }
  const recordsSectionBytes = compressed ? (payload?.length ?? 0) : recordsBytes;
  const total = BATCH_HEADER_BYTES + recordsSectionBytes;
  if (total - BATCH_LOG_OVERHEAD_BYTES > INT32_MAX) {
    throw new RecordsError(RecordsErrorCode.TOO_LARGE, `record batch of ${total} bytes exceeds the int32 batch length; split the records`);
  }
  // Encoded batches are usually kept (queued, appended, cached): their own memory, not a slice
  // of Node's shared pool that a small batch would pin.
  const buf = Buffer.allocUnsafeSlow(total);
  writeHeader(buf, batch, total, lastOffsetDelta, maxTimestamp);
  if (payload !== undefined) payload.copy(buf, BATCH_HEADER_BYTES);
  else if (!compressed) assert.equal(writeRecords(buf, BATCH_HEADER_BYTES, records, bodyBytes), total, 'record sizes and writes disagree');
  writeBatchCrc(buf, 0, total);
  return buf;
}

function writeRecords(buf: Buffer, pos: number, records: readonly Record[], bodyBytes: readonly number[]): number {
  for (let i = 0; i < records.length; i++) pos = writeRecord(buf, pos, records[i] as Record, bodyBytes[i] as number);
  return pos;
}

function writeHeader(buf: Buffer, batch: RecordBatch, total: number, lastOffsetDelta: number, maxTimestamp: number): void {
  let attributes = batch.compression | batch.reservedAttributeBits;
  if (batch.timestampType === 'log-append') attributes |= ATTR_TIMESTAMP_TYPE_LOG_APPEND;
  if (batch.isTransactional) attributes |= ATTR_TRANSACTIONAL;
  if (batch.isControl) attributes |= ATTR_CONTROL;
  if (batch.hasDeleteHorizon) attributes |= ATTR_DELETE_HORIZON;
  writeInt64(buf, 0, batch.baseOffset);
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD_BYTES, 8);
  buf.writeInt32BE(batch.partitionLeaderEpoch, 12);
  buf.writeInt8(MAGIC_V2, 16);
  buf.writeUInt32BE(0, 17); // CRC, computed once the rest is written
  buf.writeUInt16BE(attributes, 21);
  buf.writeInt32BE(lastOffsetDelta, 23);
  writeInt64(buf, 27, batch.baseTimestamp);
  writeInt64(buf, 35, maxTimestamp);
  writeInt64(buf, 43, batch.producerId);
  buf.writeInt16BE(batch.producerEpoch, 51);
  buf.writeInt32BE(batch.baseSequence, 53);
  buf.writeInt32BE(batch.records.length, 57);
}

function largestOffsetDelta(records: readonly Record[], ifEmpty: number): number {
  if (records.length === 0) return ifEmpty;
  let largest = -Infinity;
  for (const record of records) if (record.offsetDelta > largest) largest = record.offsetDelta;
  return largest;
}

function largestTimestamp(records: readonly Record[], baseTimestamp: number, ifEmpty: number): number {
  if (records.length === 0) return ifEmpty;
  let largest = -Infinity;
  for (const record of records) if (record.timestampDelta > largest) largest = record.timestampDelta;
  return baseTimestamp + largest;
}

/** Decoders promise RecordsError only; anything else escaping is a decoder bug, kept as the cause. */
function asRecordsError(err: unknown): RecordsError {
  if (err instanceof RecordsError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RecordsError(RecordsErrorCode.CORRUPT, `record batch could not be decoded (unexpected ${message})`, -1, { cause: err });
}
