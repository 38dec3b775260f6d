// A Kafka record as the AMQP message an AMQP consumer gets (docs/interop.md): routing key = key,
// body = value, headers table = the ordinary record headers, timestamp property = the record
// timestamp, other properties from the `x-amqp-*` headers messageToRecord wrote. A record from a
// plain Kafka producer (no `x-amqp-*` headers) takes the fast path: the property list is sized
// first and written once, with the headers as long strings.
import type { RecordHeader } from '../../records/index.js';
import { encodeFieldTable } from '../../formats/amqp/field-table.js';
import type { FieldTable, FieldValue } from '../../formats/amqp/field-types.js';
import { PROPERTY_COUNT, propertyFlag } from '../../formats/amqp/property-layout.js';
import { parseHeaderValue } from './header-text.js';
import { routingKeyOf } from './message-to-record.js';
import {
  HeaderRole, KAFKA_KEY_HEADER, KAFKA_TIMESTAMP_HEADER, KAFKA_TOMBSTONE_HEADER, RESERVED_RECORD_HEADERS,
} from './reserved-headers.js';

/** What recordToMessage reads of a record (a decoded Record has all of it). */
export interface RecordParts {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** The Message fields of a record; `body` is the record's value as is (a view: copy it to keep it). */
export interface MappedMessage {
  exchange: string;
  routingKey: string;
  /** Encoded basic properties (flags word, then the present fields), as Message.properties. */
  properties: Buffer;
  body: Buffer;
}

const EMPTY = Buffer.alloc(0);
const TAG_S = 0x53;
const TAG_V = 0x56;
const TIMESTAMP_INDEX = 9;
const HEADERS_INDEX = 2;
const OCTET_INDEX_DELIVERY_MODE = 3;
const OCTET_INDEX_PRIORITY = 4;
const DIGITS = /^[0-9]+$/;
const TWO_32 = 4294967296;
const NO_TIMESTAMP = -1;
const KAFKA_KEY_BYTES = Buffer.from(KAFKA_KEY_HEADER, 'latin1');
const KAFKA_TIMESTAMP_BYTES = Buffer.from(KAFKA_TIMESTAMP_HEADER, 'latin1');
const KAFKA_TOMBSTONE_BYTES = Buffer.from(KAFKA_TOMBSTONE_HEADER, 'latin1');

/** What one pass over the record headers found; reused by every call, which is synchronous. */
class HeaderScan {
  /** Property values by index: shortstr bytes, or an octet as a one-byte buffer view of OCTETS. */
  readonly properties: (Buffer | undefined)[] = new Array<Buffer | undefined>(PROPERTY_COUNT).fill(undefined);
  readonly octets = new Int16Array(PROPERTY_COUNT);
  /** Indexes of the ordinary headers, and their names' UTF-8 sizes. */
  readonly user: number[] = [];
  readonly keyBytes: number[] = [];
  exchange = '';
  routingKey: string | undefined = undefined;
  /** undefined: the record timestamp says it; NO_TIMESTAMP: absent; else seconds. */
  timestampSeconds: number | undefined = undefined;
  types: string | undefined = undefined;
  /** What the x-kafka-* entries say, set once the headers are classified. */
  key: Buffer | null = null;
  keyDiffers = false;
  kafkaTimestampMs: number | undefined = undefined;
  tombstone = false;

