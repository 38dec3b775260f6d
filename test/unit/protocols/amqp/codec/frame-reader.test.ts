import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmqpFrameError, FrameReader, type AmqpFrame } from '../../../../../src/protocols/amqp/codec/frame-reader.js';
import { checkProtocolHeader, PROTOCOL_HEADER } from '../../../../../src/protocols/amqp/codec/protocol-header.js';
import { encodeMethodFrame } from '../../../../../src/protocols/amqp/codec/method-codec.js';
import { encodeContentFrames } from '../../../../../src/protocols/amqp/codec/content-frames.js';
import { HEARTBEAT_FRAME } from '../../../../../src/protocols/amqp/codec/frame-constants.js';
import { encodeBasicProperties } from '../../../../../src/formats/amqp/basic-properties.js';

function stream(): Buffer {
  return Buffer.concat([
    encodeMethodFrame(1, { name: 'basic.publish', exchange: 'ex', routingKey: 'rk', mandatory: false, immediate: false }),
    encodeContentFrames(1, encodeBasicProperties({ deliveryMode: 2 }), Buffer.alloc(9000, 7), 4096),
    HEARTBEAT_FRAME,
    encodeMethodFrame(0, { name: 'connection.close-ok' }),
  ]);
}

const summary = (frames: AmqpFrame[]) => frames.map((f) => `${f.type}/${f.channel}/${f.payload.length}`);
const EXPECTED = ['1/1/13', '2/1/15', '3/1/4088', '3/1/4088', '3/1/824', '8/0/0', '1/0/4'];

function drain(reader: FrameReader): AmqpFrame[] {
  return [...reader.frames()];
}

describe('frame reader', () => {
  it('reads many frames from one chunk as views of it (no copy)', () => {
    const bytes = stream();
    const reader = new FrameReader();
    reader.push(bytes);
    const frames = drain(reader);
    assert.deepEqual(summary(frames), EXPECTED);
    for (const f of frames) assert.equal(f.payload.buffer, bytes.buffer, 'a view into the chunk');
    assert.equal(reader.bufferedBytes, 0);
  });

  it('reads the same frames however the stream is split: at every byte, and byte by byte', () => {
    const bytes = stream();
    for (let cut = 0; cut <= bytes.length; cut += 1 + (cut % 97)) {
      const reader = new FrameReader();
      reader.push(bytes.subarray(0, cut));
      const frames = drain(reader);
      reader.push(bytes.subarray(cut));
      frames.push(...drain(reader));
      assert.deepEqual(summary(frames), EXPECTED, `cut at ${cut}`);
    }
    const reader = new FrameReader();
    const frames: AmqpFrame[] = [];
    for (let i = 0; i < bytes.length; i++) {
      reader.push(bytes.subarray(i, i + 1));
      frames.push(...drain(reader));
    }
    assert.deepEqual(summary(frames), EXPECTED);
    assert.deepEqual(Buffer.concat(frames.filter((f) => f.type === 3).map((f) => f.payload)), Buffer.alloc(9000, 7));
  });

  it('refuses a frame larger than frame-max before buffering its payload, with 501', () => {
    const reader = new FrameReader(4096);
    reader.push(Buffer.from([3, 0, 1, 0, 0, 0x0f, 0xf9])); // 4089 > 4096 - 8
    assert.throws(() => reader.next(), (e: unknown) => e instanceof AmqpFrameError && e.kind === 'FRAME_TOO_LARGE' && e.replyCode === 501 && e.code === 'WHARF_ERR_AMQP_FRAME');
    assert.throws(() => reader.next(), AmqpFrameError, 'stays failed');
    const tuned = new FrameReader(4096);
    tuned.setFrameMax(131072);
    tuned.push(Buffer.from([3, 0, 1, 0, 0, 0x0f, 0xf9]));
    assert.equal(tuned.next(), undefined, 'within the tuned limit it waits for the payload');
    assert.throws(() => new FrameReader(0), RangeError);
  });

  it('refuses a bad frame-end octet and an unknown frame type, with 501', () => {
    const bad = Buffer.from(HEARTBEAT_FRAME);
    bad[7] = 0xcd;
    const r1 = new FrameReader();
    r1.push(bad);
    assert.throws(() => r1.next(), (e: unknown) => e instanceof AmqpFrameError && e.kind === 'FRAME_END' && e.replyCode === 501);
    for (const type of [0, 4, 9, 0x41]) {
      const r2 = new FrameReader();
      r2.push(Buffer.from([type, 0, 0, 0, 0, 0, 0, 0xce]));
      assert.throws(() => r2.next(), (e: unknown) => e instanceof AmqpFrameError && e.kind === 'UNKNOWN_FRAME_TYPE' && e.replyCode === 501, `type ${type}`);
    }
  });

  it('refuses a frame-end octet missing in a frame that spans chunks', () => {
    const frame = Buffer.from(encodeMethodFrame(0, { name: 'connection.close-ok' }));
    frame[frame.length - 1] = 0;
    const reader = new FrameReader();
    reader.push(frame.subarray(0, 5));
    assert.equal(reader.next(), undefined);
    reader.push(frame.subarray(5));
    assert.throws(() => reader.next(), (e: unknown) => e instanceof AmqpFrameError && e.kind === 'FRAME_END');
  });
});

describe('protocol header', () => {
  it('accepts AMQP 0-9-1 and waits while the bytes are a prefix of it', () => {
    assert.equal(checkProtocolHeader(PROTOCOL_HEADER), 'ok');
    assert.equal(checkProtocolHeader(Buffer.concat([PROTOCOL_HEADER, Buffer.from([1, 2])])), 'ok');
    for (let n = 0; n < 8; n++) assert.equal(checkProtocolHeader(PROTOCOL_HEADER.subarray(0, n)), 'need-more-bytes');
  });

  it('refuses AMQP 0-9 (AMQP 1 1 0 9), 0-10, 1.0, HTTP and TLS', () => {
    for (const bytes of [Buffer.from('AMQP\x01\x01\x00\x09', 'latin1'), Buffer.from('AMQP\x01\x01\x00\x0a', 'latin1'), Buffer.from('AMQP\x00\x01\x00\x00', 'latin1'),
      Buffer.from('AMQP\x03\x01\x00\x00', 'latin1'), Buffer.from('GET / HTTP/1.1\r\n'), Buffer.from([0x16, 0x03, 0x01]), Buffer.from('AMQX')]) {
      assert.equal(checkProtocolHeader(bytes), 'wrong-protocol', bytes.toString('latin1'));
    }
  });
});
