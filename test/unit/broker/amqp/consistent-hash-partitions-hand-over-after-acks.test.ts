// The partitions of a partitioned queue (x-partition-of / x-partition-index) pick one active
// consumer per partition, by connection, so that clients subscribed to every partition get one
// partition each; a partition hands over to a new active consumer only once the previous one's
// deliveries are settled, so a key's messages never overtake each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionQueueArguments } from '../../../../src/broker/amqp/partitioned-queue.js';
import type { Queue } from '../../../../src/broker/amqp/queue.js';
import type { QueueEntry } from '../../../../src/broker/amqp/types.js';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import { definition, FakeConsumer, message, QueueWorld, settle } from './queue-fixtures.js';

function deliveryOf(c: FakeConsumer, i: number): QueueEntry {
  const e = c.delivered[i];
  assert.ok(e !== undefined, `${c.tag} has a delivery #${i}`);
  return e;
}

async function partitions(w: QueueWorld, name: string, n: number): Promise<Queue[]> {
  const out: Queue[] = [];
  for (let i = 0; i < n; i++) out.push(await w.open(definition(`${name}-${i}`, partitionQueueArguments(name, i))));
  return out;
}

test('four clients subscribed to four partitions get one partition each; channels of one connection count once', async () => {
  const w = new QueueWorld();
  const parts = await partitions(w, 'orders', 4);
  const clients = [11, 12, 13, 14].map((connectionId) => parts.map((_, i) => new FakeConsumer(`c${connectionId}-p${i}`, { connectionId })));
  // Subscriptions arrive interleaved and in different orders per partition: only connection ids matter.
  for (let i = 3; i >= 0; i--) for (const c of [2, 0, 3, 1]) (parts[i] as Queue).addConsumer((clients[c] as FakeConsumer[])[i] as FakeConsumer);
  // A second channel of client 11 on every partition does not count as another client.
  for (let i = 0; i < 4; i++) (parts[i] as Queue).addConsumer(new FakeConsumer(`c11b-p${i}`, { connectionId: 11 }));
  for (let i = 0; i < 4; i++) assert.equal((parts[i] as Queue).activeConsumer, (clients[i] as FakeConsumer[])[i], `partition ${i} goes to client ${i}`);
  for (let i = 0; i < 4; i++) for (let m = 0; m < 3; m++) (parts[i] as Queue).enqueue(message(`p${i}m${m}`));
  await settle();
  for (let c = 0; c < 4; c++) {
    for (let i = 0; i < 4; i++) assert.deepEqual(((clients[c] as FakeConsumer[])[i] as FakeConsumer).bodies, c === i ? [`p${i}m0`, `p${i}m1`, `p${i}m2`] : []);
  }
  // Client 12 leaves: its partition goes to a survivor, and the 3 survivors hold all 4 partitions.
  for (let i = 0; i < 4; i++) {
    const c = (clients[1] as FakeConsumer[])[i] as FakeConsumer;
    (parts[i] as Queue).requeue(c.delivered);
    (parts[i] as Queue).removeConsumer(c);
  }
  const owners = parts.map((q) => q.activeConsumer?.connectionId);
  assert.deepEqual(owners, [11, 13, 14, 11]);
  await settle();
  assert.deepEqual(((clients[2] as FakeConsumer[])[1] as FakeConsumer).bodies, ['p1m0', 'p1m1', 'p1m2']);
  assert.ok(((clients[2] as FakeConsumer[])[1] as FakeConsumer).delivered.every((e) => e.redelivered));
});

test('a new consumer takes over only after the previous active one has settled its deliveries', async () => {
  const w = new QueueWorld();
  const q = (await partitions(w, 'p', 2))[1] as Queue;
  const a = new FakeConsumer('a', { connectionId: 1 });
  const b = new FakeConsumer('b', { connectionId: 2 });
  q.addConsumer(a);
  q.enqueue(message('m0'));
  q.enqueue(message('m1'));
  await settle();
  assert.deepEqual(a.bodies, ['m0', 'm1']);
  q.addConsumer(b); // partition 1 of 2 connections → the second one, b
  assert.equal(q.activeConsumer, b);
  q.enqueue(message('m2'));
  await settle();
  assert.deepEqual(b.bodies, [], 'b waits while a still holds m0 and m1');
  assert.deepEqual(a.bodies, ['m0', 'm1'], 'and a gets nothing new either');
  q.ack(deliveryOf(a, 0));
  await settle();
  assert.deepEqual(b.bodies, []);
  q.ack(deliveryOf(a, 1));
  await settle();
  assert.deepEqual(b.bodies, ['m2']);
  assert.equal(b.delivered[0]?.redelivered, false);
});

test('a consumer that leaves with unacked deliveries: they are requeued in place and the next active gets them first', async () => {
  const w = new QueueWorld();
  const q = (await partitions(w, 'p', 1))[0] as Queue;
  const a = new FakeConsumer('a', { connectionId: 1, credit: 3 });
  const b = new FakeConsumer('b', { connectionId: 2 });
  q.addConsumer(a);
  q.addConsumer(b);
  for (let i = 0; i < 6; i++) q.enqueue(message(`m${i}`));
  await settle();
  assert.deepEqual(a.bodies, ['m0', 'm1', 'm2']);
  q.ack(deliveryOf(a, 0));
  // The connection is lost: the channel requeues first, then its consumers leave (channel.release).
  q.requeue(a.delivered.slice(1));
  q.removeConsumer(a);
  await settle();
  assert.deepEqual(b.bodies, ['m1', 'm2', 'm3', 'm4', 'm5']);
  assert.deepEqual(b.delivered.map((e) => e.redelivered), [true, true, false, false, false]);
});

test('a consumer that cancels but keeps its channel holds the partition until it acks what it has', async () => {
  const w = new QueueWorld();
  const q = (await partitions(w, 'p', 1))[0] as Queue;
  const a = new FakeConsumer('a', { connectionId: 1 });
  const b = new FakeConsumer('b', { connectionId: 2 });
  q.addConsumer(a);
  q.addConsumer(b);
  q.enqueue(message('m0'));
  await settle();
  q.removeConsumer(a); // basic.cancel: m0 stays unacked on a's channel
  q.enqueue(message('m1'));
  await settle();
  assert.deepEqual(b.bodies, []);
  q.reject(deliveryOf(a, 0));
  await settle();
  assert.deepEqual(b.bodies, ['m1']);
});

test('partition arguments are checked: both are needed, with the right types', async () => {
  const w = new QueueWorld();
  const bad = [
    [{ 'x-partition-of': 'x' }, /x-partition-of.*needs x-partition-index/],
    [{ 'x-partition-index': 1 }, /x-partition-index.*needs x-partition-of/],
    [{ 'x-partition-of': 5, 'x-partition-index': 1 }, /x-partition-of/],
    [{ 'x-partition-of': 'x', 'x-partition-index': 'one' }, /x-partition-index/],
    [{ 'x-partition-of': 'x', 'x-partition-index': -1 }, /out of range/],
  ] as const;
  for (const [plain, text] of bad) {
    await assert.rejects(w.open(definition('q', tableFromPlain(plain))), (err: Error & { code?: string }) => err.code === 'WHARF_ERR_PRECONDITION_FAILED' && text.test(err.message));
  }
});
