// AMQP 0-9-1 field tables and arrays (spec §4.2.5.5, with RabbitMQ's errata tag set): a bounded
// decoder and a size-first encoder. Tags are kept on decode so a table re-encodes to the bytes it
// came from, except for the two tags some clients misread (protocol-matrix §3.6): 'L' (signed
// 64-bit, as RabbitMQ and py-amqp read and write it) is written as 'l' when non-negative, as 'I'
// when negative within int32, and kept below that (see writeFieldValue); 's' is widened to 'I'
// (py-amqp reads 's' as a short string).
import { AmqpReader } from './amqp-reader.js';
import { malformed, unencodable } from './amqp-format-error.js';
import type { FieldTable, FieldValue } from './field-types.js';

export { tableGet, fieldToNumber, fieldToString, fieldToBoolean, tablesEqual, valuesEqual, tableFromPlain } from './field-table-helpers.js';
export type { PlainValue, PlainTable } from './field-table-helpers.js';
export { tableToJson, tableFromJson } from './field-table-json.js';
export type { JsonFieldValue, JsonTable } from './field-table-json.js';

/** Tables and arrays nest at most this deep; deeper input is refused before it can exhaust the stack. */
export const FIELD_TABLE_DEPTH_MAX = 32;

const TWO_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Decodes a whole encoded table (4-byte length, then entries); the buffer must hold nothing else. */
export function decodeFieldTable(buf: Buffer): FieldTable {
  const r = new AmqpReader(buf);
  const table = readFieldTable(r, 0);
  if (r.remaining() !== 0) throw malformed(`field table is followed by ${r.remaining()} unexpected bytes`);
  return table;
}

/** Reads a table (length-prefixed) at the reader's position. */
export function readFieldTable(r: AmqpReader, depth: number): FieldTable {
  if (depth > FIELD_TABLE_DEPTH_MAX) throw malformed(`field tables nest deeper than ${FIELD_TABLE_DEPTH_MAX}`);
  const n = r.u32('table length');
  r.need(n, 'table');
  const inner = new AmqpReader(r.buf, r.pos, r.pos + n);
  r.pos += n;
  const table: FieldTable = new Map();
  while (inner.remaining() > 0) {
    const key = inner.shortstr('table key');
    table.set(key, readFieldValue(inner, depth));
  }
  return table;
}

function readFieldArray(r: AmqpReader, depth: number): FieldValue[] {
  if (depth > FIELD_TABLE_DEPTH_MAX) throw malformed(`field arrays nest deeper than ${FIELD_TABLE_DEPTH_MAX}`);
  const n = r.u32('array length');
  r.need(n, 'array');
  const inner = new AmqpReader(r.buf, r.pos, r.pos + n);
  r.pos += n;
  const values: FieldValue[] = [];
  while (inner.remaining() > 0) values.push(readFieldValue(inner, depth));
  return values;
}

export function readFieldValue(r: AmqpReader, depth: number): FieldValue {
  const tag = r.u8('field tag');
  switch (tag) {
    case 0x74: return { tag: 't', value: r.u8('boolean') !== 0 };
    case 0x62: return { tag: 'b', value: r.i8('int8') };
    case 0x42: return { tag: 'B', value: r.u8('uint8') };
    case 0x73: return { tag: 's', value: r.i16('int16') };
    case 0x75: return { tag: 'u', value: r.u16('uint16') };
    case 0x49: return { tag: 'I', value: r.i32('int32') };
    case 0x69: return { tag: 'i', value: r.u32('uint32') };
    case 0x6c: return { tag: 'l', value: r.i64('int64') };
    // RabbitMQ decodes 'L' as signed too (rabbit_binary_parser, errata), and py-amqp writes its
    // negative int64 values as 'L': reading it unsigned would turn -5 into 2^64-5.
    case 0x4c: return { tag: 'L', value: r.i64('int64') };
    case 0x66: return { tag: 'f', value: r.f32('float') };
    case 0x64: return { tag: 'd', value: r.f64('double') };
    case 0x44: return { tag: 'D', value: { scale: r.u8('decimal scale'), value: r.i32('decimal value') } };
    case 0x53: return { tag: 'S', value: r.longstr('long string') };
    case 0x78: return { tag: 'x', value: r.longstr('byte array') };
    case 0x41: return { tag: 'A', value: readFieldArray(r, depth + 1) };
    case 0x54: return { tag: 'T', value: r.u64('timestamp') };
    case 0x46: return { tag: 'F', value: readFieldTable(r, depth + 1) };
    case 0x56: return { tag: 'V', value: null };
    default:
      throw malformed(`unknown field value tag 0x${tag.toString(16)} at offset ${r.pos - 1}`);
  }
}

/** Encodes a table with its 4-byte length; 'L' and 's' values are normalised (see the file comment). */
export function encodeFieldTable(table: FieldTable): Buffer {
  const buf = Buffer.allocUnsafe(fieldTableSize(table));
  writeFieldTable(buf, 0, table);
  return buf;
}

/** Encoded size of a table including its 4-byte length. */
export function fieldTableSize(table: FieldTable): number {
  let n = 4;
  for (const [key, value] of table) n += 1 + keyBytes(key) + fieldValueSize(value);
  return n;
}

/** Writes a table (with its length) at offset; returns the offset after it. */
export function writeFieldTable(buf: Buffer, offset: number, table: FieldTable): number {
  let pos = offset + 4;
  for (const [key, value] of table) {
    const len = keyBytes(key);
    buf[pos] = len;
    pos += 1 + buf.write(key, pos + 1, 'utf8');
    pos = writeFieldValue(buf, pos, value);
  }
  buf.writeUInt32BE(pos - offset - 4, offset);
  return pos;
}

