// An AMQP message as the Kafka record a Kafka client reads (docs/interop.md): key = routing key,
// value = body, timestamp = the timestamp property, the headers table as ordinary record headers
// and the other properties as `x-amqp-*` headers. Works on the encoded property bytes: string
// values go out as views of them, and the only objects made are the record's own headers.
import { isUtf8 } from 'node:buffer';
import type { RecordHeader } from '../../records/index.js';
import { malformed } from '../../formats/amqp/amqp-format-error.js';
import { PROPERTY_COUNT, propertyFlag } from '../../formats/amqp/property-layout.js';
import { decimalText, FALSE_TEXT, floatText, integerText, readInt64, readUint64, TRUE_TEXT } from './header-text.js';
import {
  EXCHANGE_HEADER, KAFKA_KEY_HEADER, KAFKA_TIMESTAMP_HEADER, KAFKA_TOMBSTONE_HEADER, PROPERTY_HEADERS,
  ROUTING_KEY_HEADER, TIMESTAMP_HEADER, TYPES_HEADER,
} from './reserved-headers.js';

/** What messageToRecord reads of a message (a broker Message has all of it). */
export interface AmqpMessageParts {
  readonly exchange: string;
  readonly routingKey: string;
  /** Encoded basic properties: flags word(s) then the present fields, as Message.properties. */
  readonly properties: Buffer;
  readonly body: Buffer;
}

/** Where the record key comes from: the routing key (default), a header of the headers table, or nowhere. */
export type RecordKeySource = 'routing-key' | 'none' | { readonly header: string };

/** The fields of one Kafka record; buffers may be views of the message's properties and body. */
export interface MappedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Kafka record timestamp (CreateTime), ms since the epoch. */
  timestampMs: number;
}

const TAG_S = 0x53;
const TAG_V = 0x56;
const SHORTSTR = -1;
const TABLE = -4;
const TIMESTAMP_INDEX = 9;
const HEADERS_INDEX = 2;
/** Wire size per property index: shortstr, table (long length) or a fixed size. */
const KIND: readonly number[] = [SHORTSTR, SHORTSTR, TABLE, 1, 1, SHORTSTR, SHORTSTR, SHORTSTR, SHORTSTR, 8, SHORTSTR, SHORTSTR, SHORTSTR, SHORTSTR];
const OCTET_TEXT: readonly Buffer[] = Array.from({ length: 256 }, (_, i) => Buffer.from(String(i), 'latin1'));
const EMPTY = Buffer.alloc(0);
const SECONDS_MAX = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** Start of each property at [i] (-1 when absent); reused by every call, which is synchronous. */
const starts = new Int32Array(PROPERTY_COUNT);

/** What the scan of the headers table found besides the record headers it emitted; reset per call. */
class TableScan {
  consumeKey = false;
  bodyEmpty = false;
  /** undefined: no x-kafka-key entry. */
  kafkaKey: Buffer | null | undefined = undefined;
  kafkaTimestampMs: number | undefined = undefined;
  tombstone = false;
  typed = false;
  entries = 0;
  emitted = 0;
  types: Buffer = Buffer.allocUnsafeSlow(64);

  reset(consumeKey: boolean, bodyEmpty: boolean): void {
    this.consumeKey = consumeKey;
    this.bodyEmpty = bodyEmpty;
    this.kafkaKey = undefined;
    this.kafkaTimestampMs = undefined;
    this.tombstone = false;
    this.typed = false;
    this.entries = 0;
    this.emitted = 0;
  }

  /** Records the type tag of the record header just emitted. */
  type(tag: number): void {
    if (this.emitted === this.types.length) {
      const grown = Buffer.allocUnsafeSlow(this.types.length * 2);
      this.types.copy(grown);
      this.types = grown;
    }
    this.types[this.emitted++] = tag;
    if (tag !== TAG_S && tag !== TAG_V) this.typed = true;
  }
}

const scan = new TableScan();

function need(buf: Buffer, pos: number, n: number, end: number): void {
  if (pos + n > end || pos + n > buf.length) throw malformed('basic properties run past their end; the message cannot be mapped to a record');
}

/**
 * The record for `message`. `nowMs` becomes the record timestamp when the message has no
 * timestamp property. With the default key source, messageToRecord and recordToMessage invert
 * each other (docs/interop.md lists the exact guarantees).
 */
