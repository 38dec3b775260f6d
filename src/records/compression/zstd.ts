// zstd via zstd-napi. Its one-shot decompress trusts the frame's declared content size for its
// allocation and inflates unknown-size frames without a limit, so decompression drives the
// streaming decoder here with output chunks that never add up to more than the caller allows.
import { compress as zstdSimpleCompress } from 'zstd-napi';
import binding from 'zstd-napi/binding.js';
import { badFraming, tooLarge } from './compression-errors.js';

/** First output chunk when the frame does not state its size; later chunks double. */
const OUT_CHUNK_BYTES = 128 * 1024;

let decoder: InstanceType<typeof binding.DCtx> | undefined;

export function zstdCompress(data: Buffer, level?: number): Buffer {
  return zstdSimpleCompress(data, level === undefined ? {} : { compressionLevel: level });
}

export function zstdDecompress(data: Buffer, maxBytes: number): Buffer {
  if (data.length === 0) throw badFraming('zstd payload is empty');
  decoder ??= new binding.DCtx();
  // A previous call may have failed mid-frame; start clean.
  decoder.reset(binding.ResetDirective.sessionOnly);
  // The declared size (of the first frame) only sizes the first chunk and refuses early; the
  // streaming loop enforces the limit whatever the header says.
  const declared = binding.getFrameContentSize(data);
  if (declared !== null && declared > maxBytes) throw tooLarge(declared, maxBytes);
  // One byte of room beyond the limit tells "exactly at the limit" from "over it".
  const budget = maxBytes + 1;
  const chunks: Buffer[] = [];
  let total = 0;
  let inPos = 0;
  let frameDone = false;
  let chunk = Buffer.allocUnsafe(Math.min(budget, declared !== null ? declared + 1 : OUT_CHUNK_BYTES));
  let chunkPos = 0;
  while (inPos < data.length || !frameDone) {
    if (chunkPos === chunk.length) {
      chunks.push(chunk);
      if (total >= budget) throw tooLarge(total, maxBytes);
      chunk = Buffer.allocUnsafe(Math.min(budget - total, Math.max(OUT_CHUNK_BYTES, total)));
      chunkPos = 0;
    }
    const [hint, produced, consumed] = decoder.decompressStream(chunk.subarray(chunkPos), data.subarray(inPos));
    if (produced === 0 && consumed === 0) throw badFraming('zstd frame is cut short');
    chunkPos += produced;
    total += produced;
    inPos += consumed;
    frameDone = hint === 0;
  }
  if (total > maxBytes) throw tooLarge(total, maxBytes);
  chunks.push(chunk.subarray(0, chunkPos));
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}
