// Per-message work on encoded basic properties without decoding them: the publish path reads the
// three fields the queues need and checks the headers, delivery copies the bytes as they are, and
// dead-lettering / direct reply-to replace one property while keeping the others byte-identical.
import { AmqpFormatError, AmqpErrorCode, CodecReplyCode, malformed } from './amqp-format-error.js';
import { PROPERTY_COUNT, PropertyIndex, propertyFlag, shortstrBytes } from './property-layout.js';
import { decodeFieldTable, encodeFieldTable } from './field-table.js';
import { tableHasLegacyTags } from './field-table-scan.js';
import type { FieldTable } from './field-types.js';

/** Wire size class per property index: 1 shortstr, 4 table (long length), else a fixed size. */
const KIND_SHORTSTR = -1;
const KIND_TABLE = -4;
const KIND: readonly number[] = [KIND_SHORTSTR, KIND_SHORTSTR, KIND_TABLE, 1, 1, KIND_SHORTSTR, KIND_SHORTSTR, KIND_SHORTSTR, KIND_SHORTSTR, 8, KIND_SHORTSTR, KIND_SHORTSTR, KIND_SHORTSTR, KIND_SHORTSTR];

/**
 * Scratch for scanProperties: start of property i at [2i], its end at [2i+1] (-1 when absent);
 * [28] = first byte after the flags words, [29] = the flags word. Reused by every call (the codecs
 * are synchronous), so the hot path allocates nothing.
 */
const spans = new Int32Array(PROPERTY_COUNT * 2 + 2);
const LIST_START = PROPERTY_COUNT * 2;
const FLAGS = LIST_START + 1;

function scanProperties(buf: Buffer): void {
  if (buf.length < 2) throw malformed('basic properties are shorter than their flags word');
  const flags = buf.readUInt16BE(0);
  if (flags & 0x2) throw malformed('property flags set bit 1, which names no basic property');
  let pos = 2;
  let more = flags & 1;
  while (more) {
    if (buf.length - pos < 2) throw malformed('property flags continue past the end of the header');
    const next = buf.readUInt16BE(pos);
    if (next & 0xfffe) throw malformed('property flags continue with properties the basic class does not have');
    more = next & 1;
    pos += 2;
  }
  spans[LIST_START] = pos;
  spans[FLAGS] = flags;
  const end = buf.length;
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    if ((flags & propertyFlag(i)) === 0) {
      spans[2 * i] = -1;
      spans[2 * i + 1] = -1;
      continue;
    }
    const kind = KIND[i] as number;
    let size: number;
    if (kind === KIND_SHORTSTR) size = pos < end ? 1 + (buf[pos] as number) : 1;
    else if (kind === KIND_TABLE) size = end - pos >= 4 ? 4 + buf.readUInt32BE(pos) : 4;
    else size = kind;
    if (end - pos < size) throw malformed(`basic property ${i} runs past the end of the content header`);
    spans[2 * i] = pos;
    pos += size;
    spans[2 * i + 1] = pos;
  }
  if (pos !== end) throw malformed(`basic properties are followed by ${end - pos} unexpected bytes`);
}

export interface PropertySummary {
  /** delivery-mode 2. */
  persistent: boolean;
  /** 0 when absent. */
  priority: number;
  /** The expiration property in ms, -1 when absent. */
  expirationMs: number;
}

/**
 * Reads what the queues need from every message; skips the headers by their length. Throws
 * MALFORMED for bytes that do not parse and PRECONDITION_FAILED (406, as RabbitMQ) for an
 * expiration that is not a non-negative integer string.
 */
export function readPropertySummary(buf: Buffer): PropertySummary {
  scanProperties(buf);
  const dm = spans[2 * PropertyIndex.DELIVERY_MODE] as number;
  const pr = spans[2 * PropertyIndex.PRIORITY] as number;
  const ex = spans[2 * PropertyIndex.EXPIRATION] as number;
  return {
    persistent: dm >= 0 && buf[dm] === 2,
    priority: pr >= 0 ? (buf[pr] as number) : 0,
    expirationMs: ex >= 0 ? parseExpiration(buf, ex + 1, spans[2 * PropertyIndex.EXPIRATION + 1] as number) : -1,
  };
}

