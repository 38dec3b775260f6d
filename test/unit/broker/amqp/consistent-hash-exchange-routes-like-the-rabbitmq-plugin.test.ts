// The x-consistent-hash exchange in the vhost model: one queue per message, chosen by routing
// key, by the `hash-header` header or by the `hash-property` property; binding keys are weights
// and anything else is PRECONDITION_FAILED as in RabbitMQ's plugin; unbinding or deleting a queue
// removes its points; the ring survives a restart unchanged; x-partitions declares the partitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import type { BasicProperties } from '../../../../src/formats/amqp/field-types.js';
import type { Message } from '../../../../src/broker/amqp/types.js';
import { MemoryMetadataStore } from '../../../../src/cluster/metadata-store.js';
import { args, errorWith, exchange, NO_ARGS, openModel, queue, routed, type FakeQueue } from './model-fakes.js';
import type { VirtualHost } from '../../../../src/broker/amqp/vhost.js';
import { ConsistentHashRouter } from '../../../../src/broker/amqp/consistent-hash-exchange.js';
import { murmur3Text } from '../../../../src/broker/amqp/consistent-hash-ring.js';

function hashRouter(vhost: VirtualHost<FakeQueue>, name: string): ConsistentHashRouter {
  const router = vhost.exchange(name).router;
  assert.ok(router instanceof ConsistentHashRouter);
  return router;
}

const PRECONDITION = 'WHARF_ERR_PRECONDITION_FAILED';

function withProperties(routingKey: string, p: BasicProperties): Message {
  return { exchange: 'chx', routingKey, properties: encodeBasicProperties(p), body: Buffer.from('b'), persistent: false, priority: 0, expirationMs: -1 };
}

async function fourQueues(vhost: VirtualHost<FakeQueue>, x: string, xArgs = NO_ARGS): Promise<string[]> {
  await exchange(vhost, x, 'x-consistent-hash', { durable: true, arguments: xArgs });
  const names = ['q0', 'q1', 'q2', 'q3'].map((q) => `${x}.${q}`);
  for (const q of names) {
    await queue(vhost, q, { durable: true });
    await vhost.bindQueue(q, x, '1', NO_ARGS, 1);
  }
  return names;
}

function spread(vhost: VirtualHost<FakeQueue>, x: string, n: number, build: (i: number) => [string, Message]): Map<string, string> {
  const where = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const [key, m] = build(i);
    const to = routed(vhost, x, m.routingKey, m);
    assert.equal(to.length, 1, `exactly one queue for ${key}`);
    where.set(key, to[0] as string);
  }
  return where;
}

test('the routing key picks exactly one queue, the same one every time, and every queue gets some', async () => {
  const { vhost } = await openModel();
  const names = await fourQueues(vhost, 'chx');
  const first = spread(vhost, 'chx', 2000, (i) => [`k${i}`, withProperties(`k${i}`, {})]);
  const again = spread(vhost, 'chx', 2000, (i) => [`k${i}`, withProperties(`k${i}`, {})]);
  assert.deepEqual(again, first);
  assert.deepEqual(new Set(first.values()), new Set(names));
  // The exchange really enqueues on that one queue.
  const m = withProperties('k42', {});
  assert.equal(vhost.publish('chx', 'k42', m, false).routed, true);
  assert.equal(vhost.queue(first.get('k42') as string, 1).received.at(-1), m);
});

test('hash-header hashes a header (a missing header always lands on the same queue); the routing key is ignored', async () => {
  const { vhost } = await openModel();
  await fourQueues(vhost, 'hh', args({ 'hash-header': 'account' }));
  const byHeader = spread(vhost, 'hh', 1000, (i) => [`a${i}`, withProperties(`random-${Math.random()}`, { headers: tableFromPlain({ account: `a${i}` }) })]);
  assert.ok(new Set(byHeader.values()).size === 4, 'the header spreads over the queues');
  // A string header is hashed as its bytes, exactly like a routing key of the same text.
  const router = hashRouter(vhost, 'hh');
  for (let i = 0; i < 50; i++) {
    assert.equal(router.hashOf('ignored', withProperties('ignored', { headers: tableFromPlain({ account: `a${i}` }) })), murmur3Text(`a${i}`));
  }
  const missing = new Set<string>();
  for (let i = 0; i < 50; i++) missing.add(routed(vhost, 'hh', `r${i}`, withProperties(`r${i}`, {}))[0] as string);
  assert.equal(missing.size, 1, 'messages without the header all go to one queue');
  // Integer headers are hashed by their value, whatever width the client encoded them with.
  const wide = withProperties('', { headers: new Map([['account', { tag: 'l', value: 77 }]]) });
  const narrow = withProperties('', { headers: new Map([['account', { tag: 'I', value: 77 }]]) });
  assert.deepEqual(routed(vhost, 'hh', '', wide), routed(vhost, 'hh', '', narrow));
});

