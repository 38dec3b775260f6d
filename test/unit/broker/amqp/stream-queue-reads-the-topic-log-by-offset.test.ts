// Stream queues on the real model, topics and logs (in-memory disk): the queue and the Kafka topic
// of the same name are one log, consumers read it from x-stream-offset by credit, acks delete
// nothing, and the stream outlives restarts and goes with its topic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamQueue } from '../../../../src/broker/amqp/stream-queue.js';
import { produceToPartition } from '../../../../src/broker/topic-data.js';
import type { FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { readHeaders } from '../../../../src/formats/amqp/property-list.js';
import { createRecord, createRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../../../src/records/index.js';
import { FakeConsumer, message } from './queue-fixtures.js';
import { consumeOptions, deliveredOffsets, streamDeclare, StreamWorld, until } from './stream-fixtures.js';

const text = (s: string): FieldValue => ({ tag: 'S', value: Buffer.from(s) });
const code = (err: unknown): string | undefined => (err as { code?: string }).code;

async function publish(w: StreamWorld, queue: string, bodies: string[], vhost = '/'): Promise<void> {
  const stored: Promise<void>[] = [];
  for (const body of bodies) {
    const outcome = w.vhost(vhost).publish('', queue, message(body, { exchange: '', routingKey: queue }), false);
    assert.equal(outcome.routed, true);
    if (outcome.stored !== undefined) stored.push(outcome.stored);
  }
  assert.equal(stored.length, bodies.length, 'every publish to a stream waits for its append');
  await Promise.all(stored);
}

function streamQueue(w: StreamWorld, name: string, vhost = '/'): StreamQueue {
  const q = w.vhost(vhost).queue(name, 1);
  assert.ok(q instanceof StreamQueue);
  return q;
}

test('a stream queue of vhost / is a one-partition topic, kept forever unless its arguments say otherwise', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('events'));
  const t = w.topics.get('events');
  assert.ok(t);
  assert.equal(t.partitions.length, 1);
  assert.equal(w.topics.effectiveConfigs(t)['retention.ms'], '-1');
  assert.equal(w.topics.effectiveConfigs(t)['retention.bytes'], '-1');

  await w.vhost().declareQueue(streamDeclare('sized', new Map([
    ['x-max-age', text('7D')], ['x-max-length-bytes', { tag: 'l', value: 5000 }], ['x-stream-max-segment-size-bytes', { tag: 'I', value: 4096 }],
  ])));
  const sized = w.topics.get('sized');
  assert.ok(sized);
  const configs = w.topics.effectiveConfigs(sized);
  assert.equal(configs['retention.ms'], String(7 * 24 * 3600 * 1000));
  assert.equal(configs['retention.bytes'], '5000');
  assert.equal(configs['segment.bytes'], '4096');
  assert.equal(sized.partitions[0]?.config.segmentBytesMax, 4096);
  await w.close();
});

test('published messages become records of partition 0, read from first, an offset, next, last and a timestamp', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('events'));
  const q = streamQueue(w, 'events');
  // One publish per turn: each its own batch, so `last` is the last record.
  const t0 = w.time.nowMs;
  for (let i = 0; i < 10; i++) {
    await publish(w, 'events', [`m${i}`]);
    w.time.advance(1000);
  }
  const log = w.topics.partition('events', 0);
  assert.equal(log.highWatermark, 10);
  const { batches } = decodeRecordBatches((await log.read(0, 1 << 20)).bytes);
  const first = batches[0]?.records[0];
  assert.equal(first?.key?.toString(), 'events', 'the record key is the routing key');
  assert.equal(first?.value?.toString(), 'm0', 'the record value is the body');
  assert.equal(q.messageCount, 10);

  const cases: Array<[string, FieldValue | undefined, number[]]> = [
    ['first', text('first'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['offset 6', { tag: 'l', value: 6 }, [6, 7, 8, 9]],
    ['offset past the end', { tag: 'I', value: 1000 }, []],
    ['last', text('last'), [9]],
    ['timestamp', { tag: 'T', value: (t0 + 7000) / 1000 }, [7, 8, 9]],
    ['interval', text('3s'), [7, 8, 9]],
    ['next (the default)', undefined, []],
  ];
  const consumers = cases.map(([name, offset]) => {
    const c = new FakeConsumer(name);
    q.addConsumer(c, consumeOptions(offset));
    return c;
  });
  await until(() => cases.every(([, , want], i) => (consumers[i] as FakeConsumer).delivered.length >= want.length), 'the deliveries');
  await publish(w, 'events', ['m10']);
  await until(() => (consumers[6] as FakeConsumer).delivered.length === 1, 'the next record');
  for (const [i, [name, , want]] of cases.entries()) {
    assert.deepEqual(deliveredOffsets(consumers[i] as FakeConsumer), [...want, 10], `x-stream-offset ${name}`);
  }
  const got = consumers[0] as FakeConsumer;
  assert.deepEqual(got.bodies.slice(0, 3), ['m0', 'm1', 'm2']);
  assert.equal(got.delivered[0]?.message.routingKey, 'events');
  await w.close();
});

