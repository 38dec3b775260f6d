// Method frames (AMQP 0-9-1 §4.2.4): class-id, method-id, then the arguments in spec order, read
// and written by walking METHOD_SPECS. Consecutive bit arguments share one octet, first bit in
// the low-order bit (§4.2.5.2). Decoding is strict like RabbitMQ's generated decoder: every byte
// of the payload must belong to an argument.
import { AmqpReader } from '../../../formats/amqp/amqp-reader.js';
import { AmqpErrorCode, AmqpFormatError, CodecReplyCode, malformed, unencodable } from '../../../formats/amqp/amqp-format-error.js';
import { fieldTableSize, readFieldTable, writeFieldTable } from '../../../formats/amqp/field-table.js';
import type { FieldTable } from '../../../formats/amqp/field-types.js';
import { FRAME_END, FRAME_HEADER_BYTES, FrameType, writeFrameHeader } from './frame-constants.js';
import { METHOD_BY_ID, METHOD_SPECS, type ArgSpec, type MethodSpec } from './method-spec.js';
import type { AmqpMethod } from './method-types.js';

const TWO_32 = 4294967296;
const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * Decodes a method frame's payload. Unknown class/method ids throw UNKNOWN_METHOD with reply code
 * 540 NOT_IMPLEMENTED (the spec's code for "functionality not implemented in the server"; 503
 * COMMAND_INVALID is for a known method sent at the wrong time, which is the session's call).
 * Bytes that do not parse throw MALFORMED with 501 FRAME_ERROR, as RabbitMQ's "cannot decode".
 */
export function decodeMethod(payload: Buffer): AmqpMethod {
  if (payload.length < 4) throw malformed(`method frame payload of ${payload.length} bytes has no class and method id`);
  const classId = payload.readUInt16BE(0);
  const methodIdInClass = payload.readUInt16BE(2);
  const name = METHOD_BY_ID.get(classId * 65536 + methodIdInClass);
  if (name === undefined) {
    throw new AmqpFormatError(AmqpErrorCode.UNKNOWN_METHOD, `unknown method: class ${classId}, method ${methodIdInClass}`,
      CodecReplyCode.NOT_IMPLEMENTED, classId, methodIdInClass);
  }
  try {
    const r = new AmqpReader(payload, 4);
    const method = name === 'basic.publish' ? readBasicPublish(r) : readArgs(r, name, METHOD_SPECS[name]);
    if (r.remaining() !== 0) throw malformed(`${name} is followed by ${r.remaining()} unexpected bytes`);
    return method;
  } catch (err) {
    if (err instanceof AmqpFormatError) {
      err.classId = classId;
      err.methodId = methodIdInClass;
    }
    throw err;
  }
}

/** The per-message method, read without the generic walk; same result as readArgs. */
function readBasicPublish(r: AmqpReader): AmqpMethod {
  r.u16('ticket');
  const exchange = r.shortstr('exchange');
  const routingKey = r.shortstr('routing-key');
  const bits = r.u8('mandatory/immediate');
  return { name: 'basic.publish', exchange, routingKey, mandatory: (bits & 1) !== 0, immediate: (bits & 2) !== 0 };
}

function readArgs(r: AmqpReader, name: string, spec: MethodSpec): AmqpMethod {
  const out: Record<string, unknown> = { name };
  let bits = 0;
  let bit = 8; // 8 = no octet of bits in hand
  for (const arg of spec.args) {
    let v: unknown;
    if (arg.type === 'bit') {
      if (bit === 8) { bits = r.u8(arg.name); bit = 0; }
      v = (bits & (1 << bit++)) !== 0;
    } else {
      bit = 8;
      v = readArg(r, arg);
    }
    if (arg.reserved !== true) out[arg.name] = v;
  }
  return out as unknown as AmqpMethod;
}

function readArg(r: AmqpReader, arg: ArgSpec): unknown {
  switch (arg.type) {
    case 'octet': return r.u8(arg.name);
    case 'short': return r.u16(arg.name);
    case 'long': return r.u32(arg.name);
    case 'longlong': return r.u64Number(arg.name);
    case 'shortstr': return r.shortstr(arg.name);
    case 'longstr': return r.longstr(arg.name);
    case 'text': return r.longstrText(arg.name);
    case 'table': return readFieldTable(r, 0);
    case 'bit': return false; // handled by readArgs
  }
}

/** A whole method frame: header, class/method ids, arguments, frame-end. */
export function encodeMethodFrame(channel: number, method: AmqpMethod): Buffer {
  const spec: MethodSpec = METHOD_SPECS[method.name];
  const values = method as unknown as Record<string, unknown>;
  const payloadBytes = 4 + argsSize(spec, values);
  const buf = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes + 1);
  writeFrameHeader(buf, 0, FrameType.METHOD, channel, payloadBytes);
  buf.writeUInt16BE(spec.classId, 7);
  buf.writeUInt16BE(spec.methodId, 9);
  const end = writeArgs(buf, 11, spec, values);
  buf[end] = FRAME_END;
  return buf;
}

