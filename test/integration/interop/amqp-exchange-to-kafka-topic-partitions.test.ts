// amqplib → exchange → Kafka topic → kafkajs consumer group: a topic exchange bound to a
// 4-partition topic (x-destination-type=topic); every routing key's records sit in one partition,
// the one kafkajs's own producer picks for that key (its records land beside them), in publish
// order. The binding is a durable definition: after a restart the same keys reach the same place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelModel } from 'amqplib';
import { connectTo } from '../../helpers/amqp-broker.js';
import { makeDataDir } from '../../helpers/broker-process.js';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startStreamBroker, stopStreamBroker, type StreamTestBroker } from './stream-broker.js';

interface Seen {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

const KEYS = Array.from({ length: 100 }, (_, k) => `k${k}`);

async function publishRounds(conn: ChannelModel, rounds: number[]): Promise<void> {
  const ch = await conn.createConfirmChannel();
  for (const round of rounds) {
    for (const key of KEYS) ch.publish('shop', key, Buffer.from(`amqp:${round}`), { contentType: 'text/plain' });
  }
  await ch.waitForConfirms();
  await ch.close();
}

/** Every record of the topic, read by a kafkajs consumer group from the beginning. */
async function readAll(b: StreamTestBroker, groupId: string, count: number): Promise<Seen[]> {
  const consumer = kafkajsClient(b.bootstrap).consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  const seen: Seen[] = [];
  try {
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.push({ partition, offset: Number(message.offset), key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
      },
    });
    await waitFor(() => seen.length >= count, 60_000, `${count} records through the kafkajs group (have ${seen.length})`);
  } finally {
    await consumer.disconnect();
  }
  assert.equal(seen.length, count);
  return seen;
}

function checkPartitions(seen: readonly Seen[], amqpRounds: number): void {
  for (const key of KEYS) {
    const mine = seen.filter((s) => s.key === key).sort((a, b) => a.offset - b.offset);
    const partitions = new Set(mine.map((s) => s.partition));
    assert.equal(partitions.size, 1, `key ${key} is in one partition, with kafkajs's record for it (${[...partitions].join(',')})`);
    const amqp = mine.filter((s) => s.value.startsWith('amqp:'));
    assert.deepEqual(amqp.map((s) => s.value), Array.from({ length: amqpRounds }, (_, r) => `amqp:${r}`), `key ${key} in publish order`);
    for (const s of amqp) {
      assert.equal(s.headers['x-amqp-exchange'], 'shop');
      assert.equal(s.headers['x-amqp-content-type'], 'text/plain');
    }
  }
}

test('amqplib publishes through a topic exchange into a 4-partition topic; kafkajs reads each key from the partition its own producer picks', { timeout: 180_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  let b = await startStreamBroker(t, [], dataDir);
  const kafka = kafkajsClient(b.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 4 }] });
  await admin.disconnect();

  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createChannel();
  await ch.assertExchange('shop', 'topic', { durable: true });
  await ch.bindQueue('orders', 'shop', '#', { 'x-destination-type': 'topic' });
  await publishRounds(conn, [0, 1, 2]);

  // kafkajs's own producer (its default, Java-compatible partitioner) with the same keys.
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'orders', acks: -1, messages: KEYS.map((key) => ({ key, value: 'kafkajs' })) });
  await producer.disconnect();

  const seen = await readAll(b, 'g1', 400);
  checkPartitions(seen, 3);
  assert.deepEqual(new Set(seen.map((s) => s.partition)), new Set([0, 1, 2, 3]), 'keys spread over every partition');
  await conn.close();

  // The binding outlives a restart: new publishes land with their key's earlier records.
  assert.equal(await stopStreamBroker(b), 0);
  b = await startStreamBroker(t, [], dataDir);
  const again = await connectTo(t, b.amqpUrl);
  await publishRounds(again, [3]);
  const after = await readAll(b, 'g2', 500);
  checkPartitions(after, 4);
  await again.close();
  assert.equal(await stopStreamBroker(b), 0);
});
