// A cursor over untrusted bytes. Every read checks the bytes left before touching the buffer and
// fails with a RecordsError naming the field, so decoders read as a list of fields and still never
// read out of bounds. Field names are static strings: no message is built unless a read fails.
import { isSafeInt64, readInt64 } from './int64.js';
import { RecordsError, RecordsErrorCode } from './records-error.js';
import { readUnsignedVarint, readVarint, readVarlong, VarintStatus, type VarintRead } from './varint.js';

export class BoundedReader {
  readonly buf: Buffer;
  pos: number;
  /** Reads stop here; a decoder narrows it to a record's end and restores it afterwards. */
  end: number;
  /**
   * What running out of bytes means: TRUNCATED while the input itself may be short, CORRUPT once
   * the enclosing length was checked against the input and so a field overrunning it is a lie.
   */
  private readonly shortCode: RecordsErrorCode;
  private readonly varintOut: VarintRead = { value: 0 };

  constructor(buf: Buffer, pos: number, end: number, shortCode: RecordsErrorCode) {
    this.buf = buf;
    this.pos = pos;
    this.end = Math.min(end, buf.length);
    this.shortCode = shortCode;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  int8(field: string): number {
    this.need(1, field);
    const v = this.buf.readInt8(this.pos);
    this.pos += 1;
    return v;
  }

  int16(field: string): number {
    this.need(2, field);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(field: string): number {
    this.need(4, field);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(field: string): number {
    this.need(4, field);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** int64 as a number; a value beyond ±2^53 is refused because it could not be re-encoded. */
  int64(field: string): number {
    this.need(8, field);
    if (!isSafeInt64(this.buf, this.pos)) {
      throw new RecordsError(RecordsErrorCode.CORRUPT, `${field} is outside ±2^53, which Wharf does not represent`, this.pos);
    }
    const v = readInt64(this.buf, this.pos);
    this.pos += 8;
    return v;
  }

  varint(field: string): number {
    return this.finishVarint(readVarint(this.buf, this.pos, this.end, this.varintOut), field);
  }

  varlong(field: string): number {
    return this.finishVarint(readVarlong(this.buf, this.pos, this.end, this.varintOut), field);
  }

  unsignedVarint(field: string): number {
    return this.finishVarint(readUnsignedVarint(this.buf, this.pos, this.end, this.varintOut), field);
  }

  /** A view of the next `length` bytes (no copy): it shares memory with the input. */
  bytes(length: number, field: string): Buffer {
    if (length < 0) throw new RecordsError(RecordsErrorCode.CORRUPT, `${field} has negative length ${length}`, this.pos);
    this.need(length, field);
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }

  /** Kafka's varint-prefixed bytes where length -1 means null; other negative lengths are corrupt. */
  nullableBytes(field: string): Buffer | null {
    const lengthPos = this.pos;
    const length = this.varint(field);
    if (length === -1) return null;
    if (length < -1) throw new RecordsError(RecordsErrorCode.CORRUPT, `${field} has negative length ${length}`, lengthPos);
    return this.bytes(length, field);
  }

  utf8(length: number, field: string): string {
    if (length < 0) throw new RecordsError(RecordsErrorCode.CORRUPT, `${field} has negative length ${length}`, this.pos);
    this.need(length, field);
    const start = this.pos;
    this.pos += length;
    return this.buf.toString('utf8', start, this.pos);
  }

  fail(code: RecordsErrorCode, message: string, position = this.pos): never {
    throw new RecordsError(code, message, position);
  }

  private need(bytes: number, field: string): void {
    if (this.end - this.pos < bytes) {
      throw new RecordsError(this.shortCode, `${field} needs ${bytes} bytes but only ${this.end - this.pos} remain`, this.pos);
    }
  }

  private finishVarint(next: number, field: string): number {
    if (next === VarintStatus.TRUNCATED) {
      throw new RecordsError(this.shortCode, `${field} varint runs past the end of its enclosing bytes`, this.pos);
    }
    if (next < 0) throw new RecordsError(RecordsErrorCode.CORRUPT, `${field} varint is too long or out of range`, this.pos);
    this.pos = next;
    return this.varintOut.value;
  }
}