function parseExpiration(buf: Buffer, start: number, end: number): number {
  // RabbitMQ's rule: only digits, at least one; and a value a timer can hold exactly.
  let ms = 0;
  let ok = end > start;
  for (let i = start; ok && i < end; i++) {
    const digit = (buf[i] as number) - 0x30;
    ok = digit >= 0 && digit <= 9;
    ms = ms * 10 + digit;
  }
  if (!ok || !Number.isSafeInteger(ms)) {
    throw new AmqpFormatError(AmqpErrorCode.PRECONDITION_FAILED,
      `invalid expiration "${buf.toString('utf8', start, end)}": it must be a non-negative integer of milliseconds as a string`,
      CodecReplyCode.PRECONDITION_FAILED, 60, 40);
  }
  return ms;
}

/**
 * The properties to store and deliver: `buf` itself (no copy) unless the headers hold an 'L' or
 * 's' value at any depth, which some consumers cannot read; then the headers are re-encoded.
 * Throws MALFORMED when the headers do not parse, so nothing undeliverable is stored.
 */
export function normalizePropertiesForDelivery(buf: Buffer): Buffer {
  scanProperties(buf);
  const start = spans[2 * PropertyIndex.HEADERS] as number;
  if (start < 0) return buf;
  const end = spans[2 * PropertyIndex.HEADERS + 1] as number;
  if (!tableHasLegacyTags(buf, start + 4, end)) return buf;
  return replaceProperty(buf, PropertyIndex.HEADERS, encodeFieldTable(decodeFieldTable(buf.subarray(start, end))));
}

/** The decoded headers property, or null when absent. */
export function readHeaders(buf: Buffer): FieldTable | null {
  scanProperties(buf);
  const start = spans[2 * PropertyIndex.HEADERS] as number;
  if (start < 0) return null;
  return decodeFieldTable(buf.subarray(start, spans[2 * PropertyIndex.HEADERS + 1] as number));
}

/** A copy of `buf` with the headers property replaced (null removes it); every other property keeps its bytes. */
export function withHeaders(buf: Buffer, headers: FieldTable | null): Buffer {
  scanProperties(buf);
  return replaceProperty(buf, PropertyIndex.HEADERS, headers === null ? null : encodeFieldTable(headers));
}

/** A copy of `buf` with reply-to set, for direct reply-to; every other property keeps its bytes. */
export function withReplyTo(buf: Buffer, replyTo: string): Buffer {
  const n = shortstrBytes(replyTo, 'reply-to');
  scanProperties(buf);
  const encoded = Buffer.allocUnsafe(1 + n);
  encoded[0] = n;
  encoded.write(replyTo, 1, 'utf8');
  return replaceProperty(buf, PropertyIndex.REPLY_TO, encoded);
}

/** Splices property `index` (encoded with its length prefix) into the list scanProperties just read. */
function replaceProperty(buf: Buffer, index: number, encoded: Buffer | null): Buffer {
  let at = spans[2 * index] as number;
  let after = spans[2 * index + 1] as number;
  if (at < 0) {
    // Absent: it goes after the last present property before it.
    at = spans[LIST_START] as number;
    for (let i = index - 1; i >= 0; i--) {
      const end = spans[2 * i + 1] as number;
      if (end >= 0) { at = end; break; }
    }
    after = at;
  }
  const insert = encoded?.length ?? 0;
  const out = Buffer.allocUnsafe(buf.length - (after - at) + insert);
  buf.copy(out, 0, 0, at);
  if (encoded !== null) encoded.copy(out, at);
  buf.copy(out, at + insert, after);
  const flags = spans[FLAGS] as number;
  out.writeUInt16BE(encoded === null ? flags & ~propertyFlag(index) : flags | propertyFlag(index), 0);
  return out;
}