function keyBytes(key: string): number {
  const n = Buffer.byteLength(key, 'utf8');
  if (n > 255) throw unencodable(`field table key "${key.slice(0, 40)}…" is ${n} bytes; a key is a shortstr of at most 255`);
  return n;
}

function fieldValueSize(v: FieldValue): number {
  switch (v.tag) {
    case 't': case 'b': case 'B': return 2;
    case 's': case 'I': case 'i': case 'f': return 5; // 's' is written as 'I'
    case 'u': return 3;
    case 'L': return isInt32Negative(v.value) ? 5 : 9; // see writeFieldValue
    case 'l': case 'd': case 'T': return 9;
    case 'D': return 6;
    case 'S': case 'x': return 5 + v.value.length;
    case 'A': {
      let n = 5;
      for (const item of v.value) n += fieldValueSize(item);
      return n;
    }
    case 'F': return 1 + fieldTableSize(v.value);
    case 'V': return 1;
  }
}

function isInt32Negative(v: number | bigint): boolean {
  return v < 0 && v >= -0x80000000;
}

function checkInt(v: number, min: number, max: number, tag: string): number {
  if (!Number.isInteger(v) || v < min || v > max) throw unencodable(`field value ${v} does not fit tag '${tag}' (${min}..${max})`);
  return v;
}

function write64(buf: Buffer, pos: number, v: number | bigint, min: bigint, max: bigint, tag: string): void {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw unencodable(`field value ${v} for tag '${tag}' is not a safe integer; use a bigint`);
    if (v < 0 && min === 0n) throw unencodable(`field value ${v} for tag '${tag}' is negative`);
    const hi = Math.floor(v / TWO_32);
    buf.writeInt32BE(hi | 0, pos);
    buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
    return;
  }
  if (v < min || v > max) throw unencodable(`field value ${v} does not fit tag '${tag}'`);
  if (min === 0n) buf.writeBigUInt64BE(v, pos);
  else buf.writeBigInt64BE(v, pos);
}

function writeFieldValue(buf: Buffer, pos: number, v: FieldValue): number {
  switch (v.tag) {
    case 't': buf[pos] = 0x74; buf[pos + 1] = v.value ? 1 : 0; return pos + 2;
    case 'b': buf[pos] = 0x62; buf.writeInt8(checkInt(v.value, -128, 127, 'b'), pos + 1); return pos + 2;
    case 'B': buf[pos] = 0x42; buf[pos + 1] = checkInt(v.value, 0, 255, 'B'); return pos + 2;
    case 's': // widened: py-amqp would read 's' as a short string
    case 'I': buf[pos] = 0x49; buf.writeInt32BE(checkInt(v.value, -0x80000000, 0x7fffffff, v.tag), pos + 1); return pos + 5;
    case 'u': buf[pos] = 0x75; buf.writeUInt16BE(checkInt(v.value, 0, 0xffff, 'u'), pos + 1); return pos + 3;
    case 'i': buf[pos] = 0x69; buf.writeUInt32BE(checkInt(v.value, 0, 0xffffffff, 'i'), pos + 1); return pos + 5;
    // amqplib cannot read 'L', but pika and py-amqp read 'l' as *unsigned* (-5 would reach them as
    // 2^64 - 5). So a non-negative 'L' is written as 'l', a negative one that fits int32 as 'I'
    // (read signed by all three), and one below int32 (all py-amqp ever writes as a negative 'L')
    // keeps its tag, as RabbitMQ passes it on.
    case 'L':
      if (isInt32Negative(v.value)) {
        buf[pos] = 0x49;
        buf.writeInt32BE(Number(v.value), pos + 1);
        return pos + 5;
      }
      buf[pos] = v.value < 0 ? 0x4c : 0x6c;
      write64(buf, pos + 1, v.value, INT64_MIN, INT64_MAX, v.tag);
      return pos + 9;
    case 'l': buf[pos] = 0x6c; write64(buf, pos + 1, v.value, INT64_MIN, INT64_MAX, v.tag); return pos + 9;
    case 'T': buf[pos] = 0x54; write64(buf, pos + 1, v.value, 0n, UINT64_MAX, 'T'); return pos + 9;
    case 'f': buf[pos] = 0x66; buf.writeFloatBE(v.value, pos + 1); return pos + 5;
    case 'd': buf[pos] = 0x64; buf.writeDoubleBE(v.value, pos + 1); return pos + 9;
    case 'D':
      buf[pos] = 0x44;
      buf[pos + 1] = checkInt(v.value.scale, 0, 255, 'D scale');
      buf.writeInt32BE(checkInt(v.value.value, -0x80000000, 0x7fffffff, 'D value'), pos + 2);
      return pos + 6;
    case 'S': case 'x':
      buf[pos] = v.tag === 'S' ? 0x53 : 0x78;
      buf.writeUInt32BE(v.value.length, pos + 1);
      v.value.copy(buf, pos + 5);
      return pos + 5 + v.value.length;
    case 'A': {
      buf[pos] = 0x41;
      let p = pos + 5;
      for (const item of v.value) p = writeFieldValue(buf, p, item);
      buf.writeUInt32BE(p - pos - 5, pos + 1);
      return p;
    }
    case 'F': buf[pos] = 0x46; return writeFieldTable(buf, pos + 1, v.value);
    case 'V': buf[pos] = 0x56; return pos + 1;
  }
}