test('hash-property hashes message_id, correlation_id or timestamp', async () => {
  const { vhost } = await openModel();
  for (const [property, field] of [['message_id', 'messageId'], ['correlation_id', 'correlationId']] as const) {
    const x = `hp-${property}`;
    const names = await fourQueues(vhost, x, args({ 'hash-property': property }));
    const router = hashRouter(vhost, x);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      // Other properties around it must not disturb the scan (headers before, timestamp after).
      const m = withProperties('ignored', { contentType: 'text/plain', headers: tableFromPlain({ h: 'x'.repeat(i) }), [field]: `id-${i}`, timestamp: 1_700_000_000 + i, appId: 'app' });
      assert.equal(router.hashOf('ignored', m), murmur3Text(`id-${i}`), `${property} id-${i} hashes as its text`);
      seen.add(routed(vhost, x, 'ignored', m)[0] as string);
    }
    assert.deepEqual(seen, new Set(names));
    const absent = new Set<string>();
    for (let i = 0; i < 20; i++) absent.add(routed(vhost, x, `k${i}`, withProperties(`k${i}`, { appId: `a${i}` }))[0] as string);
    assert.equal(absent.size, 1, `messages without ${property} all go to one queue`);
  }
  await fourQueues(vhost, 'ts', args({ 'hash-property': 'timestamp' }));
  const router = hashRouter(vhost, 'ts');
  for (const t of [0, 1_700_000_000, 2 ** 40 + 5]) {
    assert.equal(router.hashOf('', withProperties('', { timestamp: t, messageId: 'same' })), murmur3Text(String(t)), `timestamp ${t} hashes as its decimal text`);
  }
});

test('bad arguments and weights are PRECONDITION_FAILED with the plugin\'s texts', async () => {
  const { vhost } = await openModel();
  await assert.rejects(exchange(vhost, 'both', 'x-consistent-hash', { arguments: args({ 'hash-header': 'h', 'hash-property': 'message_id' }) }),
    errorWith(PRECONDITION, /hash-header and hash-property are mutually exclusive/));
  await assert.rejects(exchange(vhost, 'prop', 'x-consistent-hash', { arguments: args({ 'hash-property': 'reply_to' }) }),
    errorWith(PRECONDITION, /^Unsupported property: reply_to/));
  await assert.rejects(exchange(vhost, 'typed', 'x-consistent-hash', { arguments: args({ 'hash-header': 5 }) }), errorWith(PRECONDITION, /hash-header/));
  assert.throws(() => vhost.exchange('both'), errorWith('WHARF_ERR_NOT_FOUND'));
  await exchange(vhost, 'w', 'x-consistent-hash');
  await queue(vhost, 'wq');
  await assert.rejects(vhost.bindQueue('wq', 'w', 'abc', NO_ARGS, 1), errorWith(PRECONDITION, 'The binding key must be an integer: "abc"; bind to an x-consistent-hash exchange with the weight as the key, e.g. "1"'));
  await assert.rejects(vhost.bindQueue('wq', 'w', '', NO_ARGS, 1), errorWith(PRECONDITION, /must be an integer/));
  await assert.rejects(vhost.bindQueue('wq', 'w', '0', NO_ARGS, 1), errorWith(PRECONDITION, /must be greater than 0/));
  await assert.rejects(vhost.bindQueue('wq', 'w', '-3', NO_ARGS, 1), errorWith(PRECONDITION, /must be greater than 0/));
  await assert.rejects(vhost.bindQueue('wq', 'w', '5000', NO_ARGS, 1), errorWith(PRECONDITION, /over 1024/));
  await vhost.bindQueue('wq', 'w', '1000', NO_ARGS, 1);
  await vhost.bindQueue('wq', 'w', '1000', NO_ARGS, 1); // the same binding again is a no-op, not over the limit
  await queue(vhost, 'wq2');
  await assert.rejects(vhost.bindQueue('wq2', 'w', '100', NO_ARGS, 1), errorWith(PRECONDITION, /would weigh 1100 in all/));
  assert.deepEqual(routed(vhost, 'w', 'anything'), ['wq']);
});

test('unbinding or deleting a queue removes its points; an exchange destination works too', async () => {
  const { vhost } = await openModel();
  const names = await fourQueues(vhost, 'chx');
  const before = spread(vhost, 'chx', 2000, (i) => [`k${i}`, withProperties(`k${i}`, {})]);
  await vhost.unbindQueue('chx.q1', 'chx', '1', NO_ARGS, 1);
  await vhost.deleteQueue('chx.q2', false, false, 1);
  const after = spread(vhost, 'chx', 2000, (i) => [`k${i}`, withProperties(`k${i}`, {})]);
  for (const [key, q] of before) {
    if (q === 'chx.q0' || q === 'chx.q3') assert.equal(after.get(key), q, `${key} stays on ${q}`);
    else assert.ok(['chx.q0', 'chx.q3'].includes(after.get(key) as string));
  }
  assert.deepEqual(new Set(after.values()), new Set([names[0], names[3]]));
  await exchange(vhost, 'fan', 'fanout');
  await queue(vhost, 'fq1');
  await queue(vhost, 'fq2');
  await vhost.bindQueue('fq1', 'fan', '', NO_ARGS, 1);
  await vhost.bindQueue('fq2', 'fan', '', NO_ARGS, 1);
  await vhost.unbindQueue('chx.q0', 'chx', '1', NO_ARGS, 1);
  await vhost.unbindQueue('chx.q3', 'chx', '1', NO_ARGS, 1);
  assert.deepEqual(routed(vhost, 'chx', 'k1'), []);
  await vhost.bindExchange('fan', 'chx', '3', NO_ARGS);
  assert.deepEqual(routed(vhost, 'chx', 'k1'), ['fq1', 'fq2']);
});

