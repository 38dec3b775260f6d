import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaCodecError, KafkaCodecErrorCode } from '../../../../src/protocols/kafka/codec/codec-error.js';
import { FRAME_POOL_BYTES_MIN, FrameAssembler, REQUEST_BYTES_MAX_DEFAULT } from '../../../../src/protocols/kafka/framing.js';

function frameOf(body: Buffer): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(body.length);
  return Buffer.concat([prefix, body]);
}

function patterned(length: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff));
}

const BODIES = [patterned(10, 1), Buffer.alloc(0), patterned(1, 2), patterned(300, 3), patterned(7, 4)];
const STREAM = Buffer.concat(BODIES.map(frameOf));

function drain(assembler: FrameAssembler, out: Buffer[]): void {
  for (let f = assembler.next(); f !== null; f = assembler.next()) out.push(Buffer.from(f));
}

test('a sequence of frames split at every byte boundary comes out whole and in order', () => {
  for (let cut = 0; cut <= STREAM.length; cut++) {
    const assembler = new FrameAssembler();
    const frames: Buffer[] = [];
    assembler.push(STREAM.subarray(0, cut));
    drain(assembler, frames);
    assembler.push(STREAM.subarray(cut));
    drain(assembler, frames);
    assert.deepEqual(frames, BODIES, `cut at ${cut}`);
    assert.equal(assembler.bufferedBytes, 0);
  }
});

test('a sequence of frames split at every pair of byte boundaries comes out whole', () => {
  for (let a = 1; a < STREAM.length; a += 3) {
    for (let b = a; b < STREAM.length; b += 5) {
      const assembler = new FrameAssembler();
      const frames: Buffer[] = [];
      for (const part of [STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]) {
        assembler.push(part);
        drain(assembler, frames);
      }
      assert.deepEqual(frames, BODIES, `cuts at ${a} and ${b}`);
    }
  }
});

test('one byte at a time', () => {
  const assembler = new FrameAssembler();
  const frames: Buffer[] = [];
  for (let i = 0; i < STREAM.length; i++) {
    assembler.push(STREAM.subarray(i, i + 1));
    drain(assembler, frames);
  }
  assert.deepEqual(frames, BODIES);
});

test('a frame inside one chunk is a view of it; a frame across chunks is a copy', () => {
  const chunk = frameOf(patterned(50, 9));
  const assembler = new FrameAssembler();
  assembler.push(chunk);
  const view = assembler.next();
  assert.ok(view !== null);
  assert.ok(view.buffer === chunk.buffer && view.byteOffset === chunk.byteOffset + 4, 'a view into the chunk');

  const first = Buffer.from(chunk.subarray(0, 20));
  const second = Buffer.from(chunk.subarray(20));
  const split = new FrameAssembler();
  split.push(first);
  assert.equal(split.next(), null);
  split.push(second);
  const copy = split.next();
  assert.ok(copy !== null);
  assert.ok(copy.equals(chunk.subarray(4)));
  first.fill(0);
  second.fill(0);
  assert.ok(copy.equals(chunk.subarray(4)), 'a copy: independent of the chunks it came from');
});

test('a declared size above requestBytesMax is refused from the 4-byte prefix alone', () => {
  const assembler = new FrameAssembler({ requestBytesMax: 1000 });
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(1001);
  assert.throws(() => assembler.push(prefix), (err: unknown) => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.FRAME_TOO_LARGE);
  assert.equal(assembler.bufferedBytes, 0, 'nothing kept');
  // The stream cannot be re-framed after that: the session closes the connection.
  assert.throws(() => assembler.push(Buffer.alloc(10)), KafkaCodecError);
  assert.throws(() => assembler.next(), KafkaCodecError);
});

test('the size check also works when the prefix itself is split', () => {
  const assembler = new FrameAssembler({ requestBytesMax: 1000 });
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(0x7fff_ffff);
  assembler.push(prefix.subarray(0, 3));
  assert.equal(assembler.next(), null);
  assert.throws(() => assembler.push(prefix.subarray(3)), (err: unknown) => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.FRAME_TOO_LARGE);
});

test('an oversized frame after a good one is refused when it is reached, the good one is delivered', () => {
  const assembler = new FrameAssembler({ requestBytesMax: 100 });
  const bad = Buffer.alloc(4);
  bad.writeInt32BE(101);
  assembler.push(Buffer.concat([frameOf(patterned(100, 1)), bad]));
  assert.deepEqual(assembler.next(), patterned(100, 1), 'exactly requestBytesMax is accepted');
  assert.throws(() => assembler.next(), (err: unknown) => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.FRAME_TOO_LARGE);
});

test('a negative size is refused', () => {
  const assembler = new FrameAssembler();
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(-1);
  assert.throws(() => assembler.push(prefix), (err: unknown) => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.FRAME_SIZE_INVALID);
});

test('defaults to Kafka socket.request.max.bytes and rejects impossible limits', () => {
  assert.equal(new FrameAssembler().requestBytesMax, 100 * 1024 * 1024);
  assert.equal(REQUEST_BYTES_MAX_DEFAULT, 104857600);
  assert.throws(() => new FrameAssembler({ requestBytesMax: -1 }), RangeError);
  assert.throws(() => new FrameAssembler({ requestBytesMax: 2 ** 31 }), RangeError);
});

test('many small chunks do not pile up: spent chunks are dropped', () => {
  const assembler = new FrameAssembler();
  const body = patterned(5000, 5);
  const stream = frameOf(body);
  for (let i = 0; i < stream.length; i += 7) assembler.push(stream.subarray(i, i + 7));
  assert.deepEqual(assembler.next(), body);
  assert.equal(assembler.bufferedBytes, 0);
  assert.equal(assembler.next(), null);
});

