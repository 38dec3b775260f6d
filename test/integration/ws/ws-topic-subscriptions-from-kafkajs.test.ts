// Topic subscriptions over the WebSocket: records produced by kafkajs are pushed as `record`
// frames from the start offset asked for, new ones as they arrive, with at most `prefetch` unacked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { withWsBroker, type Frame, type WsTestBroker } from './ws-test-broker.js';
import type { TestContext } from 'node:test';

const isRecord = (f: Frame): boolean => f.op === 'record';

async function producer(t: TestContext, b: WsTestBroker, topic: string): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'ws-test', brokers: [b.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const p = kafka.producer();
  await p.connect();
  t.after(() => p.disconnect());
  return p;
}

test('a topic subscription from earliest gets kafkajs records, then new ones as they arrive', async (t) => {
  const b = await withWsBroker(t);
  const p = await producer(t, b, 'orders');
  await p.send({ topic: 'orders', messages: [
    { partition: 1, key: 'k1', value: 'first', headers: { source: 'kafkajs' } },
    { partition: 1, key: null, value: Buffer.from([0xc3, 0x28]) },
  ] });
  const c = await b.connect();
  assert.deepEqual(await c.call({ op: 'subscribe', id: 'o', topic: 'orders', partition: 1, offset: 'earliest', prefetch: 100, ack: 'auto' }), { op: 'subscribed', id: 'o' });
  const [r0, r1] = await c.take(isRecord, 2);
  assert.equal(r0?.offset, 0);
  assert.equal(r0?.partition, 1);
  assert.equal(r0?.key, 'k1');
  assert.equal(r0?.value, 'first');
  assert.equal(r0?.valueEncoding, 'string');
  assert.deepEqual(r0?.headers, { source: 'kafkajs' });
  assert.equal(typeof r0?.timestamp, 'number');
  assert.equal(r1?.key, null);
  assert.equal(r1?.valueEncoding, 'base64');
  assert.equal(r1?.offset, 1);

  await p.send({ topic: 'orders', messages: [{ partition: 1, value: 'later' }] });
  const r2 = await c.one((f) => isRecord(f) && f.offset === 2);
  assert.equal(r2.value, 'later');

  // Another subscription from "latest" sees only what comes after it.
  await c.call({ op: 'subscribe', id: 'new', topic: 'orders', partition: 1, offset: 'latest', ack: 'auto' });
  await p.send({ topic: 'orders', messages: [{ partition: 1, value: 'newest' }] });
  const fresh = await c.one((f) => isRecord(f) && f.id === 'new');
  assert.equal(fresh.offset, 3);
  assert.equal(c.count((f) => isRecord(f) && f.id === 'new'), 1);
});

test('manual-ack topic subscriptions hold at most prefetch records; acks grant credit', async (t) => {
  const b = await withWsBroker(t);
  const p = await producer(t, b, 'ticks');
  await p.send({ topic: 'ticks', messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `t${i}` })) });
  const c = await b.connect();
  await c.call({ op: 'subscribe', id: 't', topic: 'ticks', offset: 1, prefetch: 2 });
  const first = await c.take(isRecord, 2);
  assert.deepEqual(first.map((f) => f.offset), [1, 2]);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(c.count(isRecord), 2);
  c.send({ op: 'ack', id: 't', tag: first[0]?.tag });
  c.send({ op: 'ack', id: 't', tag: first[1]?.tag });
  const all = await c.take(isRecord, 4);
  assert.deepEqual(all.map((f) => f.value), ['t1', 't2', 't3', 't4']);
  const outside = await c.call({ op: 'subscribe', id: 'far', topic: 'ticks', offset: 99 });
  assert.equal(outside.op, 'error');
  const unknown = await c.call({ op: 'subscribe', id: 'u', topic: 'no-such-topic' });
  assert.equal(unknown.code, 'unknown_topic');
});
