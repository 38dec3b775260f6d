// CRC32C (Castagnoli), the checksum of RecordBatch v2. The native SIMD implementation from
// @node-rs/crc32 is used because the CRC is computed on every produced and recovered batch.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC32C of `bytes`, continuing from `initial` (0 for a fresh checksum). Unsigned 32-bit. */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  return nativeCrc32c(bytes as Buffer, initial) >>> 0;
}