/** Pushes `stream` in chunks of `chunkBytes` (as a socket delivers a large request) and returns the frames. */
function framesOf(assembler: FrameAssembler, stream: Buffer, chunkBytes: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += chunkBytes) {
    assembler.push(Buffer.from(stream.subarray(i, i + chunkBytes)));
    for (let f = assembler.next(); f !== null; f = assembler.next()) out.push(f);
  }
  return out;
}

test('a released large frame lends its memory to the next large frame; its bytes are the new frame\'s', () => {
  const assembler = new FrameAssembler();
  const a = patterned(FRAME_POOL_BYTES_MIN + 1000, 1);
  const b = patterned(FRAME_POOL_BYTES_MIN + 3000, 2);
  const [first] = framesOf(assembler, frameOf(a), 16 * 1024);
  assert.ok(first !== undefined && first.equals(a));
  assert.equal(assembler.pooledBytes, 0);
  assembler.release(first);
  assert.equal(assembler.pooledBytes, 2 * FRAME_POOL_BYTES_MIN, 'capacity rounded up to a power of two');
  assembler.release(first); // a second release is ignored
  assert.equal(assembler.pooledBytes, 2 * FRAME_POOL_BYTES_MIN);
  const [second] = framesOf(assembler, frameOf(b), 16 * 1024);
  assert.ok(second !== undefined && second.equals(b));
  assert.equal(second.buffer, first.buffer, 'the same memory');
  assert.equal(assembler.pooledBytes, 0);
  // Released twice before: still lent only once, so a third frame does not share it with `second`.
  const [third] = framesOf(assembler, frameOf(a), 16 * 1024);
  assert.ok(third !== undefined && third.equals(a));
  assert.notEqual(third.buffer, second.buffer);
  assert.ok(second.equals(b), 'a frame in use is never handed out again');
});

test('release ignores views into socket chunks and small copies, so no chunk memory is ever reused', () => {
  const assembler = new FrameAssembler();
  const chunk = Buffer.concat([frameOf(patterned(FRAME_POOL_BYTES_MIN + 10, 3)), frameOf(patterned(30, 4))]);
  assembler.push(chunk);
  const big = assembler.next();
  const small = assembler.next();
  assert.ok(big !== null && small !== null && big.buffer === chunk.buffer);
  assembler.release(big);
  assembler.release(small);
  const [copied] = framesOf(assembler, frameOf(patterned(100, 5)), 7);
  assert.ok(copied !== undefined);
  assembler.release(copied);
  assert.equal(assembler.pooledBytes, 0);
});

test('the pool keeps at most framePoolBytesMax of released memory, and none when it is 0', () => {
  const body = patterned(FRAME_POOL_BYTES_MIN, 6);
  const stream = Buffer.concat([frameOf(body), frameOf(body), frameOf(body)]);
  const assembler = new FrameAssembler({ framePoolBytesMax: 2 * FRAME_POOL_BYTES_MIN });
  const frames = framesOf(assembler, stream, 1000);
  assert.equal(frames.length, 3);
  for (const f of frames) assembler.release(f);
  assert.equal(assembler.pooledBytes, 2 * FRAME_POOL_BYTES_MIN);
  const none = new FrameAssembler({ framePoolBytesMax: 0 });
  for (const f of framesOf(none, stream, 1000)) none.release(f);
  assert.equal(none.pooledBytes, 0);
  assert.throws(() => new FrameAssembler({ framePoolBytesMax: -1 }), RangeError);
});

test('large frames assembled as chunks arrive come out whole, with small frames around them, at any chunking', () => {
  const bodies = [patterned(FRAME_POOL_BYTES_MIN + 17, 7), patterned(5, 8), patterned(3 * FRAME_POOL_BYTES_MIN, 9), Buffer.alloc(0), patterned(FRAME_POOL_BYTES_MIN, 10)];
  const stream = Buffer.concat(bodies.map(frameOf));
  for (const chunkBytes of [1, 3, 1000, 4093, FRAME_POOL_BYTES_MIN - 1, FRAME_POOL_BYTES_MIN + 21, 3 * FRAME_POOL_BYTES_MIN + 9, stream.length]) {
    const assembler = new FrameAssembler();
    const frames = framesOf(assembler, stream, chunkBytes).map((f) => Buffer.from(f));
    assert.deepEqual(frames, bodies, `chunks of ${chunkBytes}`);
    assert.equal(assembler.bufferedBytes, 0);
  }
});

test('while a large frame is assembled, bytesBuffered counts it, and an oversized next frame is refused once it is out', () => {
  const big = patterned(FRAME_POOL_BYTES_MIN * 2, 11);
  const bad = Buffer.alloc(4);
  bad.writeInt32BE(FRAME_POOL_BYTES_MIN * 4);
  const stream = Buffer.concat([frameOf(big), bad]);
  const assembler = new FrameAssembler({ requestBytesMax: FRAME_POOL_BYTES_MIN * 3 });
  assembler.push(stream.subarray(0, 1000));
  assert.equal(assembler.next(), null);
  assert.equal(assembler.bufferedBytes, 996);
  assembler.push(stream.subarray(1000));
  const frame = assembler.next();
  assert.ok(frame !== null && frame.equals(big));
  assert.throws(() => assembler.next(), (err: unknown) => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.FRAME_TOO_LARGE);
});
