// Stream queue rules over amqplib, with RabbitMQ's reply codes and texts: a stream is durable and
// not exclusive, its consumers need a prefetch and manual acks, basic.get and purge are refused;
// nack with requeue redelivers nothing; deleting the queue deletes its topic and deleting the
// topic over Kafka cancels its consumers. Retention by x-max-length-bytes removes old segments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel } from 'amqplib';
import { connectTo, expectChannelError, publishConfirmed } from '../../helpers/amqp-broker.js';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { consumeStream, startStreamBroker, streamOffset } from './stream-broker.js';

const STREAM = { durable: true, arguments: { 'x-queue-type': 'stream' } };

/** Runs `op` and resolves with the connection error the broker closes the connection with. */
async function expectConnectionError(conn: ChannelModel, op: () => Promise<unknown>): Promise<{ code: number | undefined; message: string }> {
  const closed = new Promise<{ code: number | undefined; message: string }>((resolve) => {
    conn.once('error', (err: { code?: number; message: string }) => resolve({ code: err.code, message: err.message }));
  });
  await op().catch(() => undefined);
  return closed;
}

test('declares, consumes and operations a stream refuses get RabbitMQ\'s codes and texts', { timeout: 60_000 }, async (t) => {
  const b = await startStreamBroker(t);
  const conn = await connectTo(t, b.amqpUrl);
  let ch = await conn.createChannel();

  let e = await expectChannelError(ch, () => ch.assertQueue('s', { durable: false, arguments: STREAM.arguments }));
  assert.equal(e.code, 406);
  assert.match(e.message, /PRECONDITION_FAILED - invalid property 'non-durable' for queue 's' in vhost '\/'/);
  ch = await conn.createChannel();
  e = await expectChannelError(ch, () => ch.assertQueue('s', { durable: true, exclusive: true, arguments: STREAM.arguments }));
  assert.match(e.message, /invalid property 'exclusive-owner'/);
  ch = await conn.createChannel();
  e = await expectChannelError(ch, () => ch.assertQueue('s', { durable: true, arguments: { ...STREAM.arguments, 'x-message-ttl': 1000 } }));
  assert.match(e.message, /invalid arg 'x-message-ttl' for queue 's' in vhost '\/' of queue type stream/);
  ch = await conn.createChannel();
  e = await expectChannelError(ch, () => ch.assertQueue('s', { durable: true, arguments: { ...STREAM.arguments, 'x-max-age': '7 days' } }));
  assert.match(e.message, /invalid arg 'x-max-age'/);

  ch = await conn.createChannel();
  await ch.assertQueue('s', { ...STREAM, arguments: { ...STREAM.arguments, 'x-max-age': '7D' } });
  await ch.assertQueue('s', { ...STREAM, arguments: { ...STREAM.arguments, 'x-max-age': '7D' } });
  e = await expectChannelError(ch, () => ch.consume('s', () => undefined, { noAck: false }));
  assert.equal(e.code, 406);
  assert.match(e.message, /consumer prefetch count is not set for stream queue 's' in vhost '\/'/);
  ch = await conn.createChannel();
  await ch.prefetch(10);
  e = await expectChannelError(ch, () => ch.consume('s', () => undefined, { noAck: true }));
  assert.equal(e.code, 406, 'automatic acknowledgement is refused the way RabbitMQ refuses it');
  ch = await conn.createChannel();
  await ch.prefetch(10);
  e = await expectChannelError(ch, () => ch.consume('s', () => undefined, { noAck: false, arguments: { 'x-stream-offset': 'yesterday' } }));
  assert.match(e.message, /failed consuming from stream queue 's' in vhost '\/'/);

  ch = await conn.createChannel();
  const refused = await expectConnectionError(conn, () => ch.get('s'));
  assert.equal(refused.code, 540);
  assert.match(refused.message, /basic.get not supported by stream queues queue 's' in vhost '\/'/);

  const conn2 = await connectTo(t, b.amqpUrl);
  const ch2 = await conn2.createChannel();
  const purge = await expectConnectionError(conn2, () => ch2.purgeQueue('s'));
  assert.equal(purge.code, 540);
  assert.match(purge.message, /queue.purge not supported by stream queues/);
});

