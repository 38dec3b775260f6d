// Frames written out by hand from the AMQP 0-9-1 spec (§4.2.3 frame layout, the method table's
// argument order, §4.2.6 content), so the codec is checked against the spec and not against itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMethod, encodeMethodFrame } from '../../../../../src/protocols/amqp/codec/method-codec.js';
import { encodeDelivery } from '../../../../../src/protocols/amqp/codec/content-frames.js';
import { encodeBasicAck, encodeBasicNack } from '../../../../../src/protocols/amqp/codec/ack-frames.js';
import { HEARTBEAT_FRAME } from '../../../../../src/protocols/amqp/codec/frame-constants.js';
import { encodeBasicProperties } from '../../../../../src/formats/amqp/basic-properties.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const join = (parts: Buffer | Buffer[]) => (Array.isArray(parts) ? Buffer.concat(parts) : parts);

describe('known vectors', () => {
  it('connection.tune 2047 / 131072 / 60 on channel 0', () => {
    const expected = hex('01 0000 0000000c  000a 001e  07ff 00020000 003c  ce');
    assert.deepEqual(encodeMethodFrame(0, { name: 'connection.tune', channelMax: 2047, frameMax: 131072, heartbeat: 60 }), expected);
    assert.deepEqual(decodeMethod(expected.subarray(7, -1)), { name: 'connection.tune', channelMax: 2047, frameMax: 131072, heartbeat: 60 });
  });

  it('basic.publish exchange "ex", routing key "rk", mandatory, on channel 1', () => {
    const expected = hex('01 0001 0000000d  003c 0028  0000 02 6578 02 726b 01  ce');
    assert.deepEqual(encodeMethodFrame(1, { name: 'basic.publish', exchange: 'ex', routingKey: 'rk', mandatory: true, immediate: false }), expected);
    assert.deepEqual(decodeMethod(expected.subarray(7, -1)), { name: 'basic.publish', exchange: 'ex', routingKey: 'rk', mandatory: true, immediate: false });
  });

  it('connection.open "/" with its reserved arguments', () => {
    assert.deepEqual(encodeMethodFrame(0, { name: 'connection.open', virtualHost: '/' }), hex('01 0000 00000008  000a 0028  01 2f 00 00  ce'));
  });

  it('basic.deliver + content header + a 5000-byte body split at frame-max 4096', () => {
    const body = Buffer.alloc(5000, 0x61);
    const properties = encodeBasicProperties({ deliveryMode: 2 });
    assert.deepEqual(properties, hex('1000 02'));
    const expected = Buffer.concat([
      hex('01 0001 00000012  003c 003c  01 63  0000000000000001  00  00  01 71  ce'),
      hex('02 0001 0000000f  003c 0000 0000000000001388  1000 02  ce'),
      hex('03 0001 00000ff8'), body.subarray(0, 4088), hex('ce'),
      hex('03 0001 00000390'), body.subarray(4088), hex('ce'),
    ]);
    assert.deepEqual(join(encodeDelivery(1, 'c', 1, false, '', 'q', properties, body, 4096)), expected);
  });

  it('basic.ack / basic.nack for publisher confirms', () => {
    assert.deepEqual(encodeBasicAck(1, 2 ** 32 + 5, true), hex('01 0001 0000000d  003c 0050  0000000100000005 01  ce'));
    assert.deepEqual(encodeBasicNack(1, 7, false), hex('01 0001 0000000d  003c 0078  0000000000000007 02  ce'));
  });

  it('the heartbeat frame', () => {
    assert.deepEqual(HEARTBEAT_FRAME, hex('08 0000 00000000 ce'));
  });
});