test('a consumer gets no more than its credit, acks only give credit back and delete nothing', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('events'));
  const q = streamQueue(w, 'events');
  await publish(w, 'events', Array.from({ length: 20 }, (_, i) => `m${i}`));
  const c = new FakeConsumer('c', { credit: 5 });
  q.addConsumer(c, consumeOptions(text('first'), 5));
  await until(() => c.delivered.length === 5, 'the first five');
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(c.delivered.length, 5, 'no delivery beyond the credit');
  assert.equal(q.unackedCount, 5);
  for (const e of c.delivered) q.ack(e);
  q.requeue([]);
  assert.equal(q.unackedCount, 0);
  c.credit += 5;
  q.dispatch();
  await until(() => c.delivered.length === 10, 'five more after the credit came back');
  assert.deepEqual(deliveredOffsets(c), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(q.messageCount, 20, 'acked records stay in the stream');
  assert.equal(c.delivered.every((e) => !e.redelivered), true);

  const again = new FakeConsumer('again');
  q.addConsumer(again, consumeOptions(text('first')));
  await until(() => again.delivered.length === 20, 'a second reader from the start');
  assert.deepEqual(again.bodies.slice(0, 2), ['m0', 'm1']);
  await w.close();
});

test('consumes and operations RabbitMQ refuses on a stream are refused with its codes', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('events'));
  const q = streamQueue(w, 'events');
  assert.throws(() => q.addConsumer(new FakeConsumer('a'), consumeOptions(undefined, 0)),
    (err) => code(err) === 'WHARF_ERR_PRECONDITION_FAILED' && /consumer prefetch count is not set for stream queue 'events' in vhost '\/'/.test((err as Error).message));
  assert.throws(() => q.addConsumer(new FakeConsumer('b', { ackRequired: false }), consumeOptions(undefined, 10)),
    (err) => code(err) === 'WHARF_ERR_PRECONDITION_FAILED');
  assert.throws(() => q.addConsumer(new FakeConsumer('c'), { ...consumeOptions(), globalPrefetch: 5 }), (err) => code(err) === 'WHARF_ERR_NOT_IMPLEMENTED');
  assert.throws(() => q.addConsumer(new FakeConsumer('d'), consumeOptions(text('yesterday'))),
    (err) => code(err) === 'WHARF_ERR_PRECONDITION_FAILED' && /failed consuming from stream queue 'events'/.test((err as Error).message));
  assert.throws(() => q.get(true), (err) => code(err) === 'WHARF_ERR_NOT_IMPLEMENTED' && /basic.get not supported by stream queues/.test((err as Error).message));
  await assert.rejects(w.vhost().purgeQueue('events', 1), (err) => code(err) === 'WHARF_ERR_NOT_IMPLEMENTED');
  assert.equal(q.consumerCount, 0);
  await w.close();
});

test('a Kafka topic declared as a stream keeps its records; a topic of several partitions cannot be one', async () => {
  const w = await StreamWorld.open();
  await w.topics.create('orders', 1);
  const records = Array.from({ length: 3 }, (_, i) => createRecord({
    offsetDelta: i, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), headers: [{ key: 'source', value: Buffer.from('kafka') }],
  }));
  await produceToPartition(w.topics, 'orders', 0, encodeRecordBatch(createRecordBatch({ baseTimestamp: 1_700_000_000_000, records })));
  const declared = await w.vhost().declareQueue(streamDeclare('orders'));
  assert.equal(declared.messageCount, 3);
  const q = streamQueue(w, 'orders');
  const c = new FakeConsumer('c');
  q.addConsumer(c, consumeOptions(text('first')));
  await until(() => c.delivered.length === 3, 'the Kafka records');
  assert.deepEqual(c.bodies, ['v0', 'v1', 'v2']);
  assert.deepEqual(c.delivered.map((e) => e.message.routingKey), ['k0', 'k1', 'k2'], 'the record key is the routing key');
  const headers = readHeaders(c.delivered[1]?.message.properties ?? Buffer.alloc(2));
  assert.deepEqual(headers?.get('source'), { tag: 'S', value: Buffer.from('kafka') });
  assert.deepEqual(headers?.get('x-stream-offset'), { tag: 'l', value: 1 });

  await w.topics.create('wide', 2);
  await assert.rejects(w.vhost().declareQueue(streamDeclare('wide')), (err) => code(err) === 'WHARF_ERR_PRECONDITION_FAILED' && /has 2 partitions/.test((err as Error).message));
  await assert.rejects(w.vhost().declareQueue(streamDeclare('no spaces')), (err) => code(err) === 'WHARF_ERR_PRECONDITION_FAILED');
  await w.close();
});

