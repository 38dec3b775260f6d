// Bounded reader for Kafka's primitive types. Every length and count read from the wire is
// checked against the bytes left before anything is read or allocated, so a hostile frame can at
// worst make us throw a KafkaCodecError; it can never make us allocate what it claims.
// Byte fields come back as views (`subarray`) into the frame: copy them at the ownership boundary
// if you keep them (STYLE 8.5).
import { isSafeInt64, readInt64 } from '../../../records/int64.js';
import { malformed } from './codec-error.js';

/** Kafka caps every string at 32767 UTF-8 bytes, compact ones too (Java `readString` checks it). */
export const STRING_BYTES_MAX = 0x7fff;
const UUID_BYTES = 16;

export class KafkaReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    if (pos < 0 || end > buf.length || pos > end) throw new RangeError('KafkaReader bounds outside the buffer');
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reserves `n` bytes and returns where they start. `what` is a static label for the message. */
  private take(n: number, what: string): number {
    const p = this.pos;
    if (n > this.end - p) {
      throw malformed(`${what} needs ${n} bytes but ${this.end - p} are left at offset ${p}`);
    }
    this.pos = p + n;
    return p;
  }

  skip(n: number): void {
    this.take(n, 'skip');
  }

  int8(): number {
    return this.buf.readInt8(this.take(1, 'int8'));
  }

  bool(): boolean {
    // Kafka reads a boolean as "byte != 0" (ByteBufferAccessor.readByte), so any non-zero is true.
    return this.buf.readInt8(this.take(1, 'bool')) !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2, 'int16'));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.take(2, 'uint16'));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4, 'int32'));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4, 'uint32'));
  }

  /** int64 as a safe-integer number (no BigInt on the data path); values beyond ±2^53 are refused. */
  int64(): number {
    const p = this.take(8, 'int64');
    if (!isSafeInt64(this.buf, p)) throw malformed(`int64 at offset ${p} is outside the safe integer range`);
    return readInt64(this.buf, p);
  }

  /** Unsigned LEB128 varint of at most 5 bytes (a uint32), as used for compact lengths and tags. */
  uvarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw malformed(`unsigned varint truncated at offset ${this.pos}`);
      const b = this.buf.readUInt8(this.pos);
      this.pos += 1;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (i === 4 && b > 0x0f) break;
        return value;
      }
      scale *= 128;
    }
    throw malformed(`unsigned varint longer than 32 bits before offset ${this.pos}`);
  }

  /** Zig-zag signed varint (int32). */
  varint(): number {
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** A UUID in Kafka's printed form: 16 bytes as unpadded base64url (what `kafka-topics` shows). */
  uuid(): string {
    const p = this.take(UUID_BYTES, 'uuid');
    return this.buf.toString('base64url', p, p + UUID_BYTES);
  }

  private utf8(length: number): string {
    if (length > STRING_BYTES_MAX) throw malformed(`string of ${length} bytes exceeds ${STRING_BYTES_MAX} at offset ${this.pos}`);
    const p = this.take(length, 'string');
    return this.buf.toString('utf8', p, p + length);
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw malformed(`string length ${n} at offset ${this.pos - 2} where a non-null string is required`);
    return this.utf8(n);
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw malformed(`string length ${n} at offset ${this.pos - 2}`);
    return this.utf8(n);
  }

  compactString(): string {
    const n = this.uvarint();
    if (n === 0) throw malformed(`null compact string before offset ${this.pos} where a non-null string is required`);
    return this.utf8(n - 1);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  private view(length: number): Buffer {
    const p = this.take(length, 'bytes');
    return this.buf.subarray(p, p + length);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw malformed(`bytes length ${n} at offset ${this.pos - 4} where non-null bytes are required`);
    return this.view(n);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw malformed(`bytes length ${n} at offset ${this.pos - 4}`);
    return this.view(n);
  }

  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) throw malformed(`null compact bytes before offset ${this.pos} where non-null bytes are required`);
    return this.view(n - 1);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.view(n - 1);
  }

  /**
   * Reads an array count (int32, or compact uvarint − 1) and checks that `count` elements of at
   * least `elementBytesMin` bytes each fit in what is left. Returns −1 for a null array, which
   * only nullable callers accept.
   */
  arrayCount(compact: boolean, nullable: boolean, elementBytesMin: number): number {
    const at = this.pos;
    const count = compact ? this.uvarint() - 1 : this.int32();
    if (count === -1 && nullable) return -1;
    if (count < 0) throw malformed(`array count ${count} at offset ${at}${nullable ? '' : ' where a non-null array is required'}`);
    if (count * Math.max(1, elementBytesMin) > this.remaining) {
      throw malformed(`array count ${count} at offset ${at} cannot fit in the ${this.remaining} bytes left`);
    }
    return count;
  }

  /** Reads a non-null array; elements are pushed one by one, never preallocated from the count. */
  array<T>(readElement: (r: KafkaReader) => T, elementBytesMin = 1): T[] {
    return this.elements(this.arrayCount(false, false, elementBytesMin), readElement);
  }

  nullableArray<T>(readElement: (r: KafkaReader) => T, elementBytesMin = 1): T[] | null {
    const count = this.arrayCount(false, true, elementBytesMin);
    return count === -1 ? null : this.elements(count, readElement);
  }

  compactArray<T>(readElement: (r: KafkaReader) => T, elementBytesMin = 1): T[] {
    return this.elements(this.arrayCount(true, false, elementBytesMin), readElement);
  }

  compactNullableArray<T>(readElement: (r: KafkaReader) => T, elementBytesMin = 1): T[] | null {
    const count = this.arrayCount(true, true, elementBytesMin);
    return count === -1 ? null : this.elements(count, readElement);
  }

  private elements<T>(count: number, readElement: (r: KafkaReader) => T): T[] {
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(readElement(this));
    return out;
  }

  /**
   * Reads a tagged-field section (KIP-482): a uvarint count, then per field a uvarint tag, a uvarint
   * size and that many bytes. `onTag` gets a reader bounded to the field's bytes and returns true
   * when it knows the tag; a known field must consume exactly its bytes. Unknown tags are skipped,
   * as KIP-482 requires, so newer clients can add optional fields.
   */
  taggedFields(onTag?: (tag: number, field: KafkaReader) => boolean): void {
    const at = this.pos;
    const count = this.uvarint();
    // Each field takes at least two bytes (tag and size), so a larger count is a lie.
    if (count * 2 > this.remaining) throw malformed(`tagged field count ${count} at offset ${at} cannot fit`);
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      const start = this.take(size, 'tagged field');
      if (onTag === undefined) continue;
      const field = new KafkaReader(this.buf, start, start + size);
      if (onTag(tag, field) && field.remaining !== 0) {
        throw malformed(`tagged field ${tag} at offset ${start} has ${field.remaining} bytes left over`);
      }
    }
  }
}
