import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeBasicProperties } from '../../../../src/formats/amqp/basic-properties.js';
import { fieldToString, tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import type { FieldTable } from '../../../../src/formats/amqp/field-types.js';
import { deadLetteredMessage } from '../../../../src/broker/amqp/dead-letter.js';
import { readDeaths } from '../../../../src/broker/amqp/x-death.js';
import { definition, FakeConsumer, message, QueueWorld, settle } from './queue-fixtures.js';

const T0 = 1_700_000_000_000;
const text = (h: FieldTable | null | undefined, key: string): string | undefined => fieldToString(h?.get(key));

test('a first death: x-death entry with RabbitMQ field types, first/last death headers, expiration moved', () => {
  const m = message('body', { exchange: 'orders', routingKey: 'new', expiration: '5000', persistent: true, headers: tableFromPlain({ CC: ['copy'], app: 'x' }) });
  const out = deadLetteredMessage(m, 'expired', 'work', { exchange: 'dlx', routingKey: null }, T0);
  assert.equal(out.exchange, 'dlx');
  assert.equal(out.routingKey, 'new');
  assert.equal(out.expirationMs, -1);
  assert.equal(out.persistent, true);
  const props = decodeBasicProperties(out.properties);
  assert.equal(props.expiration, undefined, 'the expiration property is removed');
  assert.equal(props.deliveryMode, 2);
  const headers = props.headers;
  assert.equal(text(headers, 'app'), 'x', 'other headers are kept');
  const xDeath = headers?.get('x-death');
  assert.equal(xDeath?.tag, 'A');
  const entry = xDeath?.tag === 'A' ? xDeath.value[0] : undefined;
  assert.equal(entry?.tag, 'F');
  const t = entry?.tag === 'F' ? entry.value : new Map();
  assert.deepEqual([...t.keys()], ['count', 'reason', 'queue', 'time', 'exchange', 'routing-keys', 'original-expiration']);
  assert.deepEqual([t.get('count')?.tag, t.get('reason')?.tag, t.get('queue')?.tag, t.get('time')?.tag, t.get('exchange')?.tag, t.get('routing-keys')?.tag], ['l', 'S', 'S', 'T', 'S', 'A']);
  assert.deepEqual(readDeaths(headers), [{ count: 1, reason: 'expired', queue: 'work', timeSec: T0 / 1000, exchange: 'orders', routingKeys: ['new', 'copy'], originalExpiration: '5000' }]);
  for (const [k, v] of [['x-first-death-reason', 'expired'], ['x-first-death-queue', 'work'], ['x-first-death-exchange', 'orders'], ['x-last-death-reason', 'expired'], ['x-last-death-queue', 'work'], ['x-last-death-exchange', 'orders']]) {
    assert.equal(text(headers, k as string), v, k);
  }
  assert.equal(m.headers?.has('x-death') ?? false, false, 'the original message is not changed');
});

test('repeated deaths: same (queue, reason) counts up and moves to the front; first-death headers stay', () => {
  let m = message('b', { exchange: 'orders', routingKey: 'k' });
  m = deadLetteredMessage(m, 'rejected', 'a', { exchange: 'dlx', routingKey: 'to-b' }, T0);
  assert.equal(m.routingKey, 'to-b');
  m = deadLetteredMessage(m, 'expired', 'b', { exchange: 'back', routingKey: 'to-a' }, T0 + 1000);
  m = deadLetteredMessage(m, 'rejected', 'a', { exchange: 'dlx', routingKey: 'to-b' }, T0 + 2000);
  const deaths = readDeaths(m.headers);
  assert.deepEqual(deaths.map((d) => [d.queue, d.reason, d.count]), [['a', 'rejected', 2], ['b', 'expired', 1]]);
  assert.equal(deaths[0]?.timeSec, T0 / 1000, 'time is that of the first such death');
  assert.equal(deaths[0]?.exchange, 'orders');
  assert.equal(deaths[1]?.exchange, 'dlx', 'a later death records the dead-letter exchange it came through');
  assert.equal(text(m.headers, 'x-first-death-queue'), 'a');
  assert.equal(text(m.headers, 'x-last-death-queue'), 'a');
  assert.equal(text(m.headers, 'x-last-death-reason'), 'rejected');
});

test('reject without requeue dead-letters with reason rejected; without a DLX it is dropped', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'parking' })));
  const c = new FakeConsumer('c');
  q.addConsumer(c);
  q.enqueue(message('a'));
  await settle();
  q.reject(c.delivered[0]!);
  assert.equal(q.unackedCount, 0);
  assert.equal(w.hooks.deadLettered.length, 1);
  assert.equal(w.hooks.deadLettered[0]?.exchange, '');
  assert.equal(w.hooks.deadLettered[0]?.routingKey, 'parking');
  assert.equal(readDeaths(w.hooks.deadLettered[0]?.message.headers)[0]?.reason, 'rejected');

  const plain = await w.open(definition('plain'));
  const c2 = new FakeConsumer('c2');
  plain.addConsumer(c2);
  plain.enqueue(message('b'));
  await settle();
  plain.reject(c2.delivered[0]!);
  assert.equal(w.hooks.deadLettered.length, 1);
  assert.equal(plain.unackedCount, 0);
});