test('nack with requeue redelivers nothing; the queue and its topic are one, in both directions of deletion', { timeout: 60_000 }, async (t) => {
  const b = await startStreamBroker(t);
  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('s', STREAM);
  await publishConfirmed(ch, '', 's', ['a', 'b', 'c']);
  const reader = await conn.createChannel();
  await reader.prefetch(1);
  const seen: string[] = [];
  await reader.consume('s', (m) => {
    if (m === null) return;
    seen.push(`${m.content.toString()}@${streamOffset(m)}${m.fields.redelivered ? '!' : ''}`);
    reader.nack(m, false, true);
  }, { noAck: false, arguments: { 'x-stream-offset': 'first' } });
  await waitFor(() => seen.length >= 3, 20_000, 'three deliveries');
  await reader.checkQueue('s');
  assert.deepEqual(seen, ['a@0', 'b@1', 'c@2'], 'a nack with requeue gives credit back and nothing is redelivered');
  assert.equal((await ch.checkQueue('s')).messageCount, 3, 'nothing left the stream');

  const kafka = kafkajsClient(b.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect().catch(() => undefined));
  assert.ok((await admin.listTopics()).includes('s'));
  await ch.deleteQueue('s');
  assert.equal((await admin.listTopics()).includes('s'), false, 'deleting the stream queue deleted its topic');

  await ch.assertQueue('gone', STREAM);
  const watcher = await conn.createChannel();
  await watcher.prefetch(5);
  const c = await consumeStream(watcher, 'gone', 'first');
  await admin.deleteTopics({ topics: ['gone'] });
  await waitFor(() => c.cancelled(), 20_000, 'basic.cancel after the topic was deleted over Kafka');
  const probe = await conn.createChannel();
  const missing = await expectChannelError(probe, () => probe.checkQueue('gone'));
  assert.equal(missing.code, 404);
});

test('x-max-length-bytes with small segments deletes the oldest segments; consumers from first start after them', { timeout: 60_000 }, async (t) => {
  const b = await startStreamBroker(t, ['--retention-check-interval-ms', '200']);
  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('small', { durable: true, arguments: { 'x-queue-type': 'stream', 'x-max-length-bytes': 20_000, 'x-stream-max-segment-size-bytes': 4096 } });
  const body = 'x'.repeat(500);
  for (let i = 0; i < 10; i++) await publishConfirmed(ch, '', 'small', Array.from({ length: 20 }, () => body));

  const kafka = kafkajsClient(b.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect().catch(() => undefined));
  const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'small', configNames: ['retention.bytes', 'segment.bytes', 'retention.ms'] }] });
  const byName = new Map(configs.resources[0]?.configEntries.map((c) => [c.configName, c.configValue]));
  assert.equal(byName.get('retention.bytes'), '20000');
  assert.equal(byName.get('segment.bytes'), '4096');
  assert.equal(byName.get('retention.ms'), '-1');

  let low = 0;
  await waitFor(async () => {
    const [p] = await admin.fetchTopicOffsets('small');
    low = Number(p?.low);
    return low > 0;
  }, 20_000, 'retention to delete old segments');
  const [p] = await admin.fetchTopicOffsets('small');
  assert.equal(p?.high, '200');
  const reader = await conn.createChannel();
  await reader.prefetch(20);
  const c = await consumeStream(reader, 'small', 'first');
  await waitFor(() => c.messages.length >= 200 - low, 20_000, 'the records kept');
  assert.ok(streamOffset(c.messages[0] as (typeof c.messages)[0]) >= low, 'the first record kept is the first delivered');
  assert.ok(c.messages.length < 200, 'the oldest records are gone');
});
