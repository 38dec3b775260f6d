import { test } from 'node:test';
import assert from 'node:assert/strict';
import { args, errorWith, NO_ARGS, openModel, queue } from './model-fakes.js';

test('redeclare: equivalent succeeds and touches the queue (x-expires); inequivalent is PRECONDITION_FAILED', async () => {
  const { vhost } = await openModel();
  const q = await queue(vhost, 'rpc', { autoDelete: true, arguments: args({ 'x-expires': 86_400_000, 'x-custom': 'a' }) });
  // Same x-expires in another integer width, and a different argument RabbitMQ does not compare.
  const again = await queue(vhost, 'rpc', { autoDelete: true, arguments: new Map([['x-expires', { tag: 'l', value: 86_400_000 }]]) });
  assert.equal(again, q);
  assert.equal(q.touched, 1);
  await assert.rejects(queue(vhost, 'rpc', { autoDelete: true, arguments: args({ 'x-expires': 1000 }) }),
    errorWith('WHARF_ERR_PRECONDITION_FAILED', "inequivalent arg 'x-expires' for queue 'rpc' in vhost '/': received the value '1000' of type 'signedint' but current is the value '86400000' of type 'signedint'"));
  await assert.rejects(queue(vhost, 'rpc', { autoDelete: true, arguments: args({ 'x-expires': 86_400_000, 'x-max-length': 5 }) }),
    errorWith('WHARF_ERR_PRECONDITION_FAILED', "inequivalent arg 'x-max-length' for queue 'rpc' in vhost '/': received the value '5' of type 'signedint' but current is none"));
  await assert.rejects(queue(vhost, 'rpc', { durable: true, autoDelete: true, arguments: args({ 'x-expires': 86_400_000 }) }),
    errorWith('WHARF_ERR_PRECONDITION_FAILED', "inequivalent arg 'durable' for queue 'rpc' in vhost '/': received 'true' but current is 'false'"));
  // x-queue-type classic is what a missing x-queue-type means.
  await queue(vhost, 'plain');
  await queue(vhost, 'plain', { arguments: args({ 'x-queue-type': 'classic' }) });
});

test('passive declare: NOT_FOUND when missing, counts and a touch when present', async () => {
  const { vhost } = await openModel();
  await assert.rejects(queue(vhost, 'missing', { passive: true }), errorWith('WHARF_ERR_NOT_FOUND', "no queue 'missing' in vhost '/'"));
  const q = await queue(vhost, 'q');
  q.consumerCount = 2;
  vhost.publish('', 'q', { exchange: '', routingKey: 'q', properties: Buffer.alloc(2), body: Buffer.alloc(0), persistent: false, priority: 0, expirationMs: -1 }, false);
  const r = await vhost.declareQueue({ name: 'q', passive: true, durable: false, exclusive: false, autoDelete: false, arguments: NO_ARGS, connectionId: 9 });
  assert.deepEqual({ messages: r.messageCount, consumers: r.consumerCount, touched: q.touched }, { messages: 1, consumers: 2, touched: 1 });
});