/** Just the method payload (class id onwards), for tests and for callers that frame it themselves. */
export function encodeMethodPayload(method: AmqpMethod): Buffer {
  const frame = encodeMethodFrame(0, method);
  return frame.subarray(FRAME_HEADER_BYTES, frame.length - 1);
}

function value(values: Record<string, unknown>, arg: ArgSpec): unknown {
  if (arg.reserved === true) {
    if (arg.type === 'bit') return false;
    if (arg.type === 'short') return 0;
    if (arg.type === 'longstr') return EMPTY_BUFFER;
    return '';
  }
  const v = values[arg.name];
  if (v === undefined) throw unencodable(`method argument ${arg.name} is missing`);
  return v;
}

function argsSize(spec: MethodSpec, values: Record<string, unknown>): number {
  let size = 0;
  let inBits = false;
  for (const arg of spec.args) {
    const v = value(values, arg);
    if (arg.type === 'bit') {
      if (!inBits) size += 1;
      inBits = true;
      continue;
    }
    inBits = false;
    switch (arg.type) {
      case 'octet': size += 1; break;
      case 'short': size += 2; break;
      case 'long': size += 4; break;
      case 'longlong': size += 8; break;
      case 'shortstr': size += 1 + shortstrSize(v, arg.name); break;
      case 'longstr':
        if (!Buffer.isBuffer(v)) throw unencodable(`method argument ${arg.name} must be a Buffer`);
        size += 4 + v.length;
        break;
      case 'text':
        if (typeof v !== 'string') throw unencodable(`method argument ${arg.name} must be a string`);
        size += 4 + Buffer.byteLength(v, 'utf8');
        break;
      case 'table':
        if (!(v instanceof Map)) throw unencodable(`method argument ${arg.name} must be a FieldTable (Map)`);
        size += fieldTableSize(v as FieldTable);
        break;
    }
  }
  return size;
}

function shortstrSize(v: unknown, field: string): number {
  if (typeof v !== 'string') throw unencodable(`method argument ${field} must be a string`);
  const n = Buffer.byteLength(v, 'utf8');
  if (n > 255) throw unencodable(`method argument ${field} is ${n} bytes of UTF-8; a shortstr holds at most 255`);
  return n;
}

function uint(v: unknown, max: number, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw unencodable(`method argument ${field} = ${String(v)} is not an integer in 0..${max}`);
  }
  return v;
}

function writeArgs(buf: Buffer, pos: number, spec: MethodSpec, values: Record<string, unknown>): number {
  let bitsAt = -1;
  let bit = 0;
  for (const arg of spec.args) {
    const v = value(values, arg);
    if (arg.type === 'bit') {
      if (bitsAt < 0) { bitsAt = pos++; buf[bitsAt] = 0; bit = 0; }
      if (v === true) buf[bitsAt] = (buf[bitsAt] as number) | (1 << bit);
      bit++;
      continue;
    }
    bitsAt = -1;
    switch (arg.type) {
      case 'octet': buf[pos++] = uint(v, 0xff, arg.name); break;
      case 'short': buf.writeUInt16BE(uint(v, 0xffff, arg.name), pos); pos += 2; break;
      case 'long': buf.writeUInt32BE(uint(v, 0xffffffff, arg.name), pos); pos += 4; break;
      case 'longlong': {
        const n = uint(v, Number.MAX_SAFE_INTEGER, arg.name);
        buf.writeUInt32BE(Math.floor(n / TWO_32), pos);
        buf.writeUInt32BE(n % TWO_32, pos + 4);
        pos += 8;
        break;
      }
      case 'shortstr': {
        const s = v as string;
        buf[pos] = Buffer.byteLength(s, 'utf8');
        pos += 1 + buf.write(s, pos + 1, 'utf8');
        break;
      }
      case 'longstr': {
        const b = v as Buffer;
        buf.writeUInt32BE(b.length, pos);
        pos += 4 + b.copy(buf, pos + 4);
        break;
      }
      case 'text': {
        const n = buf.write(v as string, pos + 4, 'utf8');
        buf.writeUInt32BE(n, pos);
        pos += 4 + n;
        break;
      }
      case 'table': pos = writeFieldTable(buf, pos, v as FieldTable); break;
    }
  }
  return pos;
}
