// Group subscriptions over the WebSocket: `subscribe {topic, group}` reads every partition of a
// topic kafkajs produced to, from the group's committed offsets; acks commit them (visible to
// kafkajs admin.fetchOffsets), so a socket that subscribes again with the group resumes.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { waitFor } from '../../helpers/wait-for.js';
import { withWsBroker, type Frame, type WsTestBroker } from './ws-test-broker.js';

const isRecord = (f: Frame): boolean => f.op === 'record';
const PARTITIONS = 3;

async function kafka(t: TestContext, b: WsTestBroker, topic: string): Promise<{ producer: Producer; admin: Admin; client: Kafka }> {
  const client = new Kafka({ clientId: 'ws-group-test', brokers: [b.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  const producer = client.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  return { producer, admin, client };
}

/** Two records per partition: value p<partition>-<n>. */
async function produce(p: Producer, topic: string, from: number, count: number): Promise<void> {
  const messages = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (let n = from; n < from + count; n++) messages.push({ partition, value: `p${partition}-${n}` });
  }
  await p.send({ topic, messages });
}

async function committed(admin: Admin, groupId: string, topic: string): Promise<Record<number, string>> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((t?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

test('a group subscription reads every partition; acks commit, and the group resumes after them', async (t) => {
  const b = await withWsBroker(t);
  const { producer, admin } = await kafka(t, b, 'events');
  await produce(producer, 'events', 0, 2);

  const c = await b.connect();
  assert.deepEqual(await c.call({ op: 'subscribe', id: 'g', topic: 'events', group: 'web', offset: 'earliest', prefetch: 100 }), { op: 'subscribed', id: 'g' });
  const first = await c.take(isRecord, 6);
  assert.deepEqual(new Set(first.map((f) => f.partition)), new Set([0, 1, 2]));
  assert.deepEqual(first.map((f) => f.value).sort(), ['p0-0', 'p0-1', 'p1-0', 'p1-1', 'p2-0', 'p2-1']);

  // Ack both records of partition 0 and the first of partition 1; leave the rest unacked.
  const acked = first.filter((f) => f.partition === 0 || (f.partition === 1 && f.offset === 0));
  for (const f of acked) c.send({ op: 'ack', id: 'g', tag: f.tag });
  assert.deepEqual(await waitFor(async () => {
    const offsets = await committed(admin, 'web', 'events');
    return offsets[0] === '2' && offsets[1] === '1' ? offsets : undefined;
  }, 5_000, 'the commits to show in fetchOffsets'), { 0: '2', 1: '1', 2: '-1' });
  c.ws.close();
  await c.closed();

  // Same group on a new socket: the acked ones are not read again, the unacked ones are.
  await produce(producer, 'events', 2, 1);
  const again = await b.connect();
  // Partition 2 has no commit yet: it starts from `offset` again, so the same options are sent.
  await again.call({ op: 'subscribe', id: 'g2', topic: 'events', group: 'web', offset: 'earliest', prefetch: 100 });
  const resumed = await again.take(isRecord, 6);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(again.count(isRecord), 6);
  assert.deepEqual(resumed.map((f) => f.value).sort(), ['p0-2', 'p1-1', 'p1-2', 'p2-0', 'p2-1', 'p2-2']);
  assert.ok(resumed.every((f) => f.id === 'g2'));

  // Acks right before unsubscribe are committed on the way out.
  for (const f of resumed) again.send({ op: 'ack', id: 'g2', tag: f.tag });
  assert.deepEqual(await again.call({ op: 'unsubscribe', id: 'g2' }), { op: 'unsubscribed', id: 'g2' });
  assert.deepEqual(await waitFor(async () => {
    const offsets = await committed(admin, 'web', 'events');
    return Object.values(offsets).every((o) => o === '3') ? offsets : undefined;
  }, 5_000, 'every partition committed at 3'), { 0: '3', 1: '3', 2: '3' });
});

test('a new group starts at latest by default and at earliest when asked; prefetch bounds all partitions', async (t) => {
  const b = await withWsBroker(t);
  const { producer } = await kafka(t, b, 'feed');
  await produce(producer, 'feed', 0, 2);
  const c = await b.connect();
  await c.call({ op: 'subscribe', id: 'late', topic: 'feed', group: 'g-latest' });
  await c.call({ op: 'subscribe', id: 'all', topic: 'feed', group: 'g-earliest', offset: 'earliest', prefetch: 4 });
  const four = await c.take((f) => isRecord(f) && f.id === 'all', 4);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(c.count((f) => isRecord(f) && f.id === 'all'), 4, 'prefetch 4 across three partitions');
  assert.equal(c.count((f) => isRecord(f) && f.id === 'late'), 0);
  for (const f of four) c.send({ op: 'ack', id: 'all', tag: f.tag });
  const six = await c.take((f) => isRecord(f) && f.id === 'all', 6);
  assert.deepEqual(six.map((f) => f.value).sort(), ['p0-0', 'p0-1', 'p1-0', 'p1-1', 'p2-0', 'p2-1']);

  await produce(producer, 'feed', 2, 1);
  const late = await c.take((f) => isRecord(f) && f.id === 'late', 3);
  assert.deepEqual(late.map((f) => f.value).sort(), ['p0-2', 'p1-2', 'p2-2']);
});

test('bad group subscriptions are refused; a group with Kafka members is group_in_use', async (t) => {
  const b = await withWsBroker(t);
  const { client, producer } = await kafka(t, b, 'jobs');
  const c = await b.connect();
  const bad = [
    { op: 'subscribe', id: 1, topic: 'jobs', group: 'g', partition: 0 },
    { op: 'subscribe', id: 2, topic: 'jobs', group: '' },
    { op: 'subscribe', id: 3, topic: 'jobs', group: 'x'.repeat(256) },
    { op: 'subscribe', id: 4, topic: 'jobs', group: 42 },
    { op: 'subscribe', id: 5, topic: 'jobs', group: 'g', offset: 3 },
    { op: 'subscribe', id: 6, topic: 'jobs', group: 'g', ack: 'auto' },
    { op: 'subscribe', id: 7, queue: 'q', group: 'g' },
  ];
  for (const op of bad) {
    const answer = await c.call(op);
    assert.equal(answer.op, 'error', JSON.stringify(op));
    assert.equal(answer.code, 'bad_request', JSON.stringify(op));
  }
  assert.equal((await c.call({ op: 'subscribe', id: 8, topic: 'nope', group: 'g' })).code, 'unknown_topic');
  assert.equal((await c.call({ op: 'ack', id: 9, tag: 1 })).code, 'bad_request');

  // A socket reading for the group before Kafka members join it ...
  await c.call({ op: 'subscribe', id: 'early', topic: 'jobs', group: 'kafka-app', offset: 'earliest' });
  await producer.send({ topic: 'jobs', messages: [{ partition: 0, value: 'before' }] });
  const before = await c.one((f) => f.op === 'record' && f.id === 'early');

  const consumer = client.consumer({ groupId: 'kafka-app' });
  await consumer.connect();
  // Disconnected here, not in t.after: that runs after the broker stopped, and the leave would hang.
  try {
    await consumer.subscribe({ topic: 'jobs', fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({ eachMessage: async () => undefined });
    await waitFor(() => (joined ? true : undefined), 15_000, 'the kafkajs consumer to join');
    await producer.send({ topic: 'jobs', messages: [{ value: 'x' }] });
    const refused = await c.call({ op: 'subscribe', id: 10, topic: 'jobs', group: 'kafka-app' });
    assert.equal(refused.op, 'error');
    assert.equal(refused.code, 'group_in_use');
    // ... has its next commit refused: the subscription ends with group_in_use.
    c.send({ op: 'ack', id: 'early', tag: before.tag });
    const ended = await c.one((f) => f.op === 'error' && f.id === 'early');
    assert.equal(ended.code, 'group_in_use');
    assert.equal((await c.call({ op: 'unsubscribe', id: 'early' })).code, 'bad_request', 'the subscription is gone');
  } finally {
    await consumer.disconnect();
  }
});
