// Compression codecs of RecordBatch v2, numbered as in attributes bits 0-2. Compressed payloads
// come from clients and from disk, so decompression is bounded by an output limit (a few bytes
// of zstd or gzip can claim gigabytes) and every library failure becomes a RecordsError.
import { RecordsError, RecordsErrorCode } from '../records-error.js';
import { tooLarge } from './compression-errors.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

export const CompressionCodec = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
} as const;
export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];
export type CompressionCodecName = keyof typeof CompressionCodec;

const NAMES: readonly CompressionCodecName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function isCompressionCodec(value: number): value is CompressionCodec {
  return Number.isInteger(value) && value >= 0 && value < NAMES.length;
}

/** Kafka's name for the codec, as in `compression.type`. */
export function compressionCodecName(codec: CompressionCodec): CompressionCodecName {
  return NAMES[codec] ?? 'none';
}

/** Parses a `compression.type` name; undefined for anything else (e.g. Kafka's `producer`). */
export function compressionCodecFromName(name: string): CompressionCodec | undefined {
  return Object.hasOwn(CompressionCodec, name) ? CompressionCodec[name as CompressionCodecName] : undefined;
}

export interface CompressOptions {
  /** Codec-specific level (gzip 1-9, zstd 1-22); the library default when absent. */
  level?: number;
}

export function compress(codec: CompressionCodec, data: Buffer, options: CompressOptions = {}): Buffer {
  try {
    switch (codec) {
      case CompressionCodec.none:
        return data;
      case CompressionCodec.gzip:
        return gzipCompress(data, options.level);
      case CompressionCodec.snappy:
        return snappyCompress(data);
      case CompressionCodec.lz4:
        return lz4Compress(data);
      case CompressionCodec.zstd:
        return zstdCompress(data, options.level);
      default:
        throw unknownCodec(codec);
    }
  } catch (err) {
    if (err instanceof RecordsError) throw err;
    throw new RecordsError(RecordsErrorCode.COMPRESSION, `${NAMES[codec] ?? codec} compression failed: ${messageOf(err)}`, -1, { cause: err });
  }
}

/**
 * Decompresses `data`, refusing output longer than `maxBytes` with TOO_LARGE before it is
 * produced; malformed input gives COMPRESSION. Never throws anything but RecordsError.
 */
export function decompress(codec: CompressionCodec, data: Buffer, maxBytes: number): Buffer {
  try {
    switch (codec) {
      case CompressionCodec.none:
        if (data.length > maxBytes) throw tooLarge(data.length, maxBytes);
        return data;
      case CompressionCodec.gzip:
        return gzipDecompress(data, maxBytes);
      case CompressionCodec.snappy:
        return snappyDecompress(data, maxBytes);
      case CompressionCodec.lz4:
        return lz4Decompress(data, maxBytes);
      case CompressionCodec.zstd:
        return zstdDecompress(data, maxBytes);
      default:
        throw unknownCodec(codec);
    }
  } catch (err) {
    if (err instanceof RecordsError) throw err;
    throw new RecordsError(RecordsErrorCode.COMPRESSION, `${NAMES[codec] ?? codec} payload cannot be decompressed: ${messageOf(err)}`, -1, { cause: err });
  }
}

function unknownCodec(codec: number): RecordsError {
  return new RecordsError(RecordsErrorCode.COMPRESSION, `unknown compression codec ${codec} (Kafka defines 0-4)`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
