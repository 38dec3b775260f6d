// gzip via node:zlib. The synchronous calls suit the codec's pure, await-free contract; a batch is
// bounded by the batch size limit, so one call is bounded work.
import { constants as bufferConstants } from 'node:buffer';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tooLarge } from './compression-errors.js';

export function gzipCompress(data: Buffer, level?: number): Buffer {
  return gzipSync(data, level === undefined ? {} : { level });
}

export function gzipDecompress(data: Buffer, maxBytes: number): Buffer {
  let out: Buffer;
  try {
    // zlib stops inflating at maxOutputLength instead of growing its buffer without bound. It
    // accepts only 1..MAX_LENGTH, hence the clamp and the check after the call for a zero limit.
    out = gunzipSync(data, { maxOutputLength: Math.min(Math.max(1, maxBytes), bufferConstants.MAX_LENGTH) });
  } catch (err) {
    if (err instanceof RangeError && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes + 1, maxBytes);
    throw err;
  }
  if (out.length > maxBytes) throw tooLarge(out.length, maxBytes);
  return out;
}
