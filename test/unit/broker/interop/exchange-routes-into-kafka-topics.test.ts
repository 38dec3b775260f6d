// Exchanges bound to Kafka topics, on the real model, topics and logs (in-memory disk): records go
// to the partition Kafka's default partitioner picks, in publish order, confirms wait for the
// append, bindings are durable definitions, and a deleted topic drops messages without failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, toPositive } from '../../../../src/client/partitioner.js';
import type { FieldTable, FieldValue } from '../../../../src/formats/amqp/field-types.js';
import { decodeRecordBatches, type Record as KafkaRecord } from '../../../../src/records/index.js';
import { message } from '../amqp/queue-fixtures.js';
import { StreamWorld } from '../amqp/stream-fixtures.js';

const text = (s: string): FieldValue => ({ tag: 'S', value: Buffer.from(s) });
const toTopic = (more: [string, string][] = []): FieldTable => new Map([['x-destination-type', text('topic')], ...more.map(([k, v]): [string, FieldValue] => [k, text(v)])]);
const code = (err: unknown): string | undefined => (err as { code?: string }).code;

async function records(w: StreamWorld, topic: string, partition: number): Promise<KafkaRecord[]> {
  const log = w.topics.partition(topic, partition);
  const { batches } = decodeRecordBatches((await log.read(0, 1 << 24)).bytes);
  return batches.flatMap((b) => b.records);
}

async function declareExchange(w: StreamWorld, name: string, type = 'direct', durable = true): Promise<void> {
  await w.vhost().declareExchange({ name, type, passive: false, durable, autoDelete: false, internal: false, arguments: new Map() });
}

test('each routing key lands in the partition Kafka\'s default partitioner gives it, in publish order; confirms wait for the append', async () => {
  const w = await StreamWorld.open();
  await w.topics.create('orders', 4);
  await declareExchange(w, 'shop', 'topic');
  await w.vhost().bindQueue('orders', 'shop', '#', toTopic(), 1);
  const stored: Promise<void>[] = [];
  for (let round = 0; round < 3; round++) {
    for (let k = 0; k < 100; k++) {
      const outcome = w.vhost().publish('shop', `k${k}`, message(`${round}`, { exchange: 'shop', routingKey: `k${k}` }), true);
      assert.equal(outcome.routed, true, 'a topic binding counts as routed (mandatory)');
      assert.ok(outcome.stored !== undefined, 'a publisher confirm waits for the topic append');
      stored.push(outcome.stored);
    }
  }
  await Promise.all(stored);
  let total = 0;
  for (let p = 0; p < 4; p++) {
    const seen = new Map<string, string[]>();
    for (const r of await records(w, 'orders', p)) {
      const key = r.key?.toString() ?? '';
      assert.equal(toPositive(murmur2(Buffer.from(key))) % 4, p, `key ${key} in partition ${p}`);
      seen.set(key, [...(seen.get(key) ?? []), r.value?.toString() ?? '']);
      assert.deepEqual(r.headers.map((h) => h.key), ['x-amqp-exchange', 'x-amqp-timestamp']);
      total++;
    }
    for (const [key, bodies] of seen) assert.deepEqual(bodies, ['0', '1', '2'], `key ${key} in publish order`);
  }
  assert.equal(total, 300);
  await w.close();
});

test('x-partition-by and x-record-key choose the partition and the key from a header; a missing header goes round-robin', async () => {
  const w = await StreamWorld.open();
  await w.topics.create('events', 3);
  await declareExchange(w, 'ev', 'fanout');
  await w.vhost().bindQueue('events', 'ev', '', toTopic([['x-partition-by', 'header:tenant'], ['x-record-key', 'header:id']]), 1);
  const tenants = ['a', 'b', 'c', 'd'];
  const stored = tenants.map((t, i) => w.vhost().publish('ev', 'ignored', message(`m${i}`, { exchange: 'ev', routingKey: 'ignored', headers: new Map([['tenant', text(t)], ['id', text(`id-${i}`)]]) }), false).stored);
  await Promise.all(stored);
  for (let p = 0; p < 3; p++) {
    for (const r of await records(w, 'events', p)) {
      const tenant = r.headers.find((h) => h.key === 'tenant')?.value;
      assert.ok(tenant);
      assert.equal(toPositive(murmur2(tenant)) % 3, p);
      assert.equal(r.key?.toString(), `id-${r.value?.toString().slice(1)}`);
      assert.equal(r.headers.find((h) => h.key === 'x-amqp-routing-key')?.value?.toString(), 'ignored');
    }
  }
  // Without the header: no key, so round-robin across the partitions.
  await w.vhost().bindQueue('events', 'ev', '', toTopic([['x-record-key', 'none']]), 1);
  const before = await Promise.all([0, 1, 2].map(async (p) => (await records(w, 'events', p)).length));
  await Promise.all([0, 1, 2].map((i) => w.vhost().publish('ev', '', message(`rr${i}`, { exchange: 'ev', routingKey: '' }), false).stored));
  const after = await Promise.all([0, 1, 2].map(async (p) => (await records(w, 'events', p)).length));
  // Two bindings: the header one (no tenant: round-robin) and the keyless one; six records over three partitions.
  assert.equal(after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0), 6);
  for (let p = 0; p < 3; p++) assert.ok((after[p] as number) > (before[p] as number), `partition ${p} got some`);
  await w.close();
});

