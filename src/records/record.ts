// One record inside a RecordBatch v2 (Kafka's DefaultRecord):
//
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
//   keyLength varint | key | valueLength varint | value | headerCount varint |
//   headers: (keyLength varint | key utf8 | valueLength varint | value)*
//
// length counts the bytes after itself. A key, value or header value of length -1 is null, which
// is not the same as an empty one (length 0): Kafka tombstones are null values. Header keys are
// decoded as UTF-8 leniently (invalid bytes become U+FFFD, as in Kafka's Java client), the one
// case where re-encoding a decoded batch can change its bytes.
import type { BoundedReader } from './bounded-reader.js';
import { RecordsErrorCode } from './records-error.js';
import { varintBytes, varlongBytes, writeVarint, writeVarlong } from './varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface Record {
  /** Unused by Kafka today; kept so a decoded record re-encodes to the same bytes. int8. */
  attributes: number;
  /** Timestamp minus the batch's baseTimestamp, in ms; may be negative. */
  timestampDelta: number;
  /** Offset minus the batch's baseOffset. int32. */
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * The smallest encoded record: length, attributes, both deltas, key and value lengths and the
 * header count take a byte each. A count of records larger than bytes / 7 cannot be honest.
 */
export const RECORD_BYTES_MIN = 7;
/** A header is at least a key length and a value length. */
const HEADER_BYTES_MIN = 2;

export function createRecord(fields: Partial<Record> = {}): Record {
  return {
    attributes: fields.attributes ?? 0,
    timestampDelta: fields.timestampDelta ?? 0,
    offsetDelta: fields.offsetDelta ?? 0,
    key: fields.key ?? null,
    value: fields.value ?? null,
    headers: fields.headers ?? [],
  };
}

/**
 * Reads one record. Keys, values and header values are views into the reader's buffer (no copy);
 * whoever keeps them past the buffer's life copies them.
 */
export function readRecord(r: BoundedReader): Record {
  const lengthPos = r.pos;
  const length = r.varint('record length');
  if (length < 0 || length > r.remaining()) {
    r.fail(RecordsErrorCode.CORRUPT, `record length ${length} does not fit in the ${r.remaining()} bytes left`, lengthPos);
  }
  const outerEnd = r.end;
  const recordEnd = r.pos + length;
  r.end = recordEnd;
  const attributes = r.int8('record attributes');
  const timestampDelta = r.varlong('record timestampDelta');
  const offsetDelta = r.varint('record offsetDelta');
  const key = r.nullableBytes('record key');
  const value = r.nullableBytes('record value');
  const countPos = r.pos;
  const headerCount = r.varint('record header count');
  if (headerCount < 0 || headerCount * HEADER_BYTES_MIN > r.remaining()) {
    r.fail(RecordsErrorCode.CORRUPT, `record header count ${headerCount} does not fit in the record`, countPos);
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const keyLengthPos = r.pos;
    const keyLength = r.varint('header key length');
    // Kafka refuses a null header key (DefaultRecord: "Invalid negative header key size").
    if (keyLength < 0) r.fail(RecordsErrorCode.CORRUPT, `header key length ${keyLength} is negative`, keyLengthPos);
    const headerKey = r.utf8(keyLength, 'header key');
    headers.push({ key: headerKey, value: r.nullableBytes('header value') });
  }
  if (r.pos !== recordEnd) {
    r.fail(RecordsErrorCode.CORRUPT, `record declares ${length} bytes but its fields end ${recordEnd - r.pos} bytes early`, r.pos);
  }
  r.end = outerEnd;
  return { attributes, timestampDelta, offsetDelta, key, value, headers };
}

/** Bytes of the record after its length prefix. */
export function recordBodyBytes(record: Record): number {
  let bytes = 1 + varlongBytes(record.timestampDelta) + varintBytes(record.offsetDelta);
  bytes += nullableBytesSize(record.key) + nullableBytesSize(record.value);
  bytes += varintBytes(record.headers.length);
  for (const header of record.headers) {
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    bytes += varintBytes(keyBytes) + keyBytes + nullableBytesSize(header.value);
  }
  return bytes;
}

/** Bytes of the whole encoded record, length prefix included. */
export function recordBytes(record: Record): number {
  const body = recordBodyBytes(record);
  return varintBytes(body) + body;
}

/** Writes the record at `pos` (room sized by recordBytes); returns the position after it. */
export function writeRecord(buf: Buffer, pos: number, record: Record, bodyBytes: number): number {
  pos = writeVarint(buf, pos, bodyBytes);
  pos = buf.writeInt8(record.attributes, pos);
  pos = writeVarlong(buf, pos, record.timestampDelta);
  pos = writeVarint(buf, pos, record.offsetDelta);
  pos = writeNullableBytes(buf, pos, record.key);
  pos = writeNullableBytes(buf, pos, record.value);
  pos = writeVarint(buf, pos, record.headers.length);
  for (const header of record.headers) {
    const keyBytes = Buffer.byteLength(header.key, 'utf8');
    pos = writeVarint(buf, pos, keyBytes);
    pos += buf.write(header.key, pos, keyBytes, 'utf8');
    pos = writeNullableBytes(buf, pos, header.value);
  }
  return pos;
}

function nullableBytesSize(bytes: Buffer | null): number {
  return bytes === null ? 1 : varintBytes(bytes.length) + bytes.length;
}

function writeNullableBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, bytes.length);
  return pos + bytes.copy(buf, pos);
}
