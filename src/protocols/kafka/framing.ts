// Splits a TCP byte stream into Kafka request frames: int32 size, then that many bytes.
// Chunks are kept in a list with a byte count; a frame that lies in one chunk is handed out as a
// `subarray` view, and only a frame that spans chunks is copied (STYLE 8.5, undici's receiver).
// The declared size is checked against `requestBytesMax` as soon as its 4 bytes arrive, before
// any of the body is kept, so a hostile size costs nothing (Kafka's socket.request.max.bytes).
//
// Use: `assembler.push(chunk)` on each 'data' event, then `while ((f = assembler.next()))` handle
// f. Both throw KafkaCodecError (FRAME_TOO_LARGE, FRAME_SIZE_INVALID); the session then closes
// the connection, since the stream can no longer be framed.
import { KafkaCodecError, KafkaCodecErrorCode } from './codec/codec-error.js';

/** Kafka's default socket.request.max.bytes: 100 MiB. */
export const REQUEST_BYTES_MAX_DEFAULT = 100 * 1024 * 1024;
const SIZE_BYTES = 4;
const NO_FRAME = -1;
const EMPTY_FRAME = Buffer.alloc(0);

export interface FrameAssemblerOptions {
  /** Largest frame body accepted, in bytes (default 100 MiB). */
  readonly requestBytesMax?: number;
}

export class FrameAssembler {
  readonly requestBytesMax: number;
  private chunks: Buffer[] = [];
  /** Index of the first chunk still holding unread bytes (chunks before it are spent). */
  private head = 0;
  /** Bytes of `chunks[head]` already consumed. */
  private headOffset = 0;
  private buffered = 0;
  /** Size of the frame being assembled, once its prefix has been read; NO_FRAME before. */
  private frameBytes = NO_FRAME;
  private failure: KafkaCodecError | null = null;

  constructor(options: FrameAssemblerOptions = {}) {
    const max = options.requestBytesMax ?? REQUEST_BYTES_MAX_DEFAULT;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fff_ffff) throw new RangeError(`requestBytesMax ${max} is not an int32 byte count`);
    this.requestBytesMax = max;
  }

  /** Bytes received and not yet handed out (bounded by requestBytesMax plus one chunk). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (this.failure !== null) throw this.failure;
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    // Check the size as soon as it is known, before more of an oversized body is buffered.
    if (this.frameBytes === NO_FRAME) this.readSize();
  }

  /** The next whole frame (without its size prefix), or null until more bytes arrive. */
  next(): Buffer | null {
    if (this.failure !== null) throw this.failure;
    if (this.frameBytes === NO_FRAME && !this.readSize()) return null;
    if (this.buffered < this.frameBytes) return null;
    const frame = this.take(this.frameBytes);
    this.frameBytes = NO_FRAME;
    return frame;
  }

  private readSize(): boolean {
    if (this.buffered < SIZE_BYTES) return false;
    // take() returns a view when the prefix lies in one chunk, so this copies only 4 split bytes.
    const size = this.take(SIZE_BYTES).readInt32BE(0);
    if (size < 0) this.fail(KafkaCodecErrorCode.FRAME_SIZE_INVALID, `frame declares a negative size (${size})`);
    if (size > this.requestBytesMax) {
      this.fail(KafkaCodecErrorCode.FRAME_TOO_LARGE,
        `frame declares ${size} bytes, above requestBytesMax ${this.requestBytesMax}; raise the limit or check that a Kafka client is talking to this port`);
    }
    this.frameBytes = size;
    return true;
  }

  private fail(code: KafkaCodecErrorCode, message: string): never {
    this.failure = new KafkaCodecError(code, message);
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.buffered = 0;
    throw this.failure;
  }

  /** Removes `n` buffered bytes: a view when they lie in one chunk, a copy otherwise. */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY_FRAME;
    const first = this.chunks[this.head] as Buffer;
    if (first.length - this.headOffset >= n) {
      const view = first.subarray(this.headOffset, this.headOffset + n);
      this.advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head] as Buffer;
      const count = Math.min(n - filled, chunk.length - this.headOffset);
      chunk.copy(out, filled, this.headOffset, this.headOffset + count);
      filled += count;
      this.advance(count);
    }
    return out;
  }

  /** Consumes `n` bytes of the head chunk (n never exceeds what it holds). */
  private advance(n: number): void {
    this.headOffset += n;
    this.buffered -= n;
    const first = this.chunks[this.head] as Buffer;
    if (this.headOffset < first.length) return;
    this.head += 1;
    this.headOffset = 0;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 32 && this.head * 2 >= this.chunks.length) {
      // Drop spent chunks now and then instead of Array.shift per chunk.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