test('deleting the topic over Kafka cancels the consumers and removes the queue; deleting the queue deletes the topic', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('a'));
  await w.vhost().declareQueue(streamDeclare('b'));
  await w.vhost().bindQueue('a', 'amq.fanout', '', new Map(), 1);
  const c = new FakeConsumer('c');
  streamQueue(w, 'a').addConsumer(c, consumeOptions());
  await w.topics.delete('a');
  assert.equal(c.cancelled, true);
  await until(() => w.vhost().listQueues().every((info) => info.name !== 'a'), 'the queue to go');
  assert.equal(w.vhost().publish('amq.fanout', '', message('x'), false).routed, false, 'its bindings went with it');

  assert.equal(await w.vhost().deleteQueue('b', false, false, 1), 0);
  assert.equal(w.topics.get('b'), undefined);
  await w.close();
});

test('stream definitions and records survive a restart', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('events'));
  await publish(w, 'events', ['a', 'b', 'c']);
  await w.restart();
  const q = streamQueue(w, 'events');
  assert.equal(q.messageCount, 3);
  const c = new FakeConsumer('c');
  q.addConsumer(c, consumeOptions(text('first')));
  await publish(w, 'events', ['d']);
  await until(() => c.delivered.length === 4, 'old and new records');
  assert.deepEqual(c.bodies, ['a', 'b', 'c', 'd']);
  assert.deepEqual(deliveredOffsets(c), [0, 1, 2, 3]);
  await w.close();
});

test('a stream of another vhost keeps its records in a log of its own, not in a topic', async () => {
  const w = await StreamWorld.open();
  await w.vhost('other').declareQueue(streamDeclare('events'));
  assert.equal(w.topics.get('events'), undefined);
  await publish(w, 'events', ['x', 'y'], 'other');
  const q = streamQueue(w, 'events', 'other');
  assert.equal(q.messageCount, 2);
  await w.restart();
  assert.equal(streamQueue(w, 'events', 'other').messageCount, 2);
  await w.vhost('other').deleteQueue('events', false, false, 1);
  assert.deepEqual(w.logs.names().filter((n) => n.startsWith('~s.')), []);
  await w.close();
});

test('x-max-length-bytes trims whole old segments; a reader behind the log start goes on from the oldest record kept', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('small', new Map([
    ['x-max-length-bytes', { tag: 'l', value: 4096 }], ['x-stream-max-segment-size-bytes', { tag: 'l', value: 1024 }],
  ])));
  const q = streamQueue(w, 'small');
  const slow = new FakeConsumer('slow', { credit: 1 });
  q.addConsumer(slow, consumeOptions(text('first')));
  for (let i = 0; i < 60; i++) await publish(w, 'small', [`${i}`.padStart(100, '.')]);
  await until(() => slow.delivered.length === 1, 'the first record');
  await w.logs.applyRetention();
  const log = w.topics.partition('small', 0);
  assert.ok(log.logStartOffset > 0, 'old segments were deleted');
  assert.ok(log.sizeBytes <= 4096 + 1024 + 256, `the stream keeps about x-max-length-bytes (${log.sizeBytes})`);
  slow.credit = 100;
  q.dispatch();
  await until(() => slow.delivered.length > 1 && deliveredOffsets(slow).at(-1) === 59, 'the rest');
  const offsets = deliveredOffsets(slow);
  assert.ok(offsets.includes(log.logStartOffset) && offsets.length < 60, `the reader skipped to the log start ${log.logStartOffset}: ${offsets.join(',')}`);
  assert.deepEqual([...offsets].sort((a, b) => a - b), offsets, 'in offset order');
  await w.close();
});

test('a consumer without consume options (an HTTP or WebSocket subscription) starts at next; a removed consumer gets nothing more', async () => {
  const w = await StreamWorld.open();
  await w.vhost().declareQueue(streamDeclare('events'));
  const q = streamQueue(w, 'events');
  await publish(w, 'events', ['old']);
  const sub = new FakeConsumer('sub', { ackRequired: false });
  q.addConsumer(sub);
  const leaving = new FakeConsumer('leaving');
  q.addConsumer(leaving, consumeOptions(text('first')));
  await until(() => leaving.delivered.length === 1, 'the old record');
  q.removeConsumer(leaving);
  assert.equal(q.consumerCount, 1);
  await publish(w, 'events', ['new']);
  await until(() => sub.delivered.length === 1, 'the new record');
  assert.deepEqual(sub.bodies, ['new']);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(leaving.bodies, ['old']);
  await w.close();
});