  reset(): void {
    this.properties.fill(undefined);
    this.octets.fill(-1);
    this.user.length = 0;
    this.keyBytes.length = 0;
    this.exchange = '';
    this.routingKey = undefined;
    this.timestampSeconds = undefined;
    this.types = undefined;
    this.key = null;
  }
}

const scan = new HeaderScan();

/**
 * The AMQP message for a record with timestamp `timestampMs`. Never throws for any record: header
 * values that do not read as what their reserved name or type says stay ordinary string headers.
 */
export function recordToMessage(record: RecordParts, timestampMs: number): MappedMessage {
  scan.reset();
  const headers = record.headers;
  for (let i = 0; i < headers.length; i++) classify(headers[i] as RecordHeader, i);

  const routingKey = scan.routingKey ?? routingKeyOf(record.key);
  const key = record.key;
  // The key the routing key would map back to: written out when the record's differs.
  const keyDiffers = routingKey === '' ? key !== null : scan.routingKey !== undefined && (key === null || !key.equals(Buffer.from(routingKey, 'utf8')));
  let seconds = scan.timestampSeconds;
  let kafkaTimestamp = false;
  if (seconds === undefined) {
    seconds = timestampMs >= 0 ? Math.floor(timestampMs / 1000) : NO_TIMESTAMP;
    kafkaTimestamp = timestampMs < 0 || timestampMs % 1000 !== 0;
  }
  const tombstone = record.value === null;
  scan.key = key;
  scan.keyDiffers = keyDiffers;
  scan.kafkaTimestampMs = kafkaTimestamp ? timestampMs : undefined;
  scan.tombstone = tombstone;

  const types = scan.types !== undefined && scan.types.length === scan.user.length ? scan.types : undefined;
  let table: Buffer | undefined;
  let tableBytes = -1;
  if (needsFieldTable(headers, types)) {
    table = encodeFieldTable(buildTable(headers, types));
    tableBytes = table.length;
  } else if (scan.user.length > 0 || keyDiffers || kafkaTimestamp || tombstone || types !== undefined) {
    tableBytes = plainTableBytes(headers);
  }
  const properties = writeProperties(tableBytes, seconds, table, headers);
  const exchange = scan.exchange;
  scan.reset(); // drops the views it held into the record
  return { exchange, routingKey, properties, body: record.value ?? EMPTY };
}

function classify(h: RecordHeader, index: number): void {
  const role = RESERVED_RECORD_HEADERS.get(h.key);
  const v = h.value;
  if (role !== undefined && v !== null) {
    if (role < PROPERTY_COUNT) {
      if (scan.properties[role] === undefined && takeProperty(role, v)) return;
    } else if (role === HeaderRole.TIMESTAMP) {
      if (scan.timestampSeconds === undefined && takeTimestamp(v)) return;
    } else if (v.length <= 255) {
      if (role === HeaderRole.EXCHANGE && scan.exchange === '') return void (scan.exchange = v.toString('utf8'));
      if (role === HeaderRole.ROUTING_KEY && scan.routingKey === undefined) return void (scan.routingKey = v.toString('utf8'));
      if (role === HeaderRole.TYPES && scan.types === undefined) return void (scan.types = v.toString('latin1'));
    }
  }
  scan.user.push(index);
  scan.keyBytes.push(Buffer.byteLength(h.key, 'utf8'));
}

function takeProperty(index: number, v: Buffer): boolean {
  if (index !== OCTET_INDEX_DELIVERY_MODE && index !== OCTET_INDEX_PRIORITY) {
    if (v.length > 255) return false;
    scan.properties[index] = v;
    return true;
  }
  const text = v.toString('latin1');
  if (!DIGITS.test(text) || text.length > 3 || Number(text) > 255 || String(Number(text)) !== text) return false;
  scan.properties[index] = v;
  scan.octets[index] = Number(text);
  return true;
}

function takeTimestamp(v: Buffer): boolean {
  if (v.length === 0) {
    scan.timestampSeconds = NO_TIMESTAMP;
    return true;
  }
  const text = v.toString('latin1');
  const n = Number(text);
  if (!DIGITS.test(text) || !Number.isSafeInteger(n) || String(n) !== text) return false;
  scan.timestampSeconds = n;
  return true;
}

/** True when the headers need the general path: types other than string/void, repeated names, names too long. */
function needsFieldTable(headers: readonly RecordHeader[], types: string | undefined): boolean {
  const user = scan.user;
  if (types !== undefined) {
    for (let i = 0; i < types.length; i++) {
      const t = types.charCodeAt(i);
      if (t !== TAG_S && t !== TAG_V) return true;
    }
  }
  for (let i = 0; i < user.length; i++) if ((scan.keyBytes[i] as number) > 255) return true;
  if (user.length < 2) return false;
  if (user.length <= 16) {
    for (let i = 1; i < user.length; i++) {
      const name = (headers[user[i] as number] as RecordHeader).key;
      for (let j = 0; j < i; j++) if ((headers[user[j] as number] as RecordHeader).key === name) return true;
    }
    return false;
  }
  const seen = new Set<string>();
  for (let i = 0; i < user.length; i++) seen.add((headers[user[i] as number] as RecordHeader).key);
  return seen.size !== user.length;
}

/**
 * The general path: typed values per `x-amqp-types`, repeated names grouped into an array at the
 * first one's place. Names longer than an AMQP table key (255 bytes) are left out.
 */
function buildTable(headers: readonly RecordHeader[], types: string | undefined): FieldTable {
  const table: FieldTable = new Map();
  let grouped: Set<string> | undefined;
  const user = scan.user;
  for (let i = 0; i < user.length; i++) {
    if ((scan.keyBytes[i] as number) > 255) continue;
    const h = headers[user[i] as number] as RecordHeader;
    const plain: FieldValue = h.value === null ? { tag: 'V', value: null } : { tag: 'S', value: h.value };
    const v = types === undefined ? plain : (parseHeaderValue(types.charAt(i), h.value) ?? plain);
    const existing = table.get(h.key);
    if (existing === undefined) table.set(h.key, v);
    else if (grouped?.has(h.key) === true && existing.tag === 'A') existing.value.push(v);
    else {
      table.set(h.key, { tag: 'A', value: [existing, v] });
      (grouped ??= new Set()).add(h.key);
    }
  }
  const key = scan.key;
  if (scan.keyDiffers) table.set(KAFKA_KEY_HEADER, key === null ? { tag: 'V', value: null } : { tag: 'x', value: key });
  if (scan.kafkaTimestampMs !== undefined) table.set(KAFKA_TIMESTAMP_HEADER, { tag: 'l', value: scan.kafkaTimestampMs });
  if (scan.tombstone) table.set(KAFKA_TOMBSTONE_HEADER, { tag: 't', value: true });
  return table;
}

/** Encoded size (with its length word) of the table writePlainTable writes. */
function plainTableBytes(headers: readonly RecordHeader[]): number {
  let n = 4;
  const user = scan.user;
  for (let i = 0; i < user.length; i++) {
    const v = (headers[user[i] as number] as RecordHeader).value;
    n += 1 + (scan.keyBytes[i] as number) + (v === null ? 1 : 5 + v.length);
  }
  if (scan.keyDiffers) n += 1 + KAFKA_KEY_BYTES.length + (scan.key === null ? 1 : 5 + scan.key.length);
  if (scan.kafkaTimestampMs !== undefined) n += 1 + KAFKA_TIMESTAMP_BYTES.length + 9;
  if (scan.tombstone) n += 1 + KAFKA_TOMBSTONE_BYTES.length + 2;
  return n;
}

function writeName(buf: Buffer, pos: number, name: Buffer): number {
  buf[pos] = name.length;
  return pos + 1 + name.copy(buf, pos + 1);
}

function writeBytes(buf: Buffer, pos: number, v: Buffer | null, tag: number): number {
  if (v === null) {
    buf[pos] = TAG_V;
    return pos + 1;
  }
  buf[pos] = tag;
  buf.writeUInt32BE(v.length, pos + 1);
  return pos + 5 + v.copy(buf, pos + 5);
}

/** Ordinary headers as long strings ('S') or voids, then the x-kafka-* entries. */
function writePlainTable(buf: Buffer, start: number, headers: readonly RecordHeader[]): number {
  let pos = start + 4;
  const user = scan.user;
  for (let i = 0; i < user.length; i++) {
    const h = headers[user[i] as number] as RecordHeader;
    buf[pos] = scan.keyBytes[i] as number;
    pos += 1 + buf.write(h.key, pos + 1, 'utf8');
    pos = writeBytes(buf, pos, h.value, TAG_S);
  }
  if (scan.keyDiffers) pos = writeBytes(buf, writeName(buf, pos, KAFKA_KEY_BYTES), scan.key, 0x78);
  const kafkaTimestampMs = scan.kafkaTimestampMs;
  if (kafkaTimestampMs !== undefined) {
    pos = writeName(buf, pos, KAFKA_TIMESTAMP_BYTES);
    buf[pos] = 0x6c; // 'l'
    const hi = Math.floor(kafkaTimestampMs / TWO_32);
    buf.writeInt32BE(hi, pos + 1);
    buf.writeUInt32BE(kafkaTimestampMs - hi * TWO_32, pos + 5);
    pos += 9;
  }
  if (scan.tombstone) {
    pos = writeName(buf, pos, KAFKA_TOMBSTONE_BYTES);
    buf[pos] = 0x74; // 't'
    buf[pos + 1] = 1;
    pos += 2;
  }
  buf.writeUInt32BE(pos - start - 4, start);
  return pos;
}

/**
 * Sizes and writes the property list in spec order. The headers table (when tableBytes ≥ 0) is
 * `table` when the general path encoded it, else written in place from the plain headers.
 */
function writeProperties(tableBytes: number, seconds: number, table: Buffer | undefined, headers: readonly RecordHeader[]): Buffer {
  let flags = 0;
  let size = 2;
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    const v = scan.properties[i];
    if (v === undefined) continue;
    flags |= propertyFlag(i);
    size += i === OCTET_INDEX_DELIVERY_MODE || i === OCTET_INDEX_PRIORITY ? 1 : 1 + v.length;
  }
  if (tableBytes >= 0) {
    flags |= propertyFlag(HEADERS_INDEX);
    size += tableBytes;
  }
  if (seconds !== NO_TIMESTAMP) {
    flags |= propertyFlag(TIMESTAMP_INDEX);
    size += 8;
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt16BE(flags, 0);
  let pos = 2;
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    if ((flags & propertyFlag(i)) === 0) continue;
    if (i === HEADERS_INDEX) pos = table === undefined ? writePlainTable(buf, pos, headers) : pos + table.copy(buf, pos);
    else if (i === TIMESTAMP_INDEX) {
      buf.writeUInt32BE(Math.floor(seconds / TWO_32), pos);
      buf.writeUInt32BE(seconds % TWO_32, pos + 4);
      pos += 8;
    } else if (i === OCTET_INDEX_DELIVERY_MODE || i === OCTET_INDEX_PRIORITY) buf[pos++] = scan.octets[i] as number;
    else {
      const v = scan.properties[i] as Buffer;
      buf[pos] = v.length;
      pos += 1 + v.copy(buf, pos + 1);
    }
  }
  return buf;
}
