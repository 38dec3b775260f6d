// POST /v1/topics/{topic}/records and GET /v1/topics/{topic}/partitions/{p}/records against
// kafkajs: records produced over HTTP are read by kafkajs with their keys and headers, records
// produced by kafkajs are read over HTTP, and reads start exactly at the offset asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { kafkajsClient, kafkajsReadPartition } from '../../helpers/kafka-kafkajs.js';
import { getJson, postJson, postRaw, withHttpBroker } from './http-test-broker.js';

test('records produced over HTTP are read by kafkajs with key, value and headers', async (t) => {
  const b = await withHttpBroker(t);
  const kafka = kafkajsClient(b.kafkaBootstrap);
  const admin = kafka.admin();
  await admin.connect();
  b.beforeStop(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
  const binary = randomBytes(1000);
  binary[0] = 0xff;
  const res = await postJson(`${b.base}/v1/topics/orders/records`, {
    records: [
      { key: 'k1', value: 'v1', headers: { source: 'http', raw: { $base64: 'AP8=' }, empty: null }, partition: 1 },
      { value: binary.toString('base64'), valueEncoding: 'base64', partition: 1 },
      { key: 'k3', value: null, partition: 0 },
    ],
  });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { offsets: [{ partition: 1, offset: 0 }, { partition: 1, offset: 1 }, { partition: 0, offset: 0 }] });

  const { messages } = await kafkajsReadPartition(kafka, 'orders', 1, 2);
  const [m0, m1] = messages as [(typeof messages)[0], (typeof messages)[0]];
  assert.equal(m0.key?.toString(), 'k1');
  assert.equal(m0.value?.toString(), 'v1');
  assert.equal((m0.headers.source as Buffer).toString(), 'http');
  assert.deepEqual(m0.headers.raw, Buffer.from([0, 0xff]));
  assert.equal(m1.key, null);
  assert.ok(m1.value?.equals(binary));
  const tombstone = await kafkajsReadPartition(kafka, 'orders', 0, 1);
  assert.equal(tombstone.messages[0]?.value, null);
  assert.ok(Math.abs(Number(m0.timestamp) - Date.now()) < 60_000);
});

test('records produced by kafkajs are read over HTTP from an offset, with nextOffset and highWatermark', async (t) => {
  const b = await withHttpBroker(t);
  const kafka = kafkajsClient(b.kafkaBootstrap);
  const producer = kafka.producer();
  await producer.connect();
  b.beforeStop(() => producer.disconnect());
  const admin = kafka.admin();
  await admin.connect();
  b.beforeStop(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 1 }] });
  // One batch of three, then one of two: a read from offset 1 must skip record 0 of the first batch.
  await producer.send({ topic: 'events', acks: -1, messages: [
    { key: 'a', value: 'zero', headers: { h: 'x' }, timestamp: '1700000000000' },
    { key: 'b', value: 'one' },
    { value: Buffer.from([0xc3, 0x28]) },
  ] });
  await producer.send({ topic: 'events', acks: -1, messages: [{ value: 'three' }, { value: 'four' }] });

  const all = await getJson(`${b.base}/v1/topics/events/partitions/0/records`);
  assert.equal(all.status, 200);
  const records = all.body.records as Record<string, unknown>[];
  assert.deepEqual(records.map((r) => r.offset), [0, 1, 2, 3, 4]);
  assert.deepEqual(records[0], { offset: 0, timestamp: 1_700_000_000_000, key: 'a', keyEncoding: 'string', value: 'zero', valueEncoding: 'string', headers: { h: 'x' } });
  assert.deepEqual([records[2]?.value, records[2]?.valueEncoding, records[2]?.key], [Buffer.from([0xc3, 0x28]).toString('base64'), 'base64', null]);
  assert.deepEqual([all.body.nextOffset, all.body.highWatermark, all.body.logStartOffset], [5, 5, 0]);

  const fromOne = await getJson(`${b.base}/v1/topics/events/partitions/0/records?offset=1&maxBytes=1`);
  // maxBytes=1 still gives the whole first batch (KIP-74), and only from offset 1.
  assert.deepEqual((fromOne.body.records as Record<string, unknown>[]).map((r) => r.value), ['one', Buffer.from([0xc3, 0x28]).toString('base64')]);
  assert.equal(fromOne.body.nextOffset, 3);
  const next = await getJson(`${b.base}/v1/topics/events/partitions/0/records?offset=3&encoding=base64`);
  assert.deepEqual((next.body.records as Record<string, unknown>[]).map((r) => [r.value, r.valueEncoding]), [['dGhyZWU=', 'base64'], ['Zm91cg==', 'base64']]);
  const atEnd = await getJson(`${b.base}/v1/topics/events/partitions/0/records?offset=latest`);
  assert.deepEqual(atEnd.body, { records: [], nextOffset: 5, highWatermark: 5, logStartOffset: 0 });
});

test('produce auto-creates a topic, partitions by key like Kafka, and takes a raw body', async (t) => {
  const b = await withHttpBroker(t, { defaultPartitions: 3 });
  const raw = randomBytes(4096);
  const res = await postRaw(`${b.base}/v1/topics/fresh/records?key=user-42&partition=2`, raw);
  assert.deepEqual([res.status, res.body], [200, { offsets: [{ partition: 2, offset: 0 }] }]);
  const read = await getJson(`${b.base}/v1/topics/fresh/partitions/2/records?encoding=base64`);
  const [r0] = read.body.records as Record<string, unknown>[];
  assert.ok(Buffer.from(r0?.value as string, 'base64').equals(raw));
  assert.equal(Buffer.from(r0?.key as string, 'base64').toString(), 'user-42');

  // Same key, same partition as kafkajs's default partitioner (murmur2).
  const kafka = kafkajsClient(b.kafkaBootstrap);
  const producer = kafka.producer();
  await producer.connect();
  b.beforeStop(() => producer.disconnect());
  const [sent] = await producer.send({ topic: 'fresh', acks: -1, messages: [{ key: 'order-7', value: 'via kafkajs' }] });
  const viaHttp = await postJson(`${b.base}/v1/topics/fresh/records`, { records: [{ key: 'order-7', value: 'via http' }] });
  assert.equal((viaHttp.body.offsets as { partition: number }[])[0]?.partition, sent?.partition);
});