export function messageToRecord(message: AmqpMessageParts, nowMs: number, keySource: RecordKeySource = 'routing-key'): MappedRecord {
  const buf = message.properties;
  locateProperties(buf);
  const headers: RecordHeader[] = [];
  scan.reset(keySource === 'routing-key', message.body.length === 0);
  const tableAt = starts[HEADERS_INDEX] as number;
  if (tableAt >= 0) scanTable(buf, tableAt + 4, tableAt + 4 + buf.readUInt32BE(tableAt), headers);
  const userHeaders = headers.length;
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    const at = starts[i] as number;
    const name = PROPERTY_HEADERS[i];
    if (at < 0 || name == null) continue;
    headers.push({ key: name, value: KIND[i] === SHORTSTR ? buf.subarray(at + 1, at + 1 + (buf[at] as number)) : (OCTET_TEXT[buf[at] as number] as Buffer) });
  }
  if (message.exchange !== '') headers.push({ key: EXCHANGE_HEADER, value: Buffer.from(message.exchange, 'utf8') });

  const routingKey = message.routingKey;
  let key: Buffer | null;
  if (keySource === 'routing-key' && scan.kafkaKey === undefined) key = routingKey === '' ? null : Buffer.from(routingKey, 'utf8');
  else {
    if (keySource === 'routing-key') key = scan.kafkaKey as Buffer | null;
    else if (keySource === 'none') key = null;
    else key = firstHeaderValue(headers, userHeaders, keySource.header);
    if (routingKeyOf(key) !== routingKey) headers.push({ key: ROUTING_KEY_HEADER, value: Buffer.from(routingKey, 'utf8') });
  }

  const timestampMs = recordTimestamp(buf, nowMs, headers);
  if (scan.typed || (tableAt >= 0 && scan.entries === 0)) headers.push({ key: TYPES_HEADER, value: Buffer.from(scan.types.subarray(0, scan.emitted)) });
  const value = scan.tombstone ? null : message.body;
  return { key, value, headers, timestampMs };
}

/** The routing key a record key reads as when nothing else says: its UTF-8 text, or '' when it has none. */
export function routingKeyOf(key: Buffer | null): string {
  if (key === null || key.length === 0 || key.length > 255 || !isUtf8(key)) return '';
  return key.toString('utf8');
}

function firstHeaderValue(headers: readonly RecordHeader[], count: number, name: string): Buffer | null {
  for (let i = 0; i < count; i++) {
    const h = headers[i] as RecordHeader;
    if (h.key === name) return h.value;
  }
  return null;
}

/** Fills `starts`. */
function locateProperties(buf: Buffer): void {
  need(buf, 0, 2, buf.length);
  const flags = buf.readUInt16BE(0);
  let pos = 2;
  let more = flags & 1;
  while (more) {
    need(buf, pos, 2, buf.length);
    more = buf.readUInt16BE(pos) & 1;
    pos += 2;
  }
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    if ((flags & propertyFlag(i)) === 0) {
      starts[i] = -1;
      continue;
    }
    starts[i] = pos;
    const kind = KIND[i] as number;
    let size = kind;
    if (kind === SHORTSTR) {
      need(buf, pos, 1, buf.length);
      size = 1 + (buf[pos] as number);
    } else if (kind === TABLE) {
      need(buf, pos, 4, buf.length);
      size = 4 + buf.readUInt32BE(pos);
    }
    need(buf, pos, size, buf.length);
    pos += size;
  }
}

/**
 * The record timestamp: x-kafka-timestamp-ms, else the timestamp property in ms, else now. Adds
 * x-amqp-timestamp when the record timestamp would read back as a different timestamp property.
 */
function recordTimestamp(buf: Buffer, nowMs: number, headers: RecordHeader[]): number {
  const at = starts[TIMESTAMP_INDEX] as number;
  const seconds = at < 0 ? -1 : readUint64(buf, at);
  let ms: number;
  if (scan.kafkaTimestampMs !== undefined) ms = scan.kafkaTimestampMs;
  else if (typeof seconds === 'number' && seconds >= 0 && seconds <= SECONDS_MAX) ms = seconds * 1000;
  else ms = nowMs;
  const readBack = ms >= 0 ? Math.floor(ms / 1000) : -1;
  if (seconds !== readBack) headers.push({ key: TIMESTAMP_HEADER, value: at < 0 ? EMPTY : integerText(seconds) });
  return ms;
}

function scanTable(buf: Buffer, pos: number, end: number, out: RecordHeader[]): void {
  while (pos < end) {
    need(buf, pos, 1, end);
    const keyEnd = pos + 1 + (buf[pos] as number);
    need(buf, keyEnd, 1, end);
    const name = buf.toString('utf8', pos + 1, keyEnd);
    const tag = buf[keyEnd] as number;
    scan.entries++;
    pos = scanValue(buf, keyEnd + 1, end, name, tag, out);
  }
}