test('server-named queues are amq.gen-…; amq.* names cannot be declared', async () => {
  const { vhost } = await openModel();
  const a = await queue(vhost, '');
  const b = await queue(vhost, '');
  assert.match(a.definition.name, /^amq\.gen-[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a.definition.name, b.definition.name);
  await assert.rejects(queue(vhost, 'amq.mine'), errorWith('WHARF_ERR_ACCESS_REFUSED', "queue name 'amq.mine' contains reserved prefix 'amq.*'"));
  // A server-named queue is reached passively.
  assert.equal(await queue(vhost, a.definition.name, { passive: true }), a);
});

test('exclusive queues: locked to other connections, not durable, deleted with their connection', async () => {
  const { vhost } = await openModel();
  const q = await queue(vhost, 'mine', { exclusive: true, durable: true, connectionId: 7 });
  assert.equal(q.definition.durable, false);
  assert.equal(q.definition.id, -1);
  const locked = errorWith('WHARF_ERR_RESOURCE_LOCKED', "cannot obtain exclusive access to locked queue 'mine' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");
  assert.throws(() => vhost.queue('mine', 8), locked);
  await assert.rejects(queue(vhost, 'mine', { exclusive: true, connectionId: 8 }), locked);
  // Same connection but without the exclusive flag: also locked (the strict check).
  await assert.rejects(queue(vhost, 'mine', { connectionId: 7 }), locked);
  await assert.rejects(queue(vhost, 'mine', { passive: true, connectionId: 8 }), locked);
  await assert.rejects(vhost.bindQueue('mine', 'amq.direct', 'k', NO_ARGS, 8), locked);
  await assert.rejects(vhost.purgeQueue('mine', 8), locked);
  await assert.rejects(vhost.deleteQueue('mine', false, false, 8), locked);
  assert.equal(vhost.queue('mine', 7), q);
  // Publishing to it from anywhere is allowed, as in RabbitMQ.
  assert.equal(vhost.publish('', 'mine', { exchange: '', routingKey: 'mine', properties: Buffer.alloc(2), body: Buffer.alloc(0), persistent: false, priority: 0, expirationMs: -1 }, false).routed, true);
  await vhost.connectionClosed(8);
  assert.equal(q.deleted, false);
  await vhost.connectionClosed(7);
  assert.equal(q.deleted, true);
  assert.throws(() => vhost.queue('mine', 7), errorWith('WHARF_ERR_NOT_FOUND'));
});

test('delete: missing gives 0, if-unused and if-empty refuse, the count is returned, bindings go', async () => {
  const { vhost } = await openModel();
  assert.equal(await vhost.deleteQueue('nothing', false, false, 1), 0);
  const q = await queue(vhost, 'q');
  await vhost.bindQueue('q', 'amq.fanout', '', NO_ARGS, 1);
  vhost.publish('amq.fanout', '', { exchange: 'amq.fanout', routingKey: '', properties: Buffer.alloc(2), body: Buffer.alloc(0), persistent: false, priority: 0, expirationMs: -1 }, false);
  q.consumerCount = 1;
  await assert.rejects(vhost.deleteQueue('q', true, false, 1), errorWith('WHARF_ERR_PRECONDITION_FAILED', "queue 'q' in vhost '/' in use"));
  q.consumerCount = 0;
  await assert.rejects(vhost.deleteQueue('q', false, true, 1), errorWith('WHARF_ERR_PRECONDITION_FAILED', "queue 'q' in vhost '/' not empty"));
  assert.equal(await vhost.deleteQueue('q', true, false, 1), 1);
  assert.equal(q.deleted, true);
  assert.equal(vhost.listBindings().length, 0);
});

test('argument validation runs before a new queue is created', async () => {
  const { vhost, factory } = await openModel();
  await assert.rejects(queue(vhost, 'bad', { arguments: args({ 'x-max-length': 'ten' }) }), /bad x-max-length/);
  assert.equal(factory.opened.length, 0);
});

test('queue hooks: x-expires and auto-delete remove the queue; a stale queue object is ignored', async () => {
  const { vhost } = await openModel();
  const q = await queue(vhost, 'pidbox', { autoDelete: true });
  q.hooks.onAutoDelete(q);
  await new Promise((r) => setImmediate(r));
  assert.equal(q.deleted, true);
  const again = await queue(vhost, 'pidbox', { autoDelete: true });
  q.hooks.onExpired(q);
  assert.equal(vhost.queue('pidbox', 1), again);
  again.hooks.onExpired(again);
  await new Promise((r) => setImmediate(r));
  assert.throws(() => vhost.queue('pidbox', 1), errorWith('WHARF_ERR_NOT_FOUND'));
});

test('concurrent declares of one name open one queue', async () => {
  const { vhost, factory } = await openModel();
  const [a, b] = await Promise.all([queue(vhost, 'same', { durable: true }), queue(vhost, 'same', { durable: true })]);
  assert.equal(a, b);
  assert.equal(factory.opened.length, 1);
});
