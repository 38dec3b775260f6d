// amqplib publish → kafkajs group consumer, through a stream queue: messages published over AMQP
// (to the default exchange and through a bound exchange) with confirms are records of the topic
// of the same name; a kafkajs consumer group reads them (value = body, key = routing key, AMQP
// headers as record headers) and commits. After a restart the stream queue and its records are
// still there for both protocols.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectTo, publishConfirmed } from '../../helpers/amqp-broker.js';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { consumeStream, startStreamBroker, stopStreamBroker, streamOffset } from './stream-broker.js';

interface Received {
  offset: string;
  key: string | undefined;
  value: string | undefined;
  headers: Record<string, string>;
}

test('messages amqplib publishes to a stream queue are read and committed by a kafkajs group; both survive a restart', { timeout: 120_000 }, async (t) => {
  const b = await startStreamBroker(t);
  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('orders', { durable: true, arguments: { 'x-queue-type': 'stream' } });
  await ch.assertExchange('shop', 'direct', { durable: true });
  await ch.bindQueue('orders', 'shop', 'order.created');
  await publishConfirmed(ch, '', 'orders', Array.from({ length: 10 }, (_, i) => `direct-${i}`), { headers: { tenant: 'acme', n: 7 }, contentType: 'text/plain' });
  await publishConfirmed(ch, 'shop', 'order.created', Array.from({ length: 5 }, (_, i) => `routed-${i}`), { persistent: true });
  const check = await ch.checkQueue('orders');
  assert.equal(check.messageCount, 15);

  const kafka = kafkajsClient(b.bootstrap);
  const consumer = kafka.consumer({ groupId: 'readers', sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  t.after(() => consumer.disconnect().catch(() => undefined));
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  const got: Received[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      got.push({ offset: message.offset, key: message.key?.toString(), value: message.value?.toString(), headers });
    },
  });
  await waitFor(() => got.length >= 15, 30_000, 'the group to read the 15 records');
  assert.deepEqual(got.map((m) => m.value), [...Array.from({ length: 10 }, (_, i) => `direct-${i}`), ...Array.from({ length: 5 }, (_, i) => `routed-${i}`)]);
  assert.deepEqual(got.map((m) => Number(m.offset)), Array.from({ length: 15 }, (_, i) => i));
  assert.equal(got[0]?.key, 'orders', 'the routing key is the record key');
  assert.equal(got[10]?.key, 'order.created');
  assert.equal(got[0]?.headers.tenant, 'acme', 'AMQP headers are record headers');
  assert.equal(got[0]?.headers.n, '7');
  assert.equal(got[0]?.headers['x-amqp-content-type'], 'text/plain');
  assert.equal(got[10]?.headers['x-amqp-exchange'], 'shop');

  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect().catch(() => undefined));
  await waitFor(async () => {
    const [topic] = await admin.fetchOffsets({ groupId: 'readers', topics: ['orders'] });
    return topic?.partitions[0]?.offset === '15';
  }, 30_000, 'the group to commit offset 15');
  await consumer.disconnect();
  await admin.disconnect();
  await conn.close();

  assert.equal(await stopStreamBroker(b), 0);
  const again = await startStreamBroker(t, [], b.process.dataDir);
  const conn2 = await connectTo(t, again.amqpUrl);
  const ch2 = await conn2.createChannel();
  const declared = await ch2.checkQueue('orders');
  assert.equal(declared.messageCount, 15, 'the stream queue and its records survived the restart');
  await ch2.prefetch(50);
  const all = await consumeStream(ch2, 'orders', 'first');
  await waitFor(() => all.messages.length >= 15, 20_000, 'the records after the restart');
  assert.deepEqual(all.messages.map(streamOffset), Array.from({ length: 15 }, (_, i) => i));
  const m0 = all.messages[0];
  assert.equal(m0?.content.toString(), 'direct-0');
  assert.equal(m0?.properties.contentType, 'text/plain', 'AMQP properties come back to AMQP consumers');
  assert.equal(m0?.properties.headers?.n, 7, 'typed header values come back typed');
  assert.equal(all.messages[10]?.fields.exchange, 'shop');
  assert.equal(all.messages[10]?.fields.routingKey, 'order.created');

  const kafka2 = kafkajsClient(again.bootstrap);
  const admin2 = kafka2.admin();
  await admin2.connect();
  t.after(() => admin2.disconnect().catch(() => undefined));
  const [committed] = await admin2.fetchOffsets({ groupId: 'readers', topics: ['orders'] });
  assert.equal(committed?.partitions[0]?.offset, '15', 'the group\'s commit survived too');
  await admin2.disconnect();
  await conn2.close();
});
