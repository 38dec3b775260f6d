// kcat → AMQP stream consumer: records kcat produces into a one-partition topic are the stream
// queue of the same name; amqplib declares it and consumes from x-stream-offset (a number,
// first, next, a timestamp) with a prefetch, each delivery carrying its x-stream-offset header and
// the record's key (routing key) and headers.
import { test } from 'node:test';
import type { ConsumeMessage } from 'amqplib';
import assert from 'node:assert/strict';
import { connectTo } from '../../helpers/amqp-broker.js';
import { kcat } from '../../helpers/kafka-clients.js';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { consumeStream, startStreamBroker, streamOffset } from './stream-broker.js';

const STREAM = { durable: true, arguments: { 'x-queue-type': 'stream' } };

test('kcat records are consumed by amqplib from x-stream-offset 42, first, next and a timestamp', { timeout: 90_000 }, async (t) => {
  const b = await startStreamBroker(t);
  const admin = kafkajsClient(b.bootstrap).admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'T', numPartitions: 1 }] });
  const k = ['-b', b.bootstrap];
  const lines = Array.from({ length: 100 }, (_, i) => `key-${i}:value-${i}`);
  await kcat([...k, '-P', '-t', 'T', '-K:', '-H', 'origin=kcat', '-H', 'trace=42', '-X', 'acks=all'], `${lines.join('\n')}\n`);

  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createChannel();
  const declared = await ch.assertQueue('T', STREAM);
  assert.equal(declared.messageCount, 100, 'the topic\'s records are the stream\'s messages');
  await ch.prefetch(10);

  const from42 = await consumeStream(ch, 'T', 42);
  await waitFor(() => from42.messages.length >= 58, 20_000, '58 deliveries from offset 42');
  assert.deepEqual(from42.messages.map(streamOffset), Array.from({ length: 58 }, (_, i) => 42 + i));
  for (const m of from42.messages) {
    const i = streamOffset(m);
    assert.equal(m.content.toString(), `value-${i}`);
    assert.equal(m.fields.routingKey, `key-${i}`, 'the record key is the routing key');
    assert.equal(m.properties.headers?.origin, 'kcat');
    assert.equal(m.properties.headers?.trace, '42');
    assert.equal(m.fields.redelivered, false);
    assert.equal(typeof m.properties.timestamp, 'number', 'the record timestamp is the timestamp property');
  }

  // A second channel whose consumer holds back its acks at first: it never has more than the prefetch.
  const ch2 = await conn.createChannel();
  await ch2.prefetch(10);
  const held: ConsumeMessage[] = [];
  let holding = true;
  await ch2.consume('T', (m) => {
    if (m === null) return;
    held.push(m);
    if (!holding) ch2.ack(m);
  }, { noAck: false, arguments: { 'x-stream-offset': 'first' } });
  await waitFor(() => held.length >= 10, 20_000, 'the first ten from offset 0');
  await ch2.checkQueue('T');
  assert.equal(held.length, 10, 'no more deliveries than the prefetch while none is acked');
  holding = false;
  for (const m of held) ch2.ack(m);
  await waitFor(() => held.length >= 100, 20_000, 'the rest once acked');
  assert.deepEqual(held.map(streamOffset), Array.from({ length: 100 }, (_, i) => i));

  const next = await consumeStream(ch, 'T', 'next');
  const defaulted = await consumeStream(ch, 'T', undefined);
  // Records at least a whole second newer than everything so far, for a timestamp in seconds.
  const cutSeconds = Math.floor(Date.now() / 1000) + 1;
  await waitFor(() => Date.now() >= cutSeconds * 1000, 5_000, 'the clock to pass the cut');
  await kcat([...k, '-P', '-t', 'T', '-K:', '-X', 'acks=all'], 'late-0:late-value-0\nlate-1:late-value-1\n');
  await waitFor(() => next.messages.length >= 2 && defaulted.messages.length >= 2, 20_000, 'the new records for `next` consumers');
  assert.deepEqual(next.messages.map(streamOffset), [100, 101]);
  assert.deepEqual(defaulted.messages.map(streamOffset), [100, 101], 'without x-stream-offset a consumer starts at next');
  const since = await consumeStream(ch, 'T', { '!': 'timestamp', value: cutSeconds });
  await waitFor(() => since.messages.length >= 2, 20_000, 'the records since the timestamp');
  assert.deepEqual(since.messages.map((m) => m.content.toString()), ['late-value-0', 'late-value-1']);
  const interval = await consumeStream(ch, 'T', '1h');
  await waitFor(() => interval.messages.length >= 102, 20_000, 'the records of the last hour');
  assert.equal(streamOffset(interval.messages[0] as (typeof interval.messages)[0]), 0);
  await conn.close();
});
