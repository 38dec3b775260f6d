// Splits a TCP byte stream into Kafka request frames: int32 size, then that many bytes.
// Chunks are kept in a list with a byte count; a frame that lies in one chunk is handed out as a
// `subarray` view, and only a frame that spans chunks is copied (STYLE 8.5, undici's receiver).
// The declared size is checked against `requestBytesMax` as soon as its 4 bytes arrive, before
// any of the body is kept, so a hostile size costs nothing (Kafka's socket.request.max.bytes).
//
// Use: `assembler.push(chunk)` on each 'data' event, then `while ((f = assembler.next()))` handle
// f. Both throw KafkaCodecError (FRAME_TOO_LARGE, FRAME_SIZE_INVALID); the session then closes
// the connection, since the stream can no longer be framed.
//
// Frame memory is reused (STYLE 8.5, "size first, allocate once"): a frame of at least
// FRAME_POOL_BYTES_MIN that spans chunks is copied, chunk by chunk as they arrive (so socket
// chunks die young), into a buffer from a per-assembler free list (power-of-two capacities,
// allocUnsafeSlow) and handed out as a view of it. Its owner gives it
// back with `release(frame)` once nothing refers to its bytes any more (the session does so for
// Produce, after the log has written and acknowledged the batches). A 1 MB produce request then
// costs one copy and no allocation, instead of a fresh 1 MB buffer each time that only the garbage
// collector reclaims (docs/benchmarks.md, Kafka: half the broker's CPU went to GC). Views into
// socket chunks and frames never released are simply left to the GC; `release` ignores them.
import { KafkaCodecError, KafkaCodecErrorCode } from './codec/codec-error.js';

/** Kafka's default socket.request.max.bytes: 100 MiB. */
export const REQUEST_BYTES_MAX_DEFAULT = 100 * 1024 * 1024;
const SIZE_BYTES = 4;
const NO_FRAME = -1;
const EMPTY_FRAME = Buffer.alloc(0);
/** Frames below this size that span chunks are copied into a plain allocation (Node's pool for tiny ones). */
export const FRAME_POOL_BYTES_MIN = 64 * 1024;
/** Released frame buffers kept per assembler, in bytes of capacity (a few 1 MB produce requests). */
export const FRAME_POOL_BYTES_MAX_DEFAULT = 16 * 1024 * 1024;