/** Emits the record header(s) of one table entry whose value starts at `pos`; returns the position after it. */
function scanValue(buf: Buffer, pos: number, end: number, name: string, tag: number, out: RecordHeader[]): number {
  let value: Buffer | null;
  let size: number;
  let integer: number | bigint | undefined;
  switch (tag) {
    case 0x53: case 0x78: // 'S' 'x'
      need(buf, pos, 4, end);
      size = 4 + buf.readUInt32BE(pos);
      need(buf, pos, size, end);
      value = buf.subarray(pos + 4, pos + size);
      if (name === KAFKA_KEY_HEADER && scan.consumeKey) {
        scan.kafkaKey = value;
        return pos + size;
      }
      break;
    case 0x56: // 'V'
      if (name === KAFKA_KEY_HEADER && scan.consumeKey) {
        scan.kafkaKey = null;
        return pos;
      }
      out.push({ key: name, value: null });
      scan.type(TAG_V);
      return pos;
    case 0x74: // 't'
      need(buf, pos, 1, end);
      if (name === KAFKA_TOMBSTONE_HEADER && buf[pos] !== 0 && scan.bodyEmpty) {
        scan.tombstone = true;
        return pos + 1;
      }
      value = buf[pos] !== 0 ? TRUE_TEXT : FALSE_TEXT;
      size = 1;
      break;
    case 0x41: case 0x46: // 'A' 'F': their encoding, or an array of strings as repeated headers
      need(buf, pos, 4, end);
      size = 4 + buf.readUInt32BE(pos);
      need(buf, pos, size, end);
      if (tag === 0x41 && emitStringArray(buf, pos + 4, pos + size, name, out)) return pos + size;
      value = buf.subarray(pos, pos + size);
      break;
    case 0x66: need(buf, pos, 4, end); value = floatText(buf.readFloatBE(pos)); size = 4; break; // 'f'
    case 0x64: need(buf, pos, 8, end); value = floatText(buf.readDoubleBE(pos)); size = 8; break; // 'd'
    case 0x44: need(buf, pos, 5, end); value = decimalText(buf[pos] as number, buf.readInt32BE(pos + 1)); size = 5; break; // 'D'
    case 0x54: need(buf, pos, 8, end); value = integerText(readUint64(buf, pos)); size = 8; break; // 'T'
    default:
      size = integerSize(tag);
      if (size === 0) throw malformed(`unknown field value tag 0x${tag.toString(16)} in the headers table`);
      need(buf, pos, size, end);
      integer = readInteger(buf, pos, tag);
      if (name === KAFKA_TIMESTAMP_HEADER && typeof integer === 'number') {
        scan.kafkaTimestampMs = integer;
        return pos + size;
      }
      value = integerText(integer);
  }
  out.push({ key: name, value });
  scan.type(tag);
  return pos + size;
}

function integerSize(tag: number): number {
  switch (tag) {
    case 0x62: case 0x42: return 1; // 'b' 'B'
    case 0x73: case 0x75: return 2; // 's' 'u'
    case 0x49: case 0x69: return 4; // 'I' 'i'
    case 0x6c: case 0x4c: return 8; // 'l' 'L'
    default: return 0;
  }
}

function readInteger(buf: Buffer, pos: number, tag: number): number | bigint {
  switch (tag) {
    case 0x62: return buf.readInt8(pos);
    case 0x42: return buf[pos] as number;
    case 0x73: return buf.readInt16BE(pos);
    case 0x75: return buf.readUInt16BE(pos);
    case 0x49: return buf.readInt32BE(pos);
    case 0x69: return buf.readUInt32BE(pos);
    default: return readInt64(buf, pos);
  }
}

/**
 * An array of two or more long strings and voids becomes repeated headers of one name, Kafka's
 * way to give a header several values (and what recordToMessage reads repeated names back as).
 * Returns false, emitting nothing, for any other array.
 */
function emitStringArray(buf: Buffer, start: number, end: number, name: string, out: RecordHeader[]): boolean {
  let count = 0;
  for (let pos = start; pos < end; count++) {
    const tag = buf[pos] as number;
    if (tag === TAG_V) pos += 1;
    else if (tag === TAG_S && pos + 5 <= end) pos += 5 + buf.readUInt32BE(pos + 1);
    else return false;
    if (pos > end) return false;
  }
  if (count < 2) return false;
  for (let pos = start; pos < end;) {
    if (buf[pos] === TAG_V) {
      out.push({ key: name, value: null });
      scan.type(TAG_V);
      pos += 1;
    } else {
      const next = pos + 5 + buf.readUInt32BE(pos + 1);
      out.push({ key: name, value: buf.subarray(pos + 5, next) });
      scan.type(TAG_S);
      pos = next;
    }
  }
  return true;
}
