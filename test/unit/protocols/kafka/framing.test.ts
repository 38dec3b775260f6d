import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaCodecError, KafkaCodecErrorCode } from '../../../../src/protocols/kafka/codec/codec-error.js';
import { FrameAssembler, REQUEST_BYTES_MAX_DEFAULT } from '../../../../src/protocols/kafka/framing.js';

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
