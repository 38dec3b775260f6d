// Content (AMQP 0-9-1 §4.2.6): a content-bearing method frame, a content header frame (class-id,
// weight 0, body-size, property flags and list) and body frames of at most frameMax - 8 payload
// bytes each, none when the body is empty. These run per message, so they are written by hand:
// sizes first, one allocation, properties copied as stored, and large bodies passed through as
// slices for writev instead of being copied.
import { malformed, unencodable } from '../../../formats/amqp/amqp-format-error.js';
import { FRAME_END, FRAME_HEADER_BYTES, FRAME_MIN_SIZE, FRAME_OVERHEAD_BYTES, FrameType, writeFrameHeader } from './frame-constants.js';

const TWO_32 = 4294967296;
/** Bodies up to this size are copied into the one output buffer; larger ones go out as slices. */
export const BODY_COPY_BYTES_MAX = 16 * 1024;
/** class-id, weight, body-size. */
const CONTENT_HEADER_FIXED_BYTES = 12;
const BASIC_CLASS = 60;

/** What a caller writes: one buffer, or several for `writev` (the body slices are the caller's own bytes). */
export type FrameBytes = Buffer | Buffer[];

export interface ContentHeader {
  classId: number;
  bodySize: number;
  /** Property flags and list: a view into the payload, not a copy. */
  properties: Buffer;
}

/** Decodes a content header frame's payload; the property bytes are checked later, by whoever reads them. */
export function decodeContentHeader(payload: Buffer): ContentHeader {
  if (payload.length < CONTENT_HEADER_FIXED_BYTES + 2) {
    throw malformed(`content header of ${payload.length} bytes is shorter than its fixed fields and flags`);
  }
  const classId = payload.readUInt16BE(0);
  const hi = payload.readUInt32BE(4);
  // Above 2^53 - 1 the size cannot be counted exactly; no body that large can be buffered anyway.
  if (hi > 0x1fffff) throw malformed('content header body-size is above 2^53');
  return { classId, bodySize: hi * TWO_32 + payload.readUInt32BE(8), properties: payload.subarray(CONTENT_HEADER_FIXED_BYTES) };
}

function checkFrameMax(frameMax: number): number {
  // 0 is the spec's "no limit"; anything else below FRAME-MIN-SIZE was never negotiable.
  if (frameMax === 0) return Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(frameMax) || frameMax < FRAME_MIN_SIZE) throw unencodable(`frameMax ${frameMax} is below ${FRAME_MIN_SIZE}`);
  return frameMax - FRAME_OVERHEAD_BYTES;
}

function shortstrBytes(s: string, field: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 255) throw unencodable(`${field} is ${n} bytes of UTF-8; a shortstr holds at most 255`);
  return n;
}

function writeShortstr(buf: Buffer, pos: number, s: string, n: number): number {
  buf[pos] = n;
  buf.write(s, pos + 1, n, 'utf8');
  return pos + 1 + n;
}

function writeUint64(buf: Buffer, pos: number, n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw unencodable(`${field} ${n} is not a non-negative safe integer`);
  buf.writeUInt32BE(Math.floor(n / TWO_32), pos);
  buf.writeUInt32BE(n % TWO_32, pos + 4);
  return pos + 8;
}

/**
 * Lays out method frame + header frame + body frames. The first buffer returned has room for the
 * method payload (after class/method ids) at offset 11, which the caller fills in; `methodArgsBytes`
 * is its size.
 */
function layoutContent(channel: number, classId: number, methodIdInClass: number, methodArgsBytes: number,
  properties: Buffer, body: Buffer, frameMax: number): FrameBytes {
  const chunkMax = checkFrameMax(frameMax);
  const methodFrameBytes = FRAME_HEADER_BYTES + 4 + methodArgsBytes + 1;
  const headerPayloadBytes = CONTENT_HEADER_FIXED_BYTES + properties.length;
  const headBytes = methodFrameBytes + FRAME_HEADER_BYTES + headerPayloadBytes + 1;
  const bodyFrames = body.length === 0 ? 0 : Math.ceil(body.length / chunkMax);
  const copyBody = body.length <= BODY_COPY_BYTES_MAX;
  // Copied: everything in one buffer. Sliced: the head plus 8 bytes of framing around each slice.
  const total = headBytes + (copyBody ? body.length + bodyFrames * FRAME_OVERHEAD_BYTES : bodyFrames * FRAME_OVERHEAD_BYTES);
  const buf = Buffer.allocUnsafe(total);
  writeFrameHeader(buf, 0, FrameType.METHOD, channel, 4 + methodArgsBytes);
  buf.writeUInt16BE(classId, 7);
  buf.writeUInt16BE(methodIdInClass, 9);
  buf[methodFrameBytes - 1] = FRAME_END;
  let pos = methodFrameBytes;
  writeFrameHeader(buf, pos, FrameType.HEADER, channel, headerPayloadBytes);
  buf.writeUInt16BE(BASIC_CLASS, pos + 7);
  buf.writeUInt16BE(0, pos + 9);
  writeUint64(buf, pos + 11, body.length, 'body size');
  properties.copy(buf, pos + 7 + CONTENT_HEADER_FIXED_BYTES);
  pos = headBytes;
  buf[pos - 1] = FRAME_END;
  if (copyBody) {
    writeBodyFrames(buf, pos, channel, body, chunkMax);
    return buf;
  }
  // Sliced: head + first body frame header, then for each slice the slice and the 8 framing bytes after it.
  const parts: Buffer[] = [];
  let glue = headBytes;
  for (let at = 0; at < body.length; at += chunkMax) {
    const n = Math.min(chunkMax, body.length - at);
    writeFrameHeader(buf, glue, FrameType.BODY, channel, n);
    if (at !== 0) buf[glue - 1] = FRAME_END; // ends the previous body frame
    parts.push(buf.subarray(at === 0 ? 0 : glue - 1, glue + FRAME_HEADER_BYTES), body.subarray(at, at + n));
    glue += FRAME_OVERHEAD_BYTES;
  }
  buf[total - 1] = FRAME_END;
  parts.push(buf.subarray(total - 1));
  return parts;
}