test('binding to a missing topic is NOT_FOUND; bad binding arguments are PRECONDITION_FAILED', async () => {
  const w = await StreamWorld.open();
  await declareExchange(w, 'x');
  await assert.rejects(w.vhost().bindQueue('nope', 'x', 'k', toTopic(), 1), (err) => code(err) === 'WHARF_ERR_NOT_FOUND' && /wharf topics create nope/.test(String(err)));
  await w.topics.create('t', 1);
  for (const args of [toTopic([['x-partition-by', 'none']]), toTopic([['x-partition-by', 'header:']]), toTopic([['x-record-key', 'value']]), new Map([['x-destination-type', text('exchange')]])]) {
    await assert.rejects(w.vhost().bindQueue('t', 'x', 'k', args, 1), (err) => code(err) === 'WHARF_ERR_PRECONDITION_FAILED');
  }
  // Without x-destination-type, the name is a queue's, as always.
  await assert.rejects(w.vhost().bindQueue('t', 'x', 'k', new Map(), 1), (err) => code(err) === 'WHARF_ERR_NOT_FOUND');
  await w.close();
});

test('topic bindings are listed, survive a restart, and unbind; a deleted topic drops messages until it exists again', async () => {
  const w = await StreamWorld.open();
  await w.topics.create('orders', 2);
  await declareExchange(w, 'shop');
  await w.vhost().bindQueue('orders', 'shop', 'new', toTopic(), 1);
  await w.restart();
  const listed = w.vhost().listBindings().filter((b) => b.destinationKind === 'topic');
  assert.deepEqual(listed.map((b) => [b.source, b.destination, b.routingKey]), [['shop', 'orders', 'new']]);
  await w.vhost().publish('shop', 'new', message('after restart', { exchange: 'shop', routingKey: 'new' }), false).stored;
  const p = toPositive(murmur2(Buffer.from('new'))) % 2;
  assert.deepEqual((await records(w, 'orders', p)).map((r) => r.value?.toString()), ['after restart']);

  await w.topics.delete('orders');
  const dropped = w.vhost().publish('shop', 'new', message('lost', { exchange: 'shop', routingKey: 'new' }), true);
  assert.equal(dropped.routed, false, 'nothing stored: a mandatory publish is returned');
  assert.equal(dropped.stored, undefined);
  assert.equal(w.vhost().listBindings().filter((b) => b.destinationKind === 'topic').length, 1, 'the binding stays');
  await w.topics.create('orders', 2);
  await w.vhost().publish('shop', 'new', message('back', { exchange: 'shop', routingKey: 'new' }), false).stored;
  assert.deepEqual((await records(w, 'orders', p)).map((r) => r.value?.toString()), ['back']);

  await w.vhost().unbindQueue('orders', 'shop', 'new', toTopic(), 1);
  assert.equal(w.vhost().publish('shop', 'new', message('x', { exchange: 'shop', routingKey: 'new' }), false).routed, false);
  await w.restart();
  assert.equal(w.vhost().listBindings().filter((b) => b.destinationKind === 'topic').length, 0);
  await w.close();
});

test('a queue and a topic of one name are different destinations; a message reaches a topic once per publish', async () => {
  const w = await StreamWorld.open();
  await w.topics.create('dual', 1);
  await declareExchange(w, 'tx', 'topic');
  await w.vhost().declareQueue({ name: 'dual', passive: false, durable: true, exclusive: false, autoDelete: false, arguments: new Map(), connectionId: 1 });
  await w.vhost().bindQueue('dual', 'tx', 'a.*', toTopic(), 1);
  await w.vhost().bindQueue('dual', 'tx', '*.b', toTopic(), 1);
  await w.vhost().bindQueue('dual', 'tx', '#', new Map(), 1);
  await w.vhost().publish('tx', 'a.b', message('once', { exchange: 'tx', routingKey: 'a.b' }), false).stored;
  assert.equal((await records(w, 'dual', 0)).length, 1);
  assert.equal(w.vhost().queue('dual', 1).messageCount, 1);
  await w.close();
});
