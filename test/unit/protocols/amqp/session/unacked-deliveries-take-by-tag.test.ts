import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { QueueEntry, QueueRef } from '../../../../../src/broker/amqp/types.js';
import { UnackedDeliveries, byQueue } from '../../../../../src/protocols/amqp/unacked-deliveries.js';

function queue(name: string): QueueRef {
  return { name, ack: () => undefined, requeue: () => undefined, reject: () => undefined, dispatch: () => undefined };
}
function entry(seq: number): QueueEntry {
  return { seq, offset: -1, redelivered: false, enqueuedAtMs: 0, expiresAtMs: Infinity,
    message: { exchange: '', routingKey: 'q', properties: Buffer.from([0, 0]), body: Buffer.alloc(0), persistent: false, priority: 0, expirationMs: -1 } };
}

test('take one tag, multiple up to a tag, and tag 0 with multiple takes everything', () => {
  const q = queue('a');
  const u = new UnackedDeliveries();
  for (let tag = 1; tag <= 6; tag++) u.add(tag, { queue: q, entry: entry(tag), consumerTag: 'c' });
  assert.equal(u.take(9, false), null, 'unknown single tag');
  assert.deepEqual(u.take(2, false)?.map((x) => x.entry.seq), [2]);
  assert.equal(u.take(2, false), null, 'a tag is taken once');
  assert.deepEqual(u.take(4, true)?.map((x) => x.entry.seq), [1, 3, 4]);
  assert.equal(u.size, 2);
  assert.deepEqual(u.take(0, true)?.map((x) => x.entry.seq), [5, 6]);
  assert.equal(u.size, 0);
});

test('byQueue groups deliveries per queue in tag order', () => {
  const a = queue('a');
  const b = queue('b');
  const groups = byQueue([
    { queue: a, entry: entry(1), consumerTag: null },
    { queue: b, entry: entry(2), consumerTag: null },
    { queue: a, entry: entry(3), consumerTag: null },
  ]);
  assert.deepEqual([...groups].map(([q, es]) => [q.name, es.map((e) => e.seq)]), [['a', [1, 3]], ['b', [2]]]);
});
