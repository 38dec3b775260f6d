// WebSocket queue subscriptions against amqplib: messages published over AMQP arrive as `message`
// frames with their properties; manual ack and nack (requeue → redelivered); prefetch honoured;
// unsubscribe and socket close requeue what was not acked (amqplib then receives it); a deleted
// queue cancels the subscription.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConsumeMessage } from 'amqplib';
import { waitFor } from '../../helpers/wait-for.js';
import { withWsBroker, type Frame } from './ws-test-broker.js';

const isMessage = (f: Frame): boolean => f.op === 'message';

test('a queue subscription receives amqplib messages with their properties, acks and nacks by tag', async (t) => {
  const b = await withWsBroker(t);
  const conn = await b.amqp();
  const ch = await conn.createChannel();
  await ch.assertQueue('jobs', { durable: true });
  const c = await b.connect();
  assert.deepEqual(await c.call({ op: 'subscribe', id: 's1', queue: 'jobs', prefetch: 5, ack: 'manual' }), { op: 'subscribed', id: 's1' });

  ch.sendToQueue('jobs', Buffer.from('hello'), { contentType: 'text/plain', correlationId: 'c-1', persistent: true, headers: { attempt: 3, source: 'amqplib' } });
  ch.sendToQueue('jobs', Buffer.from([0xff, 0x00, 0x01]));
  const [m1, m2] = await c.take(isMessage, 2);
  assert.equal(m1?.id, 's1');
  assert.equal(m1?.payload, 'hello');
  assert.equal(m1?.payloadEncoding, 'string');
  assert.equal(m1?.exchange, '');
  assert.equal(m1?.routingKey, 'jobs');
  assert.equal(m1?.redelivered, false);
  assert.deepEqual(m1?.properties, { contentType: 'text/plain', correlationId: 'c-1', deliveryMode: 2, headers: { attempt: 3, source: 'amqplib' } });
  assert.equal(m2?.payloadEncoding, 'base64');
  assert.deepEqual(Buffer.from(String(m2?.payload), 'base64'), Buffer.from([0xff, 0x00, 0x01]));

  c.send({ op: 'ack', id: 's1', tag: m1?.tag });
  c.send({ op: 'nack', id: 's1', tag: m2?.tag, requeue: true });
  const again = await c.one((f) => isMessage(f) && f.redelivered === true);
  assert.equal(again.payload, m2?.payload);
  assert.notEqual(again.tag, m2?.tag);
  // An ack of a tag already settled is answered with an error; the socket stays usable.
  const err = await c.call({ op: 'ack', id: 's1', tag: m1?.tag });
  assert.equal(err.op, 'error');
  assert.equal(err.code, 'bad_request');
  c.send({ op: 'nack', id: 's1', tag: again.tag, requeue: false });
  await waitFor(async () => (await ch.checkQueue('jobs')).messageCount === 0, 5_000, 'the rejected message to be gone');
});

test('prefetch bounds unacked deliveries; each ack lets one more through', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  await ch.assertQueue('work');
  for (let i = 0; i < 6; i++) ch.sendToQueue('work', Buffer.from(`m${i}`));
  const c = await b.connect();
  await c.call({ op: 'subscribe', id: 'w', queue: 'work', prefetch: 2 });
  const first = await c.take(isMessage, 2);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(c.count(isMessage), 2, 'no more than prefetch deliveries before an ack');
  c.send({ op: 'ack', id: 'w', tag: first[0]?.tag });
  await c.take(isMessage, 3);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(c.count(isMessage), 3);
  assert.deepEqual(c.frames.filter(isMessage).map((f) => f.payload), ['m0', 'm1', 'm2']);
});

test('unsubscribe and socket close requeue unacked deliveries, which amqplib then receives', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  await ch.assertQueue('q');
  for (let i = 0; i < 4; i++) ch.sendToQueue('q', Buffer.from(`m${i}`));
  const c = await b.connect();
  await c.call({ op: 'subscribe', id: 'a', queue: 'q', prefetch: 2 });
  await c.take(isMessage, 2);
  assert.deepEqual(await c.call({ op: 'unsubscribe', id: 'a' }), { op: 'unsubscribed', id: 'a' });

  const d = await b.connect();
  await d.call({ op: 'subscribe', id: 'b', queue: 'q', prefetch: 10 });
  await d.take(isMessage, 4);
  d.ws.close();
  await d.closed();

  const got: ConsumeMessage[] = [];
  await ch.consume('q', (m) => {
    if (m !== null) got.push(m);
  });
  await waitFor(() => got.length === 4, 5_000, 'amqplib to receive the 4 requeued messages');
  assert.deepEqual(got.map((m) => m.content.toString()), ['m0', 'm1', 'm2', 'm3']);
  assert.ok(got.every((m) => m.fields.redelivered));
});

test('deleting the queue cancels the subscription; unknown queues and vhosts are errors', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  await ch.assertQueue('temp');
  const c = await b.connect();
  await c.call({ op: 'subscribe', id: 7, queue: 'temp' });
  await ch.deleteQueue('temp');
  const cancelled = await c.one((f) => f.op === 'cancelled');
  assert.equal(cancelled.id, 7);
  const missing = await c.call({ op: 'subscribe', id: 8, queue: 'nope' });
  assert.equal(missing.op, 'error');
  assert.equal(missing.code, 'not_found');
  const noVhost = await c.call({ op: 'subscribe', id: 9, queue: 'x', vhost: 'other' });
  assert.equal(noVhost.code, 'not_found');
  // The id of the cancelled subscription is free again.
  await ch.assertQueue('temp');
  assert.equal((await c.call({ op: 'subscribe', id: 7, queue: 'temp' })).op, 'subscribed');
});
