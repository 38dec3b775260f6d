// Typed AMQP field values as Kafka record header values (docs/interop.md, "Headers"): numbers,
// booleans, decimals and timestamps as the text a person or a Java/kcat consumer reads; byte
// strings as they are; arrays and tables in their AMQP encoding. The tag that says how to read a
// value back travels in the `x-amqp-types` header, so each text form only has to be exact.
import type { FieldValue } from '../../formats/amqp/field-types.js';
import { decodeFieldTable, readFieldValue } from '../../formats/amqp/field-table.js';
import { AmqpReader } from '../../formats/amqp/amqp-reader.js';

export const TRUE_TEXT = Buffer.from('true', 'latin1');
export const FALSE_TEXT = Buffer.from('false', 'latin1');

const TAG_A = 0x41;
const INTEGER = /^-?[0-9]+$/;
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]+))?$/;
const TWO_32 = 4294967296;

/** Decimal text of an integer field value (any width). */
export function integerText(v: number | bigint): Buffer {
  return Buffer.from(v.toString(), 'latin1');
}

/** Shortest text that reads back to the same double ('f' values widen exactly, so they read back too); keeps -0. */
export function floatText(v: number): Buffer {
  return Buffer.from(Object.is(v, -0) ? '-0' : String(v), 'latin1');
}

/** An AMQP decimal (unscaled int32, scale digits after the point) as plain decimal text: 12345/3 → "12.345". */
export function decimalText(scale: number, value: number): Buffer {
  const digits = String(Math.abs(value)).padStart(scale + 1, '0');
  const point = digits.length - scale;
  const text = scale === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return Buffer.from(value < 0 ? `-${text}` : text, 'latin1');
}

/** A signed 64-bit integer at buf[pos] as a number when safe, else a bigint (as the AMQP reader does). */
export function readInt64(buf: Buffer, pos: number): number | bigint {
  const hi = buf.readInt32BE(pos);
  if (hi >= -0x200000 && hi < 0x200000) return hi * TWO_32 + buf.readUInt32BE(pos + 4);
  return buf.readBigInt64BE(pos);
}

export function readUint64(buf: Buffer, pos: number): number | bigint {
  const hi = buf.readUInt32BE(pos);
  if (hi < 0x200000) return hi * TWO_32 + buf.readUInt32BE(pos + 4);
  return buf.readBigUInt64BE(pos);
}

function parseInteger(text: string, min: number, max: number): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

function parseInt64(text: string, min: bigint, max: bigint): number | bigint | undefined {
  if (!INTEGER.test(text)) return undefined;
  const n = BigInt(text);
  if (n < min || n > max) return undefined;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function parseFloatText(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  const n = Number(text);
  return text.trim() === text && text !== '' && !Number.isNaN(n) ? n : undefined;
}

function parseDecimal(text: string): FieldValue | undefined {
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const fraction = m[3] ?? '';
  const unscaled = Number(`${m[1]}${m[2]}${fraction}`);
  if (fraction.length > 255 || !Number.isInteger(unscaled) || unscaled < -0x80000000 || unscaled > 0x7fffffff) return undefined;
  return { tag: 'D', value: { scale: fraction.length, value: unscaled } };
}

function parseArray(bytes: Buffer): FieldValue | undefined {
  // The header holds the array's encoding without its tag; readFieldValue wants the tag.
  const tagged = Buffer.allocUnsafe(bytes.length + 1);
  tagged[0] = TAG_A;
  bytes.copy(tagged, 1);
  const r = new AmqpReader(tagged);
  const v = readFieldValue(r, 0);
  return r.remaining() === 0 ? v : undefined;
}

/**
 * Reads a record header value back as the field value of type `tag` (an ASCII tag from the
 * `x-amqp-types` header). Returns undefined when the bytes are not a valid value of that type, so
 * the caller keeps them as a plain string instead of failing a delivery.
 */
export function parseHeaderValue(tag: string, value: Buffer | null): FieldValue | undefined {
  if (value === null) return tag === 'V' ? { tag: 'V', value: null } : undefined;
  switch (tag) {
    case 'S': case 'x': return { tag, value };
    case 't': return value.equals(TRUE_TEXT) ? { tag, value: true } : value.equals(FALSE_TEXT) ? { tag, value: false } : undefined;
    case 'F': case 'A':
      try {
        return tag === 'F' ? { tag, value: decodeFieldTable(value) } : parseArray(value);
      } catch {
        return undefined;
      }
    case 'D': return parseDecimal(value.toString('latin1'));
    default: break;
  }
  const text = value.toString('latin1');
  let n: number | bigint | undefined;
  switch (tag) {
    case 'b': n = parseInteger(text, -128, 127); break;
    case 'B': n = parseInteger(text, 0, 255); break;
    case 's': n = parseInteger(text, -32768, 32767); break;
    case 'u': n = parseInteger(text, 0, 0xffff); break;
    case 'I': n = parseInteger(text, -0x80000000, 0x7fffffff); break;
    case 'i': n = parseInteger(text, 0, 0xffffffff); break;
    case 'l': case 'L': return wrap64(tag, parseInt64(text, -(2n ** 63n), 2n ** 63n - 1n));
    case 'T': return wrap64(tag, parseInt64(text, 0n, 2n ** 64n - 1n));
    case 'f': case 'd': {
      const f = parseFloatText(text);
      return f === undefined ? undefined : { tag, value: f };
    }
    default: return undefined;
  }
  return n === undefined ? undefined : { tag, value: n as number };
}

function wrap64(tag: 'l' | 'L' | 'T', v: number | bigint | undefined): FieldValue | undefined {
  return v === undefined ? undefined : { tag, value: v };
}
