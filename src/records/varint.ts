// Kafka's variable-length integers: base-128 groups, least significant first (protobuf style).
// RecordBatch v2 records use zigzag varint (int32) and varlong (int64); flexible protocol
// versions use unsigned varint. Readers never throw and never read past `end`: they return the
// position after the value, or a negative VarintStatus, and leave the value in a caller-owned
// VarintRead so scanning thousands of records allocates nothing.

export const VarintStatus = {
  /** The value continues past `end`. */
  TRUNCATED: -1,
  /** Too many continuation bytes, or a value outside the target range. */
  OVERFLOW: -2,
} as const;
export type VarintStatus = (typeof VarintStatus)[keyof typeof VarintStatus];

/** Out-parameter of the readers; reuse one per decoder. */
export interface VarintRead {
  value: number;
}

/** Longest encodings: 5 bytes carry 32 bits, 10 bytes carry 64. */
export const VARINT_BYTES_MAX = 5;
export const VARLONG_BYTES_MAX = 10;

const TWO_POW_27 = 0x800_0000;
const TWO_POW_31 = 0x8000_0000;
/** A varlong whose unsigned form reaches 2^54 zigzags to a value beyond ±2^53. */
const VARLONG_HIGH_LIMIT = 0x400_0000; // 2^26, the high part above the low 28 bits
const HIGH_GROUP_SCALE = [1, 0x80, 0x4000, 0x20_0000, 0x1000_0000, 0x8_0000_0000] as const;

/** Reads an unsigned 32-bit varint. Returns the next position or a negative VarintStatus. */
export function readUnsignedVarint(buf: Uint8Array, pos: number, end: number, out: VarintRead): number {
  let result = 0;
  for (let i = 0; i < VARINT_BYTES_MAX; i++) {
    const b = buf[pos];
    if (b === undefined || pos >= end) return VarintStatus.TRUNCATED;
    pos++;
    // The fifth group holds bits 28..31 only; more bits (or a sixth byte) cannot fit in 32.
    if (i === 4 && b > 0x0f) return VarintStatus.OVERFLOW;
    result |= (b & 0x7f) << (7 * i);
    if (b < 0x80) {
      out.value = result >>> 0;
      return pos;
    }
  }
  return VarintStatus.OVERFLOW;
}

/** Reads a zigzag varint (int32). Returns the next position or a negative VarintStatus. */
export function readVarint(buf: Uint8Array, pos: number, end: number, out: VarintRead): number {
  const next = readUnsignedVarint(buf, pos, end, out);
  if (next >= 0) {
    const u = out.value;
    out.value = (u >>> 1) ^ -(u & 1);
  }
  return next;
}

/**
 * Reads a zigzag varlong (int64) as a safe-integer number. Values outside ±(2^53 - 1) report
 * OVERFLOW rather than lose precision, so decode-then-encode is exact or refused.
 */
export function readVarlong(buf: Uint8Array, pos: number, end: number, out: VarintRead): number {
  // The low 28 bits are assembled with int32 bit operations; the rest as a plain number, which
  // stays exact because it is kept below 2^26.
  let low = 0;
  let high = 0;
  for (let i = 0; i < VARLONG_BYTES_MAX; i++) {
    const b = buf[pos];
    if (b === undefined || pos >= end) return VarintStatus.TRUNCATED;
    pos++;
    const group = b & 0x7f;
    if (i < 4) {
      low |= group << (7 * i);
    } else {
      high += group * (HIGH_GROUP_SCALE[i - 4] ?? Infinity);
      if (high >= VARLONG_HIGH_LIMIT) return VarintStatus.OVERFLOW;
    }
    if (b < 0x80) {
      // unsigned = high * 2^28 + low; zigzag: magnitude = unsigned >> 1, sign = unsigned & 1.
      const magnitude = high * TWO_POW_27 + (low >>> 1);
      if ((low & 1) === 0) {
        out.value = magnitude;
      } else {
        if (magnitude >= Number.MAX_SAFE_INTEGER) return VarintStatus.OVERFLOW;
        out.value = -magnitude - 1;
      }
      return pos;
    }
  }
  return VarintStatus.OVERFLOW;
}

/** Bytes needed for `value` (an unsigned 32-bit integer) as an unsigned varint. */
export function unsignedVarintBytes(value: number): number {
  const u = value >>> 0;
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x20_0000) return 3;
  if (u < 0x1000_0000) return 4;
  return 5;
}

/** Bytes needed for `value` (an int32) as a zigzag varint. */
export function varintBytes(value: number): number {
  return unsignedVarintBytes((value << 1) ^ (value >> 31));
}

/** Bytes needed for `value` (a safe integer) as a zigzag varlong. */
export function varlongBytes(value: number): number {
  // unsigned = 2 * magnitude + sign reaches 2^(7k) exactly when magnitude reaches 2^(7k - 1),
  // which avoids forming the unsigned value (it can exceed 2^53).
  const magnitude = value < 0 ? -value - 1 : value;
  let bytes = 1;
  let threshold = 0x40;
  while (magnitude >= threshold && bytes < VARLONG_BYTES_MAX) {
    bytes++;
    threshold *= 0x80;
  }
  return bytes;
}

/** Writes `value` (an unsigned 32-bit integer); returns the next position. */
export function writeUnsignedVarint(buf: Uint8Array, pos: number, value: number): number {
  let u = value >>> 0;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}

/** Writes `value` (an int32) as a zigzag varint; returns the next position. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  return writeUnsignedVarint(buf, pos, (value << 1) ^ (value >> 31));
}

/** Writes `value` (a safe integer) as a zigzag varlong; returns the next position. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  const sign = value < 0 ? 1 : 0;
  const magnitude = sign === 1 ? -value - 1 : value;
  // unsigned = 2 * magnitude + sign, split as high * 2^32 + low so every step is an int op.
  let low = (magnitude % TWO_POW_31) * 2 + sign;
  let high = Math.floor(magnitude / TWO_POW_31);
  while (high > 0 || low >= 0x80) {
    buf[pos++] = (low & 0x7f) | 0x80;
    low = ((low >>> 7) | ((high & 0x7f) << 25)) >>> 0;
    high >>>= 7;
  }
  buf[pos++] = low;
  return pos;
}