test('after a restart the same keys go to the same queues', async () => {
  const store = new MemoryMetadataStore();
  const first = await openModel({ store });
  // Bound in an order that differs from the restored one on purpose.
  await exchange(first.vhost, 'chx', 'x-consistent-hash', { durable: true });
  for (const q of ['d', 'b', 'a', 'c']) await queue(first.vhost, q, { durable: true });
  for (const [q, w] of [['d', '2'], ['b', '1'], ['a', '3'], ['c', '1']] as const) await first.vhost.bindQueue(q, 'chx', w, NO_ARGS, 1);
  const before = spread(first.vhost, 'chx', 3000, (i) => [`key-${i}`, withProperties(`key-${i}`, {})]);
  await first.broker.close();
  const second = await openModel({ store });
  assert.equal(second.vhost.exchange('chx').type, 'x-consistent-hash');
  const after = spread(second.vhost, 'chx', 3000, (i) => [`key-${i}`, withProperties(`key-${i}`, {})]);
  assert.deepEqual(after, before);
});

test('x-partitions declares N partition queues bound with weight 1; redeclares keep them and refuse another count', async () => {
  const { vhost } = await openModel();
  await exchange(vhost, 'orders', 'x-consistent-hash', { durable: true, arguments: args({ 'x-partitions': 4 }) });
  const queues = vhost.listQueues().map((q) => q.name).sort();
  assert.deepEqual(queues, ['orders-0', 'orders-1', 'orders-2', 'orders-3']);
  for (let i = 0; i < 4; i++) {
    const def = vhost.queue(`orders-${i}`, 1).definition;
    assert.equal(def.durable, true);
    assert.equal(def.arguments.get('x-partition-of')?.value?.toString(), 'orders');
    assert.equal(def.arguments.get('x-partition-index')?.value, i);
    assert.equal(def.arguments.get('x-single-active-consumer')?.value, true);
  }
  const bindings = vhost.listBindings().filter((b) => b.source === 'orders');
  assert.deepEqual(bindings.map((b) => [b.destination, b.routingKey]).sort(), [['orders-0', '1'], ['orders-1', '1'], ['orders-2', '1'], ['orders-3', '1']]);
  const seen = new Set(spread(vhost, 'orders', 500, (i) => [`k${i}`, withProperties(`k${i}`, {})]).values());
  assert.equal(seen.size, 4);

  // A redeclare (with the same count, or without x-partitions as a producer would) re-ensures a deleted partition.
  await vhost.deleteQueue('orders-2', false, false, 1);
  assert.throws(() => vhost.queue('orders-2', 1), errorWith('WHARF_ERR_NOT_FOUND'));
  await exchange(vhost, 'orders', 'x-consistent-hash', { durable: true });
  assert.equal(vhost.queue('orders-2', 1).definition.arguments.get('x-partition-index')?.value, 2);
  await vhost.deleteQueue('orders-2', false, false, 1);
  await exchange(vhost, 'orders', 'x-consistent-hash', { durable: true, arguments: args({ 'x-partitions': 4 }) });
  assert.equal(vhost.listBindings().filter((b) => b.source === 'orders').length, 4);
  await assert.rejects(exchange(vhost, 'orders', 'x-consistent-hash', { durable: true, arguments: args({ 'x-partitions': 5 }) }),
    errorWith(PRECONDITION, /inequivalent arg 'x-partitions'.*received 5 but current is 4/));
  await assert.rejects(exchange(vhost, 'bad', 'x-consistent-hash', { arguments: args({ 'x-partitions': 0 }) }), errorWith(PRECONDITION, /x-partitions/));
  await assert.rejects(exchange(vhost, 'bad', 'x-consistent-hash', { arguments: args({ 'x-partitions': 'four' }) }), errorWith(PRECONDITION, /x-partitions/));
  assert.throws(() => vhost.exchange('bad'), errorWith('WHARF_ERR_NOT_FOUND'));
  // A partition must keep its partition arguments.
  await assert.rejects(queue(vhost, 'orders-1', { durable: true, arguments: args({ 'x-single-active-consumer': true, 'x-partition-of': 'orders', 'x-partition-index': 3 }) }),
    errorWith(PRECONDITION, /inequivalent arg 'x-partition-index'/));
});
