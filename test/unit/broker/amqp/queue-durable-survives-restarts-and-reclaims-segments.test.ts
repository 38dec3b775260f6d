import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { tableFromPlain } from '../../../../src/formats/amqp/field-table.js';
import { definition, FakeConsumer, message, QueueWorld, settle } from './queue-fixtures.js';

const durable = (name: string, id: number, args = new Map()): ReturnType<typeof definition> => definition(name, args, { id, durable: true });

async function waitFor(what: string, predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !predicate(); i++) await settle();
  assert.ok(predicate(), `timed out waiting for ${what}`);
}

function drain(q: { get(ack: boolean): { message: { body: Buffer }; redelivered: boolean } | null }): Array<[string, boolean]> {
  const out: Array<[string, boolean]> = [];
  for (let e = q.get(false); e !== null; e = q.get(false)) out.push([e.message.body.toString(), e.redelivered]);
  return out;
}

test('persistent messages of one turn share one append, get consecutive offsets and come back after a clean restart', async () => {
  const w = new QueueWorld();
  const q = await w.open(durable('jobs', 1));
  const results = [];
  for (let i = 0; i < 1000; i++) results.push(q.enqueue(message(`m${i}`, { persistent: true, headers: tableFromPlain({ i }) })));
  const transient = q.enqueue(message('transient'));
  assert.equal(transient.stored, undefined);
  const stored = new Set(results.map((r) => r.stored));
  assert.equal(stored.size, 1, 'one stored promise for the whole turn');
  await results[0]?.stored;
  const log = w.logs.get('~q.1');
  assert.equal(log?.logEndOffset, 1000);
  await q.close();
  await w.restart();
  const again = await w.open(durable('jobs', 1));
  assert.equal(again.messageCount, 1000, 'the transient message is gone, as in RabbitMQ');
  const first = again.get(false);
  assert.equal(first?.message.body.toString(), 'm0');
  assert.equal(first?.message.persistent, true);
  assert.equal(first?.message.exchange, 'ex');
  assert.equal(first?.message.routingKey, 'rk');
  assert.equal(first?.offset, 0);
  assert.equal(first?.redelivered, false);
});

test('after a clean close only unacked messages return, and only the delivered ones are redelivered', async () => {
  const w = new QueueWorld();
  const q = await w.open(durable('jobs', 2));
  for (let i = 0; i < 6; i++) q.enqueue(message(`m${i}`, { persistent: true }));
  await q.whenStored();
  const c = new FakeConsumer('c', { credit: 3 });
  q.addConsumer(c);
  await settle();
  q.ack(c.delivered[0]!);
  q.ack(c.delivered[2]!);
  await q.close();
  await w.restart();
  const again = await w.open(durable('jobs', 2));
  assert.deepEqual(drain(again), [['m1', true], ['m3', false], ['m4', false], ['m5', false]]);
});

test('after a crash every unacked message comes back redelivered; acks persisted before it stay done', async () => {
  const w = new QueueWorld();
  const q = await w.open(durable('jobs', 3));
  for (let i = 0; i < 5; i++) q.enqueue(message(`m${i}`, { persistent: true }));
  await q.whenStored();
  const c = new FakeConsumer('c', { credit: 2 });
  q.addConsumer(c);
  await settle();
  q.ack(c.delivered[0]!);
  w.time.advance(1000); // the ack state is saved
  let head = -1;
  for (let i = 0; i < 100 && head !== 1; i++) {
    await settle();
    head = ((await w.metadata.read('amqp-queue-3')) as { head: number }).head;
  }
  assert.equal(head, 1, 'the ack of m0 was saved');
  await w.crash();
  const again = await w.open(durable('jobs', 3));
  assert.deepEqual(drain(again), [['m1', true], ['m2', true], ['m3', true], ['m4', true]]);
});

test('TTL counts from the original enqueue across a restart', async () => {
  const w = new QueueWorld();
  const args = tableFromPlain({ 'x-message-ttl': 10_000, 'x-dead-letter-exchange': 'dlx' });
  const q = await w.open(durable('ttl', 4, args));
  q.enqueue(message('a', { persistent: true }));
  await q.whenStored();
  await q.close();
  await w.restart();
  w.time.advance(5000);
  const again = await w.open(durable('ttl', 4, args));
  assert.equal(again.messageCount, 1);
  w.time.advance(5000);
  assert.equal(again.messageCount, 0);
  assert.equal(w.hooks.deadLettered.length, 1);
});

test('acking everything moves the log start up and deletes the old segments', async () => {
  const w = new QueueWorld(1024);
  const q = await w.open(durable('big', 5));
  const c = new FakeConsumer('c');
  q.addConsumer(c);
  const body = 'x'.repeat(200);
  for (let turn = 0; turn < 20; turn++) {
    for (let i = 0; i < 5; i++) q.enqueue(message(body, { persistent: true }));
    await q.whenStored();
  }
  await settle();
  const log = w.logs.get('~q.5');
  assert.ok(log !== undefined);
  assert.ok(log.segmentCount > 5, `expected several segments, got ${log.segmentCount}`);
  assert.equal(c.delivered.length, 100);
  for (const e of c.delivered) q.ack(e);
  w.time.advance(1000);
  await waitFor('segments to be deleted', () => log.logStartOffset === 100);
  assert.equal(log.segmentCount, 1);
  await q.close();
  await w.restart();
  const again = await w.open(durable('big', 5));
  assert.equal(again.messageCount, 0);
});

test('deleting a durable queue deletes its log and forgets its ack state', async () => {
  const w = new QueueWorld();
  const q = await w.open(durable('gone', 6));
  q.enqueue(message('a', { persistent: true }));
  await q.whenStored();
  await q.delete();
  assert.equal(w.logs.get('~q.6'), undefined);
  assert.equal(await w.metadata.read('amqp-queue-6'), null);
  const again = await w.open(durable('gone', 6));
  assert.equal(again.messageCount, 0);
});

test('a failed append rejects the stored promise of its turn', async () => {
  const w = new QueueWorld();
  const q = await w.open(durable('broken', 7));
  const log = w.logs.get('~q.7');
  assert.ok(log !== undefined);
  await log.close(); // appends to a closed log fail
  const r = q.enqueue(message('a', { persistent: true }));
  await assert.rejects(r.stored as Promise<void>);
});
