// kafkajs 2.2.4 against a real Wharf process: the admin client (create, list, describe, alter,
// add partitions, delete), a producer sending keyed messages with headers, gzip and acks=all to
// three partitions, and kafkajs's own Fetch reading every partition back in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { kafkajs, kafkajsClient, kafkajsReadPartition } from '../../helpers/kafka-kafkajs.js';

const TOPIC = 'kafkajs-orders';

test('kafkajs admin creates, lists, describes, alters, extends and deletes topics', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const admin = kafkajsClient(broker.bootstrap).admin();
  await admin.connect();
  t.after(() => admin.disconnect());

  assert.equal(await admin.createTopics({ topics: [{ topic: 'a1', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] }), true);
  assert.equal(await admin.createTopics({ topics: [{ topic: 'a1', numPartitions: 2 }] }), false, 'a second create reports the topic exists');
  await assert.rejects(admin.createTopics({ topics: [{ topic: 'a2', numPartitions: 1, replicationFactor: 3 }] }), (err: { errors?: Array<{ type?: string }> }) => {
    assert.equal(err.errors?.[0]?.type, 'INVALID_REPLICATION_FACTOR');
    return true;
  });
  assert.deepEqual((await admin.listTopics()).sort(), ['a1']);

  const described = await admin.describeConfigs({ resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'a1' }], includeSynonyms: false });
  const entries = new Map(described.resources[0]?.configEntries.map((e) => [e.configName, e]));
  assert.equal(entries.get('retention.ms')?.configValue, '3600000');
  assert.equal(entries.get('retention.ms')?.isDefault, false);
  assert.equal(entries.get('cleanup.policy')?.configValue, 'delete');
  assert.equal(entries.get('cleanup.policy')?.isDefault, true);
  for (const name of ['retention.bytes', 'segment.bytes', 'segment.ms', 'max.message.bytes']) assert.ok(entries.has(name), `${name} is described`);

  await admin.alterConfigs({ validateOnly: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'a1', configEntries: [{ name: 'max.message.bytes', value: '200000' }] }] });
  const altered = await admin.describeConfigs({ resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'a1', configNames: ['max.message.bytes', 'retention.ms'] }], includeSynonyms: false });
  const after = new Map(altered.resources[0]?.configEntries.map((e) => [e.configName, e.configValue]));
  // AlterConfigs replaces the whole set: retention.ms, not named, is back to its default.
  assert.deepEqual(Object.fromEntries(after), { 'max.message.bytes': '200000', 'retention.ms': String(7 * 24 * 3600 * 1000) });
  await assert.rejects(
    admin.alterConfigs({ validateOnly: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'a1', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] }),
    (err: { type?: string }) => err.type === 'INVALID_CONFIG',
  );

  await admin.createPartitions({ topicPartitions: [{ topic: 'a1', count: 5 }] });
  const meta = await admin.fetchTopicMetadata({ topics: ['a1'] });
  assert.equal(meta.topics[0]?.partitions.length, 5);
  await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'a1', count: 3 }] }), (err: { type?: string }) => err.type === 'INVALID_PARTITIONS');

  const cluster = await admin.describeCluster();
  assert.equal(cluster.controller, 0);
  assert.deepEqual(cluster.brokers, [{ nodeId: 0, host: '127.0.0.1', port: broker.port }]);
  assert.match(cluster.clusterId, /^[A-Za-z0-9_-]{22}$/);

  await admin.deleteTopics({ topics: ['a1'] });
  assert.deepEqual(await admin.listTopics(), []);
});

test('kafkajs produces keyed messages with headers, gzip and acks=all; its Fetch reads each partition back in order', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const kafka = kafkajsClient(broker.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });

  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  t.after(() => producer.disconnect());
  const keys = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
  const sent = new Map<number, string[]>();
  for (let round = 0; round < 5; round++) {
    const messages = keys.map((key) => ({ key, value: `${key}-${round}`, headers: { round: String(round), source: 'kafkajs' } }));
    const acks = await producer.send({ topic: TOPIC, acks: -1, compression: kafkajs.CompressionTypes.GZIP, messages });
    for (const a of acks) assert.equal(a.errorCode, 0);
  }
  // The producer picks partitions itself; ask the broker where each key went by reading back.
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  const total = offsets.reduce((n, o) => n + Number(o.high), 0);
  assert.equal(total, keys.length * 5);

  const seenKeys = new Set<string>();
  for (const o of offsets) {
    const { messages, partitions } = await kafkajsReadPartition(kafka, TOPIC, o.partition, Number(o.high));
    for (const p of partitions) {
      assert.equal(p.lastStableOffset, p.highWatermark, 'read_committed: last stable offset is the high watermark (G15)');
      assert.deepEqual(p.abortedTransactions, []);
    }
    assert.equal(messages.length, Number(o.high));
    const values = messages.map((m) => String(m.value));
    messages.forEach((m, i) => {
      assert.equal(Number(m.offset), i);
      const key = String(m.key);
      seenKeys.add(key);
      assert.equal(String(m.headers.source), 'kafkajs');
      assert.ok(String(m.value).startsWith(`${key}-`));
    });
    // Per key, rounds arrive in the order they were sent.
    for (const key of keys) {
      const rounds = values.filter((v) => v.startsWith(`${key}-`)).map((v) => Number(v.slice(key.length + 1)));
      if (rounds.length > 0) assert.deepEqual(rounds, [0, 1, 2, 3, 4], `key ${key} in partition ${o.partition}`);
    }
    sent.set(o.partition, values);
  }
  assert.deepEqual([...seenKeys].sort(), [...keys].sort());
  assert.ok([...sent.values()].filter((v) => v.length > 0).length >= 2, 'keys spread over several partitions');
});