export interface FrameAssemblerOptions {
  /** Largest frame body accepted, in bytes (default 100 MiB). */
  readonly requestBytesMax?: number;
  /** Capacity of released frame buffers kept for reuse, in bytes (default 16 MiB; 0 keeps none). */
  readonly framePoolBytesMax?: number;
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
  /** The large frame being filled as its bytes arrive (startAssembly), and how much of it is. */
  private assembling: Buffer | null = null;
  private assembled = 0;
  readonly framePoolBytesMax: number;
  /** Released frame buffers, ready for the next frame of their capacity. */
  private free: Buffer[] = [];
  private freeBytes = 0;
  /** Pooled buffers handed out in a frame and not yet released: what `release` accepts. */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  constructor(options: FrameAssemblerOptions = {}) {
    const max = options.requestBytesMax ?? REQUEST_BYTES_MAX_DEFAULT;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fff_ffff) throw new RangeError(`requestBytesMax ${max} is not an int32 byte count`);
    this.requestBytesMax = max;
    const poolMax = options.framePoolBytesMax ?? FRAME_POOL_BYTES_MAX_DEFAULT;
    if (!Number.isSafeInteger(poolMax) || poolMax < 0) throw new RangeError(`framePoolBytesMax ${poolMax} is not a byte count`);
    this.framePoolBytesMax = poolMax;
  }

  /** Capacity of released frame buffers held for reuse, in bytes. */
  get pooledBytes(): number {
    return this.freeBytes;
  }

  /**
   * Gives back the memory of a frame this assembler handed out, once nothing refers to its bytes
   * (not even views of it). A frame that was not a pooled copy (a view into a socket chunk, a small
   * copy) or that was already released is ignored, so a caller may release every frame it owns.
   */
  release(frame: Buffer): void {
    const backing = frame.buffer;
    if (!this.lent.has(backing)) return;
    this.lent.delete(backing);
    if (this.freeBytes + backing.byteLength > this.framePoolBytesMax) return;
    this.free.push(Buffer.from(backing, 0, backing.byteLength));
    this.freeBytes += backing.byteLength;
  }

  /** Bytes received and not yet handed out (bounded by requestBytesMax plus one chunk). */
  get bufferedBytes(): number {
    return this.buffered + this.assembled;
  }

  push(chunk: Buffer): void {
    if (this.failure !== null) throw this.failure;
    if (chunk.length === 0) return;
    let rest = chunk;
    if (this.assembling !== null) {
      // A large frame being assembled takes its bytes straight away, so the chunk can go.
      const count = Math.min(this.frameBytes - this.assembled, chunk.length);
      chunk.copy(this.assembling, this.assembled, 0, count);
      this.assembled += count;
      if (count === chunk.length) return;
      rest = chunk.subarray(count);
    }
    this.chunks.push(rest);
    this.buffered += rest.length;
    if (this.assembling !== null) return; // the next frame's size is read once this one is out
    // Check the size as soon as it is known, before more of an oversized body is buffered.
    if (this.frameBytes === NO_FRAME) this.readSize();
    this.startAssembly();
  }

  /** The next whole frame (without its size prefix), or null until more bytes arrive. */
  next(): Buffer | null {
    if (this.failure !== null) throw this.failure;
    if (this.assembling !== null) {
      if (this.assembled < this.frameBytes) return null;
      const frame = this.assembling;
      this.assembling = null;
      this.assembled = 0;
      this.frameBytes = NO_FRAME;
      return frame;
    }
    if (this.frameBytes === NO_FRAME && !this.readSize()) return null;
    if (this.buffered < this.frameBytes) {
      this.startAssembly();
      return null;
    }
    const frame = this.take(this.frameBytes);
    this.frameBytes = NO_FRAME;
    return frame;
  }

  /**
   * Once the size of a poolable frame is known and its bytes span chunks, moves what has arrived
   * into its (pooled) buffer; push() copies the rest in as it comes. Size first, allocate once.
   */
  private startAssembly(): void {
    const n = this.frameBytes;
    if (n === NO_FRAME || this.buffered >= n || n < FRAME_POOL_BYTES_MIN || this.framePoolBytesMax === 0) return;
    const out = this.allocate(n);
    const count = this.buffered;
    this.copyOut(out, count);
    this.assembling = out;
    this.assembled = count;
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
    this.assembling = null;
    this.assembled = 0;
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
    const out = this.allocate(n);
    this.copyOut(out, n);
    return out;
  }

  /** Moves the first `n` buffered bytes into out[0, n). */
  private copyOut(out: Buffer, n: number): void {
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head] as Buffer;
      const count = Math.min(n - filled, chunk.length - this.headOffset);
      chunk.copy(out, filled, this.headOffset, this.headOffset + count);
      filled += count;
      this.advance(count);
    }
  }

  /** `n` bytes for a frame that spans chunks: from the free list when it is large enough to pool. */
  private allocate(n: number): Buffer {
    if (n < FRAME_POOL_BYTES_MIN || this.framePoolBytesMax === 0) return Buffer.allocUnsafe(n);
    const capacity = poolCapacity(n);
    let buf: Buffer | undefined;
    for (let i = this.free.length - 1; i >= 0; i--) {
      const candidate = this.free[i] as Buffer;
      if (candidate.length !== capacity) continue;
      buf = candidate;
      this.free[i] = this.free[this.free.length - 1] as Buffer;
      this.free.pop();
      this.freeBytes -= capacity;
      break;
    }
    // Long-lived and reused: its own memory, not a slice of Node's shared pool (STYLE 8.5).
    buf ??= Buffer.allocUnsafeSlow(capacity);
    this.lent.add(buf.buffer);
    return buf.subarray(0, n);
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

/** The power of two at or above `n`: one capacity serves frames from half of it up to all of it. */
function poolCapacity(n: number): number {
  return n <= 1 ? 1 : 2 ** Math.ceil(Math.log2(n));
}
