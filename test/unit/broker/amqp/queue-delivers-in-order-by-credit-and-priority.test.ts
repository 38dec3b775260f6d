import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';
import { bodies, definition, FakeConsumer, message, QueueWorld, settle } from './queue-fixtures.js';

test('messages reach one consumer in FIFO order, in one dispatch after the publishing turn', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const c = new FakeConsumer('c');
  q.addConsumer(c);
  for (let i = 0; i < 5; i++) q.enqueue(message(`m${i}`));
  assert.equal(c.delivered.length, 0, 'delivery waits for the microtask, after consume-ok');
  await settle();
  assert.deepEqual(c.bodies, ['m0', 'm1', 'm2', 'm3', 'm4']);
  assert.equal(q.messageCount, 0);
  assert.equal(q.unackedCount, 5);
  for (const e of c.delivered) q.ack(e);
  assert.equal(q.unackedCount, 0);
});

test('consumers of equal priority take turns', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const a = new FakeConsumer('a');
  const b = new FakeConsumer('b');
  q.addConsumer(a);
  q.addConsumer(b);
  for (let i = 0; i < 6; i++) q.enqueue(message(`m${i}`));
  await settle();
  assert.deepEqual(a.bodies, ['m0', 'm2', 'm4']);
  assert.deepEqual(b.bodies, ['m1', 'm3', 'm5']);
});

test('delivery stops without credit and resumes on dispatch()', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const c = new FakeConsumer('c', { credit: 2 });
  q.addConsumer(c);
  for (let i = 0; i < 5; i++) q.enqueue(message(`m${i}`));
  await settle();
  assert.deepEqual(c.bodies, ['m0', 'm1']);
  assert.equal(q.messageCount, 3);
  c.credit = 2;
  q.dispatch();
  assert.deepEqual(c.bodies, ['m0', 'm1', 'm2', 'm3']);
  assert.equal(q.messageCount, 1);
});

test('requeued entries go back to their original place, marked redelivered', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const c = new FakeConsumer('c', { credit: 3 });
  q.addConsumer(c);
  for (let i = 0; i < 6; i++) q.enqueue(message(`m${i}`));
  await settle();
  const [m0, m1, m2] = c.delivered;
  assert.ok(m0 !== undefined && m1 !== undefined && m2 !== undefined);
  q.removeConsumer(c);
  q.requeue([m2, m0]); // out of order on purpose
  q.requeue([m1]);
  const got = [];
  for (let e = q.get(false); e !== null; e = q.get(false)) got.push(e);
  assert.deepEqual(bodies(got), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  assert.deepEqual(got.map((e) => e.redelivered), [true, true, true, false, false, false]);
});

test('a no-ack consumer settles each delivery at once; reject and ack of unknown entries are ignored', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const c = new FakeConsumer('c', { ackRequired: false });
  q.addConsumer(c);
  q.enqueue(message('a'));
  await settle();
  assert.equal(q.unackedCount, 0);
  const entry = c.delivered[0];
  assert.ok(entry !== undefined);
  q.ack(entry);
  q.reject(entry);
  assert.equal(w.hooks.deadLettered.length, 0);
});

test('x-max-priority: higher priority first, FIFO within a priority, above the maximum is capped', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-max-priority': 5 })));
  q.enqueue(message('p0-a'));
  q.enqueue(message('p9', { priority: 9 }));
  q.enqueue(message('p3', { priority: 3 }));
  q.enqueue(message('p5', { priority: 5 }));
  q.enqueue(message('p0-b'));
  const got = [];
  for (let e = q.get(false); e !== null; e = q.get(false)) got.push(e.message.body.toString());
  assert.deepEqual(got, ['p9', 'p5', 'p3', 'p0-a', 'p0-b']);
});

test('without x-max-priority the message priority is ignored', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  q.enqueue(message('a'));
  q.enqueue(message('b', { priority: 9 }));
  assert.equal(q.get(false)?.message.body.toString(), 'a');
});

test('consumer priority: the higher consumer gets everything while it has credit', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const low = new FakeConsumer('low');
  const high = new FakeConsumer('high', { priority: 10, credit: 2 });
  q.addConsumer(low);
  q.addConsumer(high);
  for (let i = 0; i < 4; i++) q.enqueue(message(`m${i}`));
  await settle();
  assert.deepEqual(high.bodies, ['m0', 'm1']);
  assert.deepEqual(low.bodies, ['m2', 'm3']);
});

test('single active consumer: only the first receives; when it leaves the next takes over', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-single-active-consumer': true })));
  const first = new FakeConsumer('first');
  const second = new FakeConsumer('second');
  q.addConsumer(first);
  q.addConsumer(second);
  assert.equal(q.activeConsumer, first);
  q.enqueue(message('a'));
  q.enqueue(message('b'));
  await settle();
  assert.deepEqual(first.bodies, ['a', 'b']);
  assert.deepEqual(second.bodies, []);
  q.removeConsumer(first);
  q.requeue(first.delivered);
  await settle();
  assert.equal(q.activeConsumer, second);
  assert.deepEqual(second.bodies, ['a', 'b']);
  assert.ok(second.delivered.every((e) => e.redelivered));
});

test('an exclusive consumer locks the queue, and cannot join one that has consumers', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  q.addConsumer(new FakeConsumer('x', { exclusive: true }));
  assert.throws(() => q.addConsumer(new FakeConsumer('y')), (e) => isWharfError(e, 'WHARF_ERR_ACCESS_REFUSED') && /in exclusive use/.test(e.message));
  const q2 = await w.open(definition('q2'));
  q2.addConsumer(new FakeConsumer('a'));
  assert.throws(() => q2.addConsumer(new FakeConsumer('x', { exclusive: true })), (e) => isWharfError(e, 'WHARF_ERR_ACCESS_REFUSED'));
  assert.equal(q2.consumerCount, 1);
});

test('an exclusive queue refuses consumers of other connections', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', new Map(), { exclusiveConnectionId: 7 }));
  assert.throws(() => q.addConsumer(new FakeConsumer('c', { connectionId: 8 })), (e) => isWharfError(e, 'WHARF_ERR_RESOURCE_LOCKED'));
  q.addConsumer(new FakeConsumer('c', { connectionId: 7 }));
});

test('a consumer calling back into the queue from deliver() does not recurse', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  let depth = 0;
  let maxDepth = 0;
  const c = new FakeConsumer('c');
  c.deliver = (_queue, entry) => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    c.delivered.push(entry);
    q.ack(entry);
    q.dispatch();
    depth--;
  };
  q.addConsumer(c);
  for (let i = 0; i < 100; i++) q.enqueue(message(`m${i}`));
  await settle();
  assert.equal(c.delivered.length, 100);
  assert.equal(maxDepth, 1);
});

test('purge drops ready messages only; delete cancels consumers', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q'));
  const c = new FakeConsumer('c', { credit: 1 });
  q.addConsumer(c);
  for (let i = 0; i < 3; i++) q.enqueue(message(`m${i}`));
  await settle();
  assert.equal(q.purge(), 2);
  assert.equal(q.messageCount, 0);
  assert.equal(q.unackedCount, 1);
  await q.delete();
  assert.equal(c.cancelled, true);
  assert.equal(q.consumerCount, 0);
});
