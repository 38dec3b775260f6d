// Consuming with amqplib as RabbitMQ behaves: prefetch caps unacked deliveries per consumer,
// consumers of one queue take turns, nack/reject with requeue put a message back at its original
// place flagged redelivered, reject without requeue drops it, x-max-priority serves higher
// priorities first, 10,000 messages arrive in order with manual acks, and deleting a consumed
// queue cancels its consumer (amqplib hands the callback `null`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumeMessage } from 'amqplib';
import { bodies, collect, drain, publishConfirmed, waitForCount, withAmqpBroker } from '../../helpers/amqp-broker.js';
import { waitFor } from '../../helpers/wait-for.js';

test('a consumer with prefetch N never holds more than N unacked deliveries', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const ch = await conn.createChannel();
  const q = 'prefetch-q';
  await ch.assertQueue(q, { exclusive: true });
  const total = 30;
  const prefetch = 3;
  for (let i = 0; i < total; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
  await ch.prefetch(prefetch);
  const held: ConsumeMessage[] = [];
  const seen: string[] = [];
  let maxHeld = 0;
  await ch.consume(q, (m) => {
    if (m === null) return;
    held.push(m);
    seen.push(m.content.toString());
    maxHeld = Math.max(maxHeld, held.length);
  });
  await waitForCount(held, prefetch, 'deliveries up to the prefetch');
  // A round trip on the channel: anything the broker would deliver without credit would be here by now.
  const { messageCount } = await ch.checkQueue(q);
  assert.equal(held.length, prefetch, 'no delivery beyond the prefetch before an ack');
  assert.equal(messageCount, total - prefetch, 'the rest stays ready in the queue');
  while (seen.length < total || held.length > 0) {
    const m = await waitFor(() => held.shift(), 10_000, `a delivery (seen ${seen.length})`);
    ch.ack(m);
  }
  assert.ok(maxHeld <= prefetch, `held at most ${prefetch} (max ${maxHeld})`);
  assert.deepEqual(seen, Array.from({ length: total }, (_, i) => `m${i}`));
});

test('two consumers of one queue take turns (round-robin)', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const ch1 = await conn.createChannel();
  const ch2 = await conn.createChannel();
  const q = 'rr-q';
  await ch1.assertQueue(q, { exclusive: true });
  const a = await collect(ch1, q, { noAck: true });
  const b = await collect(ch2, q, { noAck: true });
  for (let i = 0; i < 10; i++) ch1.sendToQueue(q, Buffer.from(String(i)));
  await waitFor(() => a.messages.length + b.messages.length >= 10, 10_000, 'all 10 deliveries');
  const first = bodies(a.messages);
  const second = bodies(b.messages);
  assert.equal(first.length, 5, `consumer 1 got ${first.join(',')}`);
  assert.equal(second.length, 5, `consumer 2 got ${second.join(',')}`);
  const parity = Number(first[0]) % 2;
  assert.ok(first.every((v) => Number(v) % 2 === parity) && second.every((v) => Number(v) % 2 !== parity), `alternating: ${first} / ${second}`);
});

test('nack and reject with requeue put a message back at its original place, redelivered', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const q = 'requeue-q';
  await ch.assertQueue(q, { exclusive: true });
  for (const b of ['a', 'b', 'c', 'd']) ch.sendToQueue(q, Buffer.from(b));
  const a = await ch.get(q);
  const b = await ch.get(q);
  const c = await ch.get(q);
  assert.ok(a !== false && b !== false && c !== false);
  assert.equal(a.fields.redelivered, false);
  ch.nack(b, false, true);
  ch.reject(a, true);
  ch.nack(c, false, true);
  const again: { body: string; redelivered: boolean }[] = [];
  for (;;) {
    const m = await ch.get(q, { noAck: true });
    if (m === false) break;
    again.push({ body: m.content.toString(), redelivered: m.fields.redelivered });
  }
  assert.deepEqual(again, [
    { body: 'a', redelivered: true },
    { body: 'b', redelivered: true },
    { body: 'c', redelivered: true },
    { body: 'd', redelivered: false },
  ]);
});

