// Durability of AMQP classic queues through a real `wharf serve` process: persistent messages
// confirmed on a durable queue survive `kill -9` and a restart on the same data directory, in
// order; messages that were delivered and not acked come back flagged redelivered; after a clean
// shutdown (SIGTERM), messages acked before it are not delivered again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumeMessage } from 'amqplib';
import { makeDataDir } from '../../helpers/broker-process.js';
import { collect, connectTo, publishConfirmed, startAmqpBrokerProcess, waitForCount } from '../../helpers/amqp-broker.js';

const QUEUE = 'durable-orders';

function payloads(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
}

test('confirmed persistent messages survive kill -9 in order; unacked deliveries return redelivered', { timeout: 90_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  let broker = await startAmqpBrokerProcess(t, [], { dataDir });
  const conn = await connectTo(t, broker.url);
  const pub = await conn.createConfirmChannel();
  await pub.assertQueue(QUEUE, { durable: true });
  await pub.assertExchange('orders-x', 'direct', { durable: true });
  await pub.bindQueue(QUEUE, 'orders-x', 'eu');
  const sent = payloads(2_000, 'order');
  await publishConfirmed(pub, 'orders-x', 'eu', sent.slice(0, 1_000), { persistent: true });
  await publishConfirmed(pub, '', QUEUE, sent.slice(1_000), { persistent: true });
  // A transient message on the same durable queue is not expected back (RabbitMQ drops it too).
  await publishConfirmed(pub, '', QUEUE, ['transient'], { persistent: false });

  const sub = await conn.createChannel();
  await sub.prefetch(5);
  const held = await collect(sub, QUEUE);
  await waitForCount(held.messages, 5, 'deliveries held unacked');
  assert.deepEqual(held.messages.map((m) => m.fields.redelivered), [false, false, false, false, false]);

  broker.process.proc.kill('SIGKILL');
  assert.equal(await broker.process.exited, 'SIGKILL');
  broker = await startAmqpBrokerProcess(t, [], { dataDir });

  const conn2 = await connectTo(t, broker.url);
  const ch = await conn2.createChannel();
  const { messageCount } = await ch.checkQueue(QUEUE);
  assert.equal(messageCount, sent.length, 'every confirmed persistent message, no transient one');
  // The durable exchange and binding came back too.
  ch.publish('orders-x', 'eu', Buffer.from('after-restart'), { persistent: true });
  await ch.prefetch(500);
  const got: ConsumeMessage[] = [];
  await ch.consume(QUEUE, (m) => {
    if (m === null) return;
    got.push(m);
    ch.ack(m);
  });
  await waitForCount(got, sent.length + 1, 'every message after the restart', 30_000);
  assert.deepEqual(got.map((m) => m.content.toString()), [...sent, 'after-restart']);
  assert.deepEqual(got.slice(0, 5).map((m) => m.fields.redelivered), [true, true, true, true, true], 'the unacked deliveries are flagged redelivered');
  assert.equal(got.at(-1)?.fields.redelivered, false);
});

test('after a clean shutdown, acked messages are not redelivered and unacked ones are', { timeout: 60_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  let broker = await startAmqpBrokerProcess(t, [], { dataDir });
  const conn = await connectTo(t, broker.url);
  const pub = await conn.createConfirmChannel();
  await pub.assertQueue(QUEUE, { durable: true });
  const sent = payloads(20, 'job');
  await publishConfirmed(pub, '', QUEUE, sent, { persistent: true });
  const sub = await conn.createChannel();
  await sub.prefetch(10);
  const held = await collect(sub, QUEUE);
  await waitForCount(held.messages, 10, 'ten deliveries');
  for (const m of held.messages.slice(0, 6)) sub.ack(m);
  // The returned credit brings six more: 6..15 are now delivered and unacked, 16..19 never delivered.
  await waitForCount(held.messages, 16, 'deliveries after the acks');
  await sub.checkQueue(QUEUE); // a round trip: nothing else is on its way
  assert.equal(held.messages.length, 16);

  broker.process.proc.kill('SIGTERM');
  assert.equal(await broker.process.exited, 0, `clean exit; stderr: ${broker.process.stderr()}`);
  broker = await startAmqpBrokerProcess(t, [], { dataDir });

  const ch = await (await connectTo(t, broker.url)).createChannel();
  const got: { body: string; redelivered: boolean }[] = [];
  for (let m = await ch.get(QUEUE, { noAck: true }); m !== false; m = await ch.get(QUEUE, { noAck: true })) {
    got.push({ body: m.content.toString(), redelivered: m.fields.redelivered });
  }
  assert.deepEqual(got.map((g) => g.body), sent.slice(6), 'the six acked messages are gone');
  assert.ok(got.slice(0, 10).every((g) => g.redelivered), `delivered but unacked: redelivered: ${JSON.stringify(got)}`);
  assert.ok(got.slice(10).every((g) => !g.redelivered), `never delivered: not redelivered: ${JSON.stringify(got)}`);
});
