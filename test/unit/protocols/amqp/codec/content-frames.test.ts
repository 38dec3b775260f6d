import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BODY_COPY_BYTES_MAX, decodeContentHeader, encodeContentFrames, encodeDelivery, encodeGetOk, encodeReturn, type FrameBytes,
} from '../../../../../src/protocols/amqp/codec/content-frames.js';
import { FrameReader, type AmqpFrame } from '../../../../../src/protocols/amqp/codec/frame-reader.js';
import { decodeMethod } from '../../../../../src/protocols/amqp/codec/method-codec.js';
import { decodeBasicProperties, encodeBasicProperties } from '../../../../../src/formats/amqp/basic-properties.js';
import { tableFromPlain } from '../../../../../src/formats/amqp/field-table.js';
import { isWharfError } from '../../../../../src/util/wharf-error.js';

const properties = encodeBasicProperties({ contentType: 'text/plain', headers: tableFromPlain({ a: 1 }), deliveryMode: 2 });

function frames(out: FrameBytes, frameMax = 131072): AmqpFrame[] {
  const reader = new FrameReader(frameMax);
  for (const part of Array.isArray(out) ? out : [out]) reader.push(part);
  const all = [...reader.frames()];
  assert.equal(reader.bufferedBytes, 0);
  return all;
}

function checkContent(all: AmqpFrame[], channel: number, body: Buffer, frameMax: number): void {
  const header = decodeContentHeader((all[1] as AmqpFrame).payload);
  assert.equal(header.classId, 60);
  assert.equal(header.bodySize, body.length);
  assert.deepEqual(header.properties, properties, 'properties copied as they are');
  const bodies = all.slice(2);
  for (const f of bodies) {
    assert.equal(f.type, 3);
    assert.equal(f.channel, channel);
    assert.ok(f.payload.length <= frameMax - 8 && f.payload.length > 0);
  }
  assert.equal(bodies.length, Math.ceil(body.length / (frameMax - 8)));
  assert.deepEqual(Buffer.concat(bodies.map((f) => f.payload)), body);
}

describe('content frames', () => {
  for (const size of [0, 1, 4088, 4089, BODY_COPY_BYTES_MAX, BODY_COPY_BYTES_MAX + 1, 100_000]) {
    it(`encodes a delivery with a ${size}-byte body at frame-max 4096 (${size > BODY_COPY_BYTES_MAX ? 'slices for writev' : 'one buffer'})`, () => {
      const body = Buffer.alloc(size);
      for (let i = 0; i < size; i++) body[i] = i % 251;
      const out = encodeDelivery(3, 'ctag', 2 ** 53 - 1, true, 'ex', 'rk', properties, body, 4096);
      assert.equal(Array.isArray(out), size > BODY_COPY_BYTES_MAX);
      if (Array.isArray(out)) assert.ok(out.some((part) => part.buffer === body.buffer), 'body slices are not copied');
      const all = frames(out, 4096);
      assert.deepEqual(decodeMethod((all[0] as AmqpFrame).payload), { name: 'basic.deliver', consumerTag: 'ctag', deliveryTag: 2 ** 53 - 1, redelivered: true, exchange: 'ex', routingKey: 'rk' });
      checkContent(all, 3, body, 4096);
    });
  }

  it('encodes basic.get-ok and basic.return with their content', () => {
    const body = Buffer.from('payload');
    const getOk = frames(encodeGetOk(2, 42, false, '', 'q', 7, properties, body, 131072));
    assert.deepEqual(decodeMethod((getOk[0] as AmqpFrame).payload), { name: 'basic.get-ok', deliveryTag: 42, redelivered: false, exchange: '', routingKey: 'q', messageCount: 7 });
    checkContent(getOk, 2, body, 131072);
    const ret = frames(encodeReturn(2, 312, 'NO_ROUTE', 'ex', 'nowhere', properties, body, 131072));
    assert.deepEqual(decodeMethod((ret[0] as AmqpFrame).payload), { name: 'basic.return', replyCode: 312, replyText: 'NO_ROUTE', exchange: 'ex', routingKey: 'nowhere' });
    checkContent(ret, 2, body, 131072);
  });

  it('treats frame-max 0 as no limit and refuses one below 4096', () => {
    const body = Buffer.alloc(10_000);
    assert.equal(frames(encodeDelivery(1, 'c', 1, false, '', 'q', properties, body, 0)).length, 3);
    assert.throws(() => encodeDelivery(1, 'c', 1, false, '', 'q', properties, body, 100), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
    assert.throws(() => encodeDelivery(1, 'c'.repeat(256), 1, false, '', 'q', properties, body, 0), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
    assert.throws(() => encodeDelivery(1, 'c', 2 ** 53, false, '', 'q', properties, body, 0), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_UNENCODABLE'));
  });

  it('encodes header and body frames alone, as a publisher sends them', () => {
    const body = Buffer.alloc(5000, 1);
    const reader = new FrameReader();
    reader.push(encodeContentFrames(4, properties, body, 4096));
    const all = [{ type: 1, channel: 4, payload: Buffer.alloc(0) }, ...reader.frames()];
    checkContent(all, 4, body, 4096);
  });

  it('decodes a content header, refusing truncation and body sizes above 2^53', () => {
    const payload = Buffer.concat([Buffer.from([0, 60, 0, 0, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), properties]);
    const header = decodeContentHeader(payload);
    assert.equal(header.bodySize, 2 ** 53 - 1);
    assert.equal(header.properties.buffer, payload.buffer, 'properties are a view');
    assert.deepEqual(decodeBasicProperties(header.properties).deliveryMode, 2);
    payload[5] = 0x20;
    assert.throws(() => decodeContentHeader(payload), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'));
    for (let end = 0; end < 14; end++) {
      assert.throws(() => decodeContentHeader(payload.subarray(0, end)), (e: unknown) => isWharfError(e, 'WHARF_ERR_AMQP_MALFORMED'), `cut at ${end}`);
    }
  });
});
