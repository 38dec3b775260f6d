// Bad input over raw sockets gets the AMQP answer the spec and RabbitMQ give, and hurts nobody
// else: a wrong protocol header is answered with our own header and a close; a wrong frame-end
// octet or a frame above the negotiated frame_max is 501 FRAME_ERROR; a method on a channel that
// was never opened is 504 CHANNEL_ERROR; content frames out of place are 505 UNEXPECTED_FRAME.
// After each, the broker still serves a fresh amqplib connection and a message confirmed before
// is still in its durable queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBasicProperties } from '../../../src/formats/amqp/basic-properties.js';
import { FrameType, PROTOCOL_HEADER, encodeContentFrames, encodeMethodFrame, encodeMethodPayload } from '../../../src/protocols/amqp/codec/index.js';
import { publishConfirmed, withAmqpBroker, type AmqpTestBroker } from '../../helpers/amqp-broker.js';
import { RawAmqpClient, rawFrame } from '../../helpers/amqp-raw-client.js';
import { waitFor } from '../../helpers/wait-for.js';

const SURVIVOR = 'survivor';

async function brokerWithSurvivor(t: Parameters<typeof withAmqpBroker>[0]): Promise<AmqpTestBroker> {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createConfirmChannel();
  await ch.assertQueue(SURVIVOR, { durable: true });
  await publishConfirmed(ch, '', SURVIVOR, ['confirmed-before'], { persistent: true });
  return broker;
}

/** A new amqplib connection works and the confirmed message is still there (peeked, then requeued). */
async function assertBrokerStillServes(broker: AmqpTestBroker): Promise<void> {
  const conn = await broker.connect();
  const ch = await conn.createChannel();
  const m = await ch.get(SURVIVOR);
  assert.ok(m !== false, 'the confirmed message is still queued');
  assert.equal(m.content.toString(), 'confirmed-before');
  ch.nack(m, false, true);
  await conn.close();
}

/** Waits for connection.close with `code`, answers close-ok and waits for the socket to close. */
async function expectConnectionClose(c: RawAmqpClient, code: number, text: RegExp): Promise<void> {
  const close = await c.expect('connection.close');
  assert.equal(close.replyCode, code, close.replyText);
  assert.match(close.replyText, text);
  c.send(0, { name: 'connection.close-ok' });
  await c.waitClosed();
}

test('a wrong protocol header is answered with AMQP 0-9-1 header and a close', async (t) => {
  const broker = await brokerWithSurvivor(t);
  for (const header of [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), Buffer.from([0x41, 0x4d, 0x51, 0x50, 1, 1, 0, 9]), Buffer.from('AMQP\x00\x01\x00\x00')]) {
    const c = await RawAmqpClient.open(broker.port);
    c.write(header);
    await c.waitClosed();
    assert.deepEqual(c.raw, PROTOCOL_HEADER, `answer to ${JSON.stringify(header.toString('latin1'))}`);
  }
  await assertBrokerStillServes(broker);
});

test('a frame whose frame-end octet is wrong closes the connection with 501', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  c.write(rawFrame(FrameType.METHOD, 1, encodeMethodPayload({ name: 'channel.open' }), 0x00));
  await expectConnectionClose(c, 501, /^FRAME_ERROR/);
  await assertBrokerStillServes(broker);
});

test('a frame larger than the negotiated frame_max closes the connection with 501', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port, { frameMax: 4096 });
  t.after(() => c.end());
  await c.openChannel(1);
  c.send(1, { name: 'basic.publish', exchange: '', routingKey: SURVIVOR, mandatory: false, immediate: false });
  // A content header announcing 5000 bytes, then one 5000-byte body frame: above frame_max 4096.
  const header = encodeContentFrames(1, encodeBasicProperties({}), Buffer.alloc(0), 4096);
  header.writeUInt32BE(0, 11);
  header.writeUInt32BE(5000, 15);
  c.write(header);
  c.write(rawFrame(FrameType.BODY, 1, Buffer.alloc(5000, 0x61)));
  await expectConnectionClose(c, 501, /^FRAME_ERROR - .*frame-max/);
  await assertBrokerStillServes(broker);
});

test('a method on a channel that was never opened closes the connection with 504', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  c.send(5, { name: 'queue.declare', queue: 'x', passive: false, durable: false, exclusive: false, autoDelete: false, noWait: false, arguments: new Map() });
  await expectConnectionClose(c, 504, /^CHANNEL_ERROR/);
  await assertBrokerStillServes(broker);
});

test('a body frame without basic.publish closes the connection with 505', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  await c.openChannel(1);
  c.write(rawFrame(FrameType.BODY, 1, Buffer.from('stray body')));
  await expectConnectionClose(c, 505, /^UNEXPECTED_FRAME/);
  await assertBrokerStillServes(broker);
});

test('a content header without basic.publish closes the connection with 505', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  await c.openChannel(1);
  c.write(encodeContentFrames(1, encodeBasicProperties({}), Buffer.from('x'), c.frameMax));
  await expectConnectionClose(c, 505, /^UNEXPECTED_FRAME/);
  await assertBrokerStillServes(broker);
});

test('a method between a content header and its body closes the connection with 505; nothing half-sent is queued', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  await c.openChannel(1);
  c.send(1, { name: 'basic.publish', exchange: '', routingKey: SURVIVOR, mandatory: false, immediate: false });
  const frames = encodeContentFrames(1, encodeBasicProperties({}), Buffer.from('half-sent'), c.frameMax);
  const headerFrameBytes = 8 + frames.readUInt32BE(3);
  c.write(frames.subarray(0, headerFrameBytes));
  c.write(encodeMethodFrame(1, { name: 'basic.qos', prefetchSize: 0, prefetchCount: 1, global: false }));
  await expectConnectionClose(c, 505, /^UNEXPECTED_FRAME/);
  await assertBrokerStillServes(broker);
  const ch = await (await broker.connect()).createChannel();
  const { messageCount } = await ch.checkQueue(SURVIVOR);
  assert.equal(messageCount, 1, 'the half-sent message was not queued');
});

test('a raw client that publishes correctly is served (the raw client itself is sound)', async (t) => {
  const broker = await brokerWithSurvivor(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  await c.openChannel(1);
  c.send(1, { name: 'confirm.select', noWait: false });
  await c.expect('confirm.select-ok');
  c.publish(1, '', SURVIVOR, Buffer.from('raw'), { deliveryMode: 2 });
  await c.expect('basic.ack');
  c.send(0, { name: 'connection.close', replyCode: 200, replyText: 'bye', classId: 0, methodId: 0 });
  await c.expect('connection.close-ok');
  await waitFor(() => c.closed, 10_000, 'the socket to close');
  const ch = await (await broker.connect()).createChannel();
  assert.equal((await ch.checkQueue(SURVIVOR)).messageCount, 2);
});
