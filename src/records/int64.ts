// int64 fields (offsets, timestamps, producer ids) as safe-integer numbers, read from their two
// 32-bit halves: no BigInt on the data path. Values outside ±2^53 are not produced by Wharf; a
// wire value outside that range is reported by the caller's validation, never silently wrapped.

const TWO_POW_32 = 0x1_0000_0000;

/** Reads a big-endian int64. Exact for |value| ≤ 2^53; larger values lose precision. */
export function readInt64(buf: Buffer, pos: number): number {
  const high = buf.readInt32BE(pos);
  const low = buf.readUInt32BE(pos + 4);
  return high * TWO_POW_32 + low;
}

/** True when the int64 at `pos` is a safe integer (so readInt64 is exact). */
export function isSafeInt64(buf: Buffer, pos: number): boolean {
  const high = buf.readInt32BE(pos);
  return high >= -0x20_0000 && high < 0x20_0000;
}

/** Writes `value` (a safe integer) as a big-endian int64. */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  const low = value - high * TWO_POW_32;
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(low, pos + 4);
}