test('an automatic cycle (expired back into the same queue) is dropped; a cycle with a rejection is not', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('loop', tableFromPlain({ 'x-message-ttl': 100, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'loop' })));
  w.hooks.route = (m) => q.enqueue(m);
  q.enqueue(message('a'));
  w.time.advance(100);
  assert.equal(w.hooks.deadLettered.length, 1);
  assert.equal(q.messageCount, 0, 'expired back into the same queue without a rejection: dropped');

  const w2 = new QueueWorld();
  const r = await w2.open(definition('retry', tableFromPlain({ 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': 'retry' })));
  w2.hooks.route = (m) => r.enqueue(m);
  const c = new FakeConsumer('c', { credit: 1 });
  r.addConsumer(c);
  r.enqueue(message('a'));
  await settle();
  r.reject(c.delivered[0]!);
  assert.equal(r.messageCount, 1, 'a consumer rejection breaks the cycle');
});

test('x-max-length drop-head: the oldest go, dead-lettered as maxlen', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-max-length': 2, 'x-dead-letter-exchange': 'dlx' })));
  for (const b of ['a', 'b', 'c', 'd']) assert.equal(q.enqueue(message(b)).accepted, true);
  assert.equal(q.messageCount, 2);
  assert.deepEqual(w.hooks.deadLettered.map((d) => d.message.body.toString()), ['a', 'b']);
  assert.equal(readDeaths(w.hooks.deadLettered[0]?.message.headers)[0]?.reason, 'maxlen');
  assert.equal(q.get(false)?.message.body.toString(), 'c');
});

test('x-max-length-bytes counts ready bodies', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-max-length-bytes': 10 })));
  q.enqueue(message('12345'));
  q.enqueue(message('67890'));
  q.enqueue(message('x'));
  assert.equal(q.messageCount, 2);
  assert.equal(q.messageBytes, 6);
});

test('x-overflow reject-publish refuses when full; a waiting consumer still drains it first', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-max-length': 1, 'x-overflow': 'reject-publish', 'x-dead-letter-exchange': 'dlx' })));
  assert.equal(q.enqueue(message('a')).accepted, true);
  assert.equal(q.enqueue(message('b')).accepted, false);
  assert.equal(w.hooks.deadLettered.length, 0, 'reject-publish does not dead-letter');
  const c = new FakeConsumer('c', { credit: 10 });
  q.addConsumer(c);
  for (const b of ['c', 'd', 'e']) assert.equal(q.enqueue(message(b)).accepted, true);
  await settle();
  assert.deepEqual(c.bodies, ['a', 'c', 'd', 'e']);
});

test('x-overflow reject-publish-dlx refuses and dead-letters the refused message', async () => {
  const w = new QueueWorld();
  const q = await w.open(definition('q', tableFromPlain({ 'x-max-length': 1, 'x-overflow': 'reject-publish-dlx', 'x-dead-letter-exchange': 'dlx' })));
  q.enqueue(message('a'));
  assert.equal(q.enqueue(message('b')).accepted, false);
  assert.equal(q.messageCount, 1);
  assert.deepEqual(w.hooks.deadLettered.map((d) => d.message.body.toString()), ['b']);
  assert.equal(readDeaths(w.hooks.deadLettered[0]?.message.headers)[0]?.reason, 'maxlen');
});
