// Writer for Kafka's primitive types: the caller computes the size first (EncodedSize), the
// writer allocates once and writes in place (STYLE 8.5). Record data (`records` fields) is never
// copied when it is large: the writer cuts its buffer there and emits the caller's Buffer as its
// own element, so `finish()` returns a list ready for `writev`/`cork` and Fetch responses send
// segment bytes as they are.
import assert from 'node:assert/strict';
import { writeInt64 } from '../../../records/int64.js';
import { unencodable } from './codec-error.js';
import { STRING_BYTES_MAX } from './reader.js';

/**
 * Record data of at least this many bytes is passed through as its own Buffer; smaller data is
 * copied, because one more iovec costs more than copying a few hundred bytes.
 */
export const RECORDS_COPY_BYTES_MAX = 4096;

/** What a `records` field accepts: one buffer, several (e.g. slices of segments), or null. */
export type RecordsValue = Buffer | readonly Buffer[] | null;

/** Bytes an encoding needs, split into what the writer allocates and what it passes through. */
export class EncodedSize {
  inlineBytes = 0;
  externalBytes = 0;

  get totalBytes(): number {
    return this.inlineBytes + this.externalBytes;
  }

  add(bytes: number): void {
    this.inlineBytes += bytes;
  }

  /** Counts record data (without its length prefix) with the same copy rule as the writer. */
  addRecords(value: RecordsValue): void {
    if (value === null) return;
    if (Buffer.isBuffer(value)) this.addSlice(value);
    else for (const b of value) this.addSlice(b);
  }

  private addSlice(b: Buffer): void {
    if (b.length >= RECORDS_COPY_BYTES_MAX) this.externalBytes += b.length;
    else this.inlineBytes += b.length;
  }
}

export function recordsLength(value: RecordsValue): number {
  if (value === null) return -1;
  if (Buffer.isBuffer(value)) return value.length;
  let n = 0;
  for (const b of value) n += b.length;
  return n;
}

export function sizeOfUvarint(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x20_0000) return 3;
  if (value < 0x1000_0000) return 4;
  return 5;
}

export function sizeOfVarint(value: number): number {
  return sizeOfUvarint(((value << 1) ^ (value >> 31)) >>> 0);
}

/** UTF-8 length of a string, refused above Kafka's 32767-byte cap. */
export function stringBytes(s: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > STRING_BYTES_MAX) throw unencodable(`string of ${n} bytes exceeds Kafka's ${STRING_BYTES_MAX}-byte limit`);
  return n;
}

export class KafkaWriter {
  private readonly buf: Buffer;
  private pos = 0;
  private segmentStart = 0;
  private readonly out: Buffer[] = [];

  /** `inlineBytes` is EncodedSize.inlineBytes: exactly what will be written in place. */
  constructor(inlineBytes: number) {
    this.buf = Buffer.allocUnsafe(inlineBytes);
  }

  get position(): number {
    return this.pos;
  }

  int8(v: number): void {
    this.pos = this.buf.writeInt8(v, this.pos);
  }

  bool(v: boolean): void {
    this.pos = this.buf.writeInt8(v ? 1 : 0, this.pos);
  }

  int16(v: number): void {
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  uint16(v: number): void {
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  uint32(v: number): void {
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  int64(v: number): void {
    if (!Number.isSafeInteger(v)) throw unencodable(`int64 value ${v} is not a safe integer`);
    writeInt64(this.buf, this.pos, v);
    this.pos += 8;
  }

  uvarint(v: number): void {
    assert.ok(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff, 'uvarint out of range');
    let rest = v;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.buf[this.pos++] = rest;
  }

  varint(v: number): void {
    this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  uuid(v: string): void {
    // Written straight from the base64url text; a string that is not 16 bytes is refused.
    const n = this.buf.write(v, this.pos, 16, 'base64url');
    if (n !== 16 || v.length !== 22) throw unencodable(`uuid "${v}" is not 16 bytes of base64url`);
    this.pos += 16;
  }

  string(s: string): void {
    const n = stringBytes(s);
    this.int16(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  nullableString(s: string | null): void {
    if (s === null) this.int16(-1);
    else this.string(s);
  }

  compactString(s: string): void {
    const n = stringBytes(s);
    this.uvarint(n + 1);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  compactNullableString(s: string | null): void {
    if (s === null) this.uvarint(0);
    else this.compactString(s);
  }

  private copy(b: Buffer): void {
    this.pos += b.copy(this.buf, this.pos);
  }

  bytes(b: Buffer): void {
    this.int32(b.length);
    this.copy(b);
  }

  nullableBytes(b: Buffer | null): void {
    if (b === null) this.int32(-1);
    else this.bytes(b);
  }

  compactBytes(b: Buffer): void {
    this.uvarint(b.length + 1);
    this.copy(b);
  }

  compactNullableBytes(b: Buffer | null): void {
    if (b === null) this.uvarint(0);
    else this.compactBytes(b);
  }

  /** A `records` field: length prefix, then the data, passed through untouched when large. */
  records(value: RecordsValue, compact: boolean): void {
    const n = recordsLength(value);
    if (compact) this.uvarint(n + 1);
    else this.int32(n);
    if (value === null) return;
    if (Buffer.isBuffer(value)) this.recordsSlice(value);
    else for (const b of value) this.recordsSlice(b);
  }

  private recordsSlice(b: Buffer): void {
    if (b.length >= RECORDS_COPY_BYTES_MAX) this.appendExternal(b);
    else this.copy(b);
  }

  /** Emits `b` as its own output element, after what was written so far. */
  appendExternal(b: Buffer): void {
    if (this.pos > this.segmentStart) this.out.push(this.buf.subarray(this.segmentStart, this.pos));
    this.out.push(b);
    this.segmentStart = this.pos;
  }

  /** The encoded bytes, in order. Asserts that the size computed up front was exact. */
  finish(): Buffer[] {
    assert.equal(this.pos, this.buf.length, 'encoded size differs from the computed size');
    if (this.pos > this.segmentStart || this.out.length === 0) this.out.push(this.buf.subarray(this.segmentStart, this.pos));
    return this.out;
  }
}
