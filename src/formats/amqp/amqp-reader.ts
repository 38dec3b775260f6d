// A cursor over untrusted AMQP bytes. Every read checks the bytes left first and fails with a
// typed MALFORMED error naming the field, so decoders read as a list of fields and never throw a
// RangeError. Field names are static strings: a message is built only when a read fails.
import { malformed } from './amqp-format-error.js';

const TWO_32 = 4294967296;

export class AmqpReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = Math.min(end, buf.length);
  }

  remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, field: string): void {
    if (this.end - this.pos < n) {
      throw malformed(`${field} needs ${n} bytes at offset ${this.pos} but only ${this.end - this.pos} are left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++] as number;
  }

  i8(field: string): number {
    this.need(1, field);
    const v = this.buf.readInt8(this.pos);
    this.pos += 1;
    return v;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  f32(field: string): number {
    this.need(4, field);
    const v = this.buf.readFloatBE(this.pos);
    this.pos += 4;
    return v;
  }

  f64(field: string): number {
    this.need(8, field);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * An unsigned 64-bit method field (delivery tags, body sizes) as a number. Above 2^53 the value
   * is rounded, which still compares above every tag Wharf hands out, so the session answers
   * "unknown delivery tag" instead of closing the connection.
   */
  u64Number(field: string): number {
    this.need(8, field);
    const v = this.buf.readUInt32BE(this.pos) * TWO_32 + this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return v;
  }

  /** Signed 64-bit, exact: a number when safe, a bigint otherwise. */
  i64(field: string): number | bigint {
    this.need(8, field);
    const hi = this.buf.readInt32BE(this.pos);
    let v: number | bigint;
    if (hi >= -0x200000 && hi < 0x200000) v = hi * TWO_32 + this.buf.readUInt32BE(this.pos + 4);
    else v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned 64-bit, exact: a number when safe, a bigint otherwise. */
  u64(field: string): number | bigint {
    this.need(8, field);
    const hi = this.buf.readUInt32BE(this.pos);
    let v: number | bigint;
    if (hi < 0x200000) v = hi * TWO_32 + this.buf.readUInt32BE(this.pos + 4);
    else v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A view of the next n bytes (no copy). */
  view(n: number, field: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** shortstr: uint8 length, then bytes read as UTF-8. */
  shortstr(field: string): string {
    const n = this.u8(field);
    this.need(n, field);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** longstr as bytes, copied: decoded values may outlive the network chunk they came in. */
  longstr(field: string): Buffer {
    const n = this.u32(field);
    return Buffer.from(this.view(n, field));
  }

  longstrText(field: string): string {
    const n = this.u32(field);
    this.need(n, field);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