test('nack with multiple requeues every earlier delivery; to a consumer they come back redelivered and in order', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const q = 'nack-multi-q';
  await ch.assertQueue(q, { exclusive: true });
  for (let i = 0; i < 5; i++) ch.sendToQueue(q, Buffer.from(`m${i}`));
  await ch.prefetch(5);
  const got = await collect(ch, q);
  await waitForCount(got.messages, 5, 'first deliveries');
  ch.nack(got.messages[4] as ConsumeMessage, true, true);
  await waitForCount(got.messages, 10, 'redeliveries');
  const redelivered = got.messages.slice(5);
  assert.deepEqual(bodies(redelivered), ['m0', 'm1', 'm2', 'm3', 'm4']);
  assert.ok(redelivered.every((m) => m.fields.redelivered));
  ch.ackAll();
  const { messageCount } = await ch.checkQueue(q);
  assert.equal(messageCount, 0);
});

test('reject and nack without requeue drop the message when the queue has no dead-letter exchange', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const q = 'drop-q';
  await ch.assertQueue(q, { exclusive: true });
  for (const b of ['x', 'y', 'z']) ch.sendToQueue(q, Buffer.from(b));
  const x = await ch.get(q);
  const y = await ch.get(q);
  assert.ok(x !== false && y !== false);
  ch.reject(x, false);
  ch.nack(y, false, false);
  assert.deepEqual(await drain(ch, q), ['z']);
});

test('a queue with x-max-priority delivers higher priorities first, FIFO within a priority', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const q = 'prio-q';
  await ch.assertQueue(q, { exclusive: true, maxPriority: 10 });
  const sent: [string, number | undefined][] = [['low-1', 1], ['none', undefined], ['over-max', 200], ['high-1', 9], ['mid', 5], ['top', 10], ['high-2', 9], ['low-2', 1]];
  const expected = ['over-max', 'top', 'high-1', 'high-2', 'mid', 'low-1', 'low-2', 'none'];
  for (const [body, priority] of sent) ch.sendToQueue(q, Buffer.from(body), priority === undefined ? {} : { priority });
  // A priority above x-max-priority counts as the maximum (RabbitMQ), so 200 shares level 10 with 'top'.
  assert.deepEqual(await drain(ch, q), expected);
  // And to a consumer: publish while nobody consumes, then consume.
  for (const [body, priority] of sent) ch.sendToQueue(q, Buffer.from(body), priority === undefined ? {} : { priority });
  const got = await collect(ch, q, { noAck: true });
  await waitForCount(got.messages, sent.length, 'priority deliveries');
  assert.deepEqual(bodies(got.messages), expected);
  assert.equal(got.messages[0]?.properties.priority, 200, 'the priority property is delivered as published');
});

test('10,000 confirmed messages arrive in order, each acked manually', { timeout: 60_000 }, async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const pub = await conn.createConfirmChannel();
  const sub = await conn.createChannel();
  const q = 'ten-thousand';
  await pub.assertQueue(q, { durable: true });
  const total = 10_000;
  const payloads = Array.from({ length: total }, (_, i) => `msg-${i}`);
  await publishConfirmed(pub, '', q, payloads, { persistent: true });
  await sub.prefetch(200);
  const received: string[] = [];
  let redelivered = 0;
  await sub.consume(q, (m) => {
    if (m === null) return;
    received.push(m.content.toString());
    if (m.fields.redelivered) redelivered++;
    sub.ack(m);
  });
  await waitForCount(received, total, 'deliveries', 50_000);
  assert.equal(received.length, total);
  for (let i = 0; i < total; i++) if (received[i] !== payloads[i]) assert.fail(`message ${i} is ${received[i]}, expected ${payloads[i]}`);
  assert.equal(redelivered, 0);
  const { messageCount } = await pub.checkQueue(q);
  assert.equal(messageCount, 0, 'nothing left after the acks');
});

test('deleting a queue cancels its consumers: amqplib receives null', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const ch = await conn.createChannel();
  const other = await (await broker.connect()).createChannel();
  const q = 'doomed-q';
  await ch.assertQueue(q);
  const got = await collect(ch, q);
  ch.sendToQueue(q, Buffer.from('before'));
  await waitForCount(got.messages, 1, 'the first delivery');
  const { messageCount } = await other.deleteQueue(q);
  assert.equal(messageCount, 0);
  await waitFor(() => got.cancelled(), 10_000, 'the server-initiated basic.cancel');
  // The channel stays usable: the unacked delivery's ack is a no-op for a deleted queue.
  ch.ack(got.messages[0] as ConsumeMessage);
  await ch.assertQueue('still-works', { exclusive: true });
});