/** basic.deliver + content. `properties` are the stored flags and list, copied as they are. */
export function encodeDelivery(channel: number, consumerTag: string, deliveryTag: number, redelivered: boolean,
  exchange: string, routingKey: string, properties: Buffer, body: Buffer, frameMax: number): FrameBytes {
  const tagBytes = shortstrBytes(consumerTag, 'consumer-tag');
  const exBytes = shortstrBytes(exchange, 'exchange');
  const rkBytes = shortstrBytes(routingKey, 'routing-key');
  const out = layoutContent(channel, BASIC_CLASS, 60, 1 + tagBytes + 8 + 1 + 1 + exBytes + 1 + rkBytes, properties, body, frameMax);
  const buf = Array.isArray(out) ? (out[0] as Buffer) : out;
  let pos = writeShortstr(buf, 11, consumerTag, tagBytes);
  pos = writeUint64(buf, pos, deliveryTag, 'delivery-tag');
  buf[pos++] = redelivered ? 1 : 0;
  pos = writeShortstr(buf, pos, exchange, exBytes);
  writeShortstr(buf, pos, routingKey, rkBytes);
  return out;
}

/** basic.get-ok + content. */
export function encodeGetOk(channel: number, deliveryTag: number, redelivered: boolean, exchange: string, routingKey: string,
  messageCount: number, properties: Buffer, body: Buffer, frameMax: number): FrameBytes {
  const exBytes = shortstrBytes(exchange, 'exchange');
  const rkBytes = shortstrBytes(routingKey, 'routing-key');
  const out = layoutContent(channel, BASIC_CLASS, 71, 8 + 1 + 1 + exBytes + 1 + rkBytes + 4, properties, body, frameMax);
  const buf = Array.isArray(out) ? (out[0] as Buffer) : out;
  let pos = writeUint64(buf, 11, deliveryTag, 'delivery-tag');
  buf[pos++] = redelivered ? 1 : 0;
  pos = writeShortstr(buf, pos, exchange, exBytes);
  pos = writeShortstr(buf, pos, routingKey, rkBytes);
  buf.writeUInt32BE(Math.min(Math.max(0, Math.trunc(messageCount)), 0xffffffff), pos);
  return out;
}

/** basic.return + content (an unroutable mandatory publish; reply-code 312 NO_ROUTE). */
export function encodeReturn(channel: number, replyCode: number, replyText: string, exchange: string, routingKey: string,
  properties: Buffer, body: Buffer, frameMax: number): FrameBytes {
  const textBytes = shortstrBytes(replyText, 'reply-text');
  const exBytes = shortstrBytes(exchange, 'exchange');
  const rkBytes = shortstrBytes(routingKey, 'routing-key');
  const out = layoutContent(channel, BASIC_CLASS, 50, 2 + 1 + textBytes + 1 + exBytes + 1 + rkBytes, properties, body, frameMax);
  const buf = Array.isArray(out) ? (out[0] as Buffer) : out;
  buf.writeUInt16BE(replyCode, 11);
  let pos = writeShortstr(buf, 13, replyText, textBytes);
  pos = writeShortstr(buf, pos, exchange, exBytes);
  writeShortstr(buf, pos, routingKey, rkBytes);
  return out;
}

/** A content header frame and body frames alone (after a method frame the caller wrote): for publishing clients and tests. */
export function encodeContentFrames(channel: number, properties: Buffer, body: Buffer, frameMax: number): Buffer {
  const chunkMax = checkFrameMax(frameMax);
  const headerPayloadBytes = CONTENT_HEADER_FIXED_BYTES + properties.length;
  const bodyFrames = body.length === 0 ? 0 : Math.ceil(body.length / chunkMax);
  const buf = Buffer.allocUnsafe(FRAME_OVERHEAD_BYTES + headerPayloadBytes + body.length + bodyFrames * FRAME_OVERHEAD_BYTES);
  writeFrameHeader(buf, 0, FrameType.HEADER, channel, headerPayloadBytes);
  buf.writeUInt16BE(BASIC_CLASS, 7);
  buf.writeUInt16BE(0, 9);
  writeUint64(buf, 11, body.length, 'body size');
  let pos = 7 + CONTENT_HEADER_FIXED_BYTES + properties.copy(buf, 7 + CONTENT_HEADER_FIXED_BYTES);
  buf[pos++] = FRAME_END;
  writeBodyFrames(buf, pos, channel, body, chunkMax);
  return buf;
}

/** Writes `body` as body frames of at most `chunkMax` payload bytes from `pos`; returns the end. */
function writeBodyFrames(buf: Buffer, pos: number, channel: number, body: Buffer, chunkMax: number): number {
  for (let at = 0; at < body.length; at += chunkMax) {
    const n = Math.min(chunkMax, body.length - at);
    writeFrameHeader(buf, pos, FrameType.BODY, channel, n);
    pos += FRAME_HEADER_BYTES + body.copy(buf, pos + FRAME_HEADER_BYTES, at, at + n);
    buf[pos++] = FRAME_END;
  }
  return pos;
}
