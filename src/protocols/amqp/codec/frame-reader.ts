// Cuts the inbound byte stream into frames. Chunks are kept as they arrive and a frame that lies
// inside one chunk is handed out as a view of it (no copy); only a frame spanning chunks is copied
// into a buffer of its exact size. The declared size is checked against frame-max before anything
// is buffered for it (§4.2.3), so a hostile size costs nothing.
import { AmqpErrorCode, AmqpFormatError, CodecReplyCode } from '../../../formats/amqp/amqp-format-error.js';
import { FRAME_END, FRAME_HEADER_BYTES, FRAME_MIN_SIZE, FRAME_OVERHEAD_BYTES } from './frame-constants.js';

export interface AmqpFrame {
  /** 1 method, 2 content header, 3 body, 8 heartbeat. */
  type: number;
  channel: number;
  /** A view into the received bytes: copy anything that must outlive the next chunks. */
  payload: Buffer;
}

export type FrameErrorKind = 'FRAME_TOO_LARGE' | 'FRAME_END' | 'UNKNOWN_FRAME_TYPE';

/** A framing failure; the session closes the connection with `replyCode` (501 FRAME_ERROR) and the message. */
export class AmqpFrameError extends AmqpFormatError {
  readonly kind: FrameErrorKind;

  constructor(kind: FrameErrorKind, message: string) {
    super(AmqpErrorCode.FRAME, message, CodecReplyCode.FRAME_ERROR);
    this.name = 'AmqpFrameError';
    this.kind = kind;
  }
}

const KNOWN_TYPE = new Uint8Array(256);
KNOWN_TYPE[1] = KNOWN_TYPE[2] = KNOWN_TYPE[3] = KNOWN_TYPE[8] = 1;

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Index of the first chunk still holding unread bytes (chunks before it are spent). */
  private head = 0;
  /** Read position inside chunks[head]. */
  private headOffset = 0;
  private buffered = 0;
  private payloadBytesMax: number;
  private failure: AmqpFrameError | null = null;

  /** Until tune-ok the spec allows frames of FRAME-MIN-SIZE (4096) bytes. */
  constructor(frameMax: number = FRAME_MIN_SIZE) {
    this.payloadBytesMax = FrameReader.payloadMax(frameMax);
  }

  private static payloadMax(frameMax: number): number {
    if (!Number.isInteger(frameMax) || frameMax < FRAME_MIN_SIZE || frameMax > 0xffffffff) {
      throw new RangeError(`frameMax ${frameMax} must be an integer in ${FRAME_MIN_SIZE}..2^32-1; the session resolves 0 ("no limit") to its own limit`);
    }
    return frameMax - FRAME_OVERHEAD_BYTES;
  }

  /** After connection.tune-ok: the negotiated frame-max (whole frame, header and end included). */
  setFrameMax(frameMax: number): void {
    this.payloadBytesMax = FrameReader.payloadMax(frameMax);
  }

  /** Bytes received and not yet handed out as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next whole frame, or undefined until more bytes arrive. Throws AmqpFrameError, then again on every call. */
  next(): AmqpFrame | undefined {
    if (this.failure !== null) throw this.failure;
    if (this.buffered < FRAME_HEADER_BYTES) return undefined;
    const type = this.peek(0);
    if (KNOWN_TYPE[type] !== 1) return this.fail('UNKNOWN_FRAME_TYPE', `unknown frame type ${type}`);
    const channel = this.peek(1) * 256 + this.peek(2);
    const size = ((this.peek(3) * 256 + this.peek(4)) * 256 + this.peek(5)) * 256 + this.peek(6);
    if (size > this.payloadBytesMax) {
      return this.fail('FRAME_TOO_LARGE', `frame of ${size} payload bytes exceeds the negotiated frame-max of ${this.payloadBytesMax + FRAME_OVERHEAD_BYTES} bytes`);
    }
    const frameBytes = size + FRAME_OVERHEAD_BYTES;
    if (this.buffered < frameBytes) return undefined;
    const chunk = this.chunks[this.head] as Buffer;
    let frame: Buffer;
    let at: number;
    if (chunk.length - this.headOffset >= frameBytes) {
      frame = chunk;
      at = this.headOffset;
      this.headOffset += frameBytes;
      this.buffered -= frameBytes;
      if (this.headOffset === chunk.length) this.dropHead();
    } else {
      frame = this.take(frameBytes);
      at = 0;
    }
    if (frame[at + frameBytes - 1] !== FRAME_END) {
      return this.fail('FRAME_END', `frame-end octet is 0x${(frame[at + frameBytes - 1] as number).toString(16)}, not 0xce`);
    }
    return { type, channel, payload: frame.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + size) };
  }

  /** Every whole frame buffered now. */
  *frames(): IterableIterator<AmqpFrame> {
    for (let f = this.next(); f !== undefined; f = this.next()) yield f;
  }

  private fail(kind: FrameErrorKind, message: string): never {
    this.failure = new AmqpFrameError(kind, message);
    throw this.failure;
  }

  /** The byte i positions past the read position (i < buffered). */
  private peek(i: number): number {
    let c = this.head;
    let off = this.headOffset + i;
    for (;;) {
      const chunk = this.chunks[c] as Buffer;
      if (off < chunk.length) return chunk[off] as number;
      off -= chunk.length;
      c++;
    }
  }

  private dropHead(): void {
    this.head++;
    this.headOffset = 0;
    // Compact now and then instead of shifting the array per frame.
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head >= 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Copies n bytes spanning chunks into one buffer and consumes them. */
  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head] as Buffer;
      const copied = chunk.copy(out, filled, this.headOffset, Math.min(chunk.length, this.headOffset + n - filled));
      filled += copied;
      this.headOffset += copied;
      if (this.headOffset === chunk.length) this.dropHead();
    }
    this.buffered -= n;
    return out;
  }
}
