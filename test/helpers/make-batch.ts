// Builds valid Kafka RecordBatch v2 bytes by hand (no compression, CRC32C set), for tests and
// benchmarks that need batches without depending on the full codec.
//
//   makeBatch({ records: 3, valueBytes: 100 })                      3 records of 100-byte values
//   makeBatch({ records: 1, valueBytes: 0, fill: (i) => Buffer.from('hi') })
//
// baseOffset is 0 (the log assigns offsets), every record has timestampDelta 0 so baseTimestamp
// and maxTimestamp are both `timestampMs`, keys are null and there are no headers.
import { crc32c } from '../../src/records/crc32c.js';
import { ATTRIBUTES_POS, BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD_BYTES, CRC_POS, MAGIC_V2 } from '../../src/records/batch-header.js';
import { writeInt64 } from '../../src/records/int64.js';

export const MAKE_BATCH_TIMESTAMP_MS_DEFAULT = 1_700_000_000_000;

export interface MakeBatchOptions {
  /** Records in the batch, ≥ 1. */
  records: number;
  /** Value size of each record when `fill` is not given. */
  valueBytes: number;
  /** baseTimestamp and maxTimestamp of the batch (default 1_700_000_000_000). */
  timestampMs?: number;
  /** Value of record `i`; default `valueBytes` bytes of `i & 0xff`. */
  fill?: (i: number) => Buffer;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varintBytes(n: number): number {
  let v = zigzag(n);
  let bytes = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

function writeVarint(buf: Buffer, pos: number, n: number): number {
  let v = zigzag(n);
  while (v >= 0x80) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

/** One RecordBatch v2 with `records` records; see the file comment for the fixed fields. */
export function makeBatch(options: MakeBatchOptions): Buffer {
  const { records, valueBytes } = options;
  if (!Number.isInteger(records) || records < 1) throw new RangeError('makeBatch: records must be an integer ≥ 1');
  const timestampMs = options.timestampMs ?? MAKE_BATCH_TIMESTAMP_MS_DEFAULT;
  const fill = options.fill ?? ((i: number) => Buffer.alloc(valueBytes, i & 0xff));
  const values: Buffer[] = [];
  const bodyBytes: number[] = [];
  let total = BATCH_HEADER_BYTES;
  for (let i = 0; i < records; i++) {
    const value = fill(i);
    // attributes, timestampDelta 0, offsetDelta i, key length -1, value length, value, 0 headers
    const body = 1 + varintBytes(0) + varintBytes(i) + varintBytes(-1) + varintBytes(value.length) + value.length + varintBytes(0);
    values.push(value);
    bodyBytes.push(body);
    total += varintBytes(body) + body;
  }
  const buf = Buffer.alloc(total);
  writeInt64(buf, 0, 0); // baseOffset
  buf.writeInt32BE(total - BATCH_LOG_OVERHEAD_BYTES, 8); // batchLength
  buf.writeInt32BE(-1, 12); // partitionLeaderEpoch
  buf.writeInt8(MAGIC_V2, 16);
  buf.writeInt16BE(0, ATTRIBUTES_POS); // no compression, CreateTime
  buf.writeInt32BE(records - 1, 23); // lastOffsetDelta
  writeInt64(buf, 27, timestampMs); // baseTimestamp
  writeInt64(buf, 35, timestampMs); // maxTimestamp
  writeInt64(buf, 43, -1); // producerId
  buf.writeInt16BE(-1, 51); // producerEpoch
  buf.writeInt32BE(-1, 53); // baseSequence
  buf.writeInt32BE(records, 57); // recordsCount
  let pos = BATCH_HEADER_BYTES;
  for (let i = 0; i < records; i++) {
    const value = values[i] as Buffer;
    pos = writeVarint(buf, pos, bodyBytes[i] as number);
    buf.writeInt8(0, pos++); // record attributes
    pos = writeVarint(buf, pos, 0); // timestampDelta
    pos = writeVarint(buf, pos, i); // offsetDelta
    pos = writeVarint(buf, pos, -1); // null key
    pos = writeVarint(buf, pos, value.length);
    pos += value.copy(buf, pos);
    pos = writeVarint(buf, pos, 0); // headers
  }
  buf.writeUInt32BE(crc32c(buf.subarray(ATTRIBUTES_POS)), CRC_POS);
  return buf;
}
