import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import { Queue } from '../../../../src/broker/amqp/queue.js';
import { readDeaths } from '../../../../src/broker/amqp/x-death.js';
import { definition, FakeConsumer, message, QueueWorld, settle } from './queue-fixtures.js';

test('x-message-ttl: expired messages are never delivered and are dead-lettered by a timer without consumers', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-message-ttl': 1000, 'x-dead-letter-exchange': 'dlx' })));
  q.enqueue(message('old'));
  w.time.advance(500);
  q.enqueue(message('young'));
  w.time.advance(500); // 'old' is due now
  assert.equal(q.messageCount, 1);
  assert.equal(w.hooks.deadLettered.length, 1);
  const dl = w.hooks.deadLettered[0];
  assert.equal(dl?.exchange, 'dlx');
  assert.equal(dl?.message.body.toString(), 'old');
  assert.equal(readDeaths(dl?.message.headers)[0]?.reason, 'expired');
  assert.equal(q.get(false)?.message.body.toString(), 'young');
});

test('per-message expiration and the queue TTL: the smaller wins; a consumer arriving late gets only live ones', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-message-ttl': 5000 })));
  q.enqueue(message('short', { expiration: '100' }));
  q.enqueue(message('long', { expiration: '60000' })); // capped by the queue's 5 s
  w.time.advance(200);
  const c = new FakeConsumer('c');
  q.addConsumer(c);
  await settle();
  assert.deepEqual(c.bodies, ['long']);
  assert.equal(c.delivered[0]?.expiresAtMs, c.delivered[0]!.enqueuedAtMs + 5000);
});

test('get() and dispatch skip expired heads even before the TTL timer fires', async () => {
  const w = new QueueWorld();
  const silentTimers = { set: (): unknown => ({}), clear: (): void => undefined };
  const q = await Queue.open(definition('q'), w.hooks, { ...w.deps(), timers: silentTimers });
  q.enqueue(message('a', { expiration: '10' }));
  q.enqueue(message('b'));
  q.enqueue(message('c', { expiration: '10' }));
  w.time.advance(20);
  assert.equal(q.get(false)?.message.body.toString(), 'b');
  const consumer = new FakeConsumer('late');
  q.addConsumer(consumer);
  await settle();
  assert.deepEqual(consumer.bodies, []);
  assert.equal(q.messageCount, 0);
});

test('TTL 0: delivered only to a consumer that can take it now, otherwise expired at once', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-message-ttl': 0, 'x-dead-letter-exchange': 'dlx' })));
  q.enqueue(message('nobody'));
  assert.equal(q.messageCount, 0);
  assert.equal(w.hooks.deadLettered.length, 1);
  const c = new FakeConsumer('c', { credit: 1 });
  q.addConsumer(c);
  q.enqueue(message('taken'));
  q.enqueue(message('no-credit'));
  assert.deepEqual(c.bodies, ['taken']);
  assert.equal(w.hooks.deadLettered.length, 2);
  assert.equal(q.messageCount, 0);
});

test('a requeued message past its expiry is expired, not requeued', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-message-ttl': 100, 'x-dead-letter-exchange': 'dlx' })));
  const c = new FakeConsumer('c');
  q.addConsumer(c);
  q.enqueue(message('a'));
  await settle();
  w.time.advance(150);
  q.requeue(c.delivered);
  assert.equal(q.messageCount, 0);
  assert.equal(w.hooks.deadLettered.length, 1);
});

test('x-expires: deleted after being unused; get, redeclare and consumers keep it alive', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-expires': 10_000 })));
  w.time.advance(6000);
  q.get(false);
  w.time.advance(6000);
  q.touch();
  w.time.advance(6000);
  assert.equal(w.hooks.expired, 0);
  const c = new FakeConsumer('c');
  q.addConsumer(c);
  w.time.advance(60_000);
  assert.equal(w.hooks.expired, 0, 'a queue with consumers never expires');
  q.removeConsumer(c);
  w.time.advance(9999);
  assert.equal(w.hooks.expired, 0);
  w.time.advance(1);
  assert.equal(w.hooks.expired, 1);
});

test('x-expires: publishing does not count as use', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-expires': 1000 })));
  w.time.advance(500);
  q.enqueue(message('a'));
  w.time.advance(500);
  assert.equal(w.hooks.expired, 1);
});

test('auto-delete fires when the last consumer leaves, never before the first one came', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', new Map(), { autoDelete: true }));
  const a = new FakeConsumer('a');
  const b = new FakeConsumer('b');
  q.removeConsumer(a);
  assert.equal(w.hooks.autoDeleted, 0);
  q.addConsumer(a);
  q.addConsumer(b);
  q.removeConsumer(a);
  assert.equal(w.hooks.autoDeleted, 0);
  q.removeConsumer(b);
  assert.equal(w.hooks.autoDeleted, 1);
});

test('delete and close stop every timer', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-expires': 1000, 'x-message-ttl': 500 })));
  q.enqueue(message('a'));
  assert.ok(w.time.pendingTimers > 0);
  await q.delete();
  assert.equal(w.time.pendingTimers, 0);
  const q2 = await w.open(definition('q2', tableFromPlain({ 'x-expires': 1000, 'x-message-ttl': 500 })));
  q2.enqueue(message('a'));
  await q2.close();
  assert.equal(w.time.pendingTimers, 0);
});
