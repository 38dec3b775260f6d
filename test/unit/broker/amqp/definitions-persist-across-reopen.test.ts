import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryMetadataStore, type MetadataStore } from '../../../../src/cluster/metadata-store.js';
import { DEFINITIONS_DOCUMENT, type DefinitionsDocument } from '../../../../src/broker/amqp/definitions-store.js';
import { args, exchange, NO_ARGS, openModel, queue, routed } from './model-fakes.js';

/** A store whose writes wait until released, and which counts them. */
class GatedStore implements MetadataStore {
  readonly inner = new MemoryMetadataStore();
  writes = 0;
  gated = false;
  private waiting: (() => void)[] = [];

  read(name: string): Promise<unknown> {
    return this.inner.read(name);
  }

  async write(name: string, document: unknown): Promise<void> {
    this.writes++;
    if (this.gated) await new Promise<void>((resolve) => this.waiting.push(resolve));
    await this.inner.write(name, document);
  }

  release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const r of w) r();
  }
}

test('durable exchanges, queues and bindings between durable ends survive a reopen; the rest do not', async () => {
  const store = new MemoryMetadataStore();
  const first = await openModel({ store });
  const v = first.vhost;
  await exchange(v, 'celery', 'direct', { durable: true });
  await exchange(v, 'celeryev', 'topic', { durable: true, arguments: args({ 'alternate-exchange': 'ae', n: 1n }) });
  await exchange(v, 'pidbox', 'fanout');
  await queue(v, 'celery', { durable: true, arguments: args({ 'x-max-priority': 10 }) });
  await queue(v, 'transient');
  await queue(v, 'excl', { durable: true, exclusive: true });
  await v.bindQueue('celery', 'celery', 'celery', NO_ARGS, 1);
  await v.bindQueue('celery', 'amq.topic', 'a.#', args({ k: 'v' }), 1);
  await v.bindQueue('celery', 'pidbox', '', NO_ARGS, 1);
  await v.bindQueue('transient', 'celery', 'x', NO_ARGS, 1);
  await v.bindExchange('celery', 'celeryev', '#', NO_ARGS);
  const id = v.queue('celery', 1).definition.id;
  await first.broker.close();
  assert.equal(first.factory.opened.every((q) => q.closed), true);

  const second = await openModel({ store });
  const w = second.vhost;
  assert.deepEqual(w.listQueues().map((q) => q.name), ['celery']);
  const celery = w.queue('celery', 1);
  assert.equal(celery.definition.id, id);
  assert.equal(celery.definition.arguments.get('x-max-priority')?.value, 10);
  assert.equal(w.exchange('celeryev').alternateExchange, 'ae');
  assert.deepEqual(w.exchange('celeryev').arguments.get('n'), { tag: 'l', value: 1 });
  assert.throws(() => w.exchange('pidbox'));
  assert.deepEqual(routed(w, 'celery', 'celery'), ['celery']);
  assert.deepEqual(routed(w, 'amq.topic', 'a.b'), ['celery']);
  assert.deepEqual(routed(w, 'celeryev', 'celery'), ['celery']);
  assert.deepEqual(routed(w, 'celeryev', 'task.sent'), []);
  // Ids are never reused.
  const fresh = await queue(w, 'fresh', { durable: true });
  assert.ok(fresh.definition.id > id);
});

test('deletes are persisted, and a delete cascades to the bindings it removes', async () => {
  const store = new MemoryMetadataStore();
  const first = await openModel({ store });
  await exchange(first.vhost, 'x', 'direct', { durable: true });
  await queue(first.vhost, 'q', { durable: true });
  await first.vhost.bindQueue('q', 'x', 'k', NO_ARGS, 1);
  await first.vhost.deleteQueue('q', false, false, 1);
  const doc = (await store.read(DEFINITIONS_DOCUMENT)) as DefinitionsDocument;
  assert.deepEqual(doc.vhosts.find((r) => r.name === '/')?.queues, []);
  assert.deepEqual(doc.vhosts.find((r) => r.name === '/')?.bindings, []);
  await first.vhost.deleteExchange('x', false);
  const second = await openModel({ store });
  assert.throws(() => second.vhost.exchange('x'));
});

test('a durable declare resolves only after its write; concurrent declares share writes', async () => {
  const store = new GatedStore();
  const { vhost } = await openModel({ store });
  store.gated = true;
  let done = false;
  const first = exchange(vhost, 'e0', 'direct', { durable: true }).then(() => { done = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  // While the first write is in flight, nine more declares queue up behind one write.
  const rest = Array.from({ length: 9 }, (_, i) => exchange(vhost, `e${i + 1}`, 'direct', { durable: true }));
  // An equivalent redeclare waits for the pending write too.
  const redeclare = exchange(vhost, 'e0', 'direct', { durable: true });
  await new Promise((r) => setImmediate(r));
  store.release();
  await first;
  await new Promise((r) => setImmediate(r));
  store.release();
  await Promise.all([...rest, redeclare]);
  assert.equal(store.writes, 2);
  const doc = (await store.read(DEFINITIONS_DOCUMENT)) as DefinitionsDocument;
  assert.equal(doc.vhosts.find((r) => r.name === '/')?.exchanges.length, 10);
  // Non-durable changes write nothing.
  store.gated = false;
  await exchange(vhost, 'temp', 'fanout');
  await queue(vhost, 'temp');
  await vhost.bindQueue('temp', 'temp', '', NO_ARGS, 1);
  assert.equal(store.writes, 2);
});

test('a failed write fails the declare; the next durable change writes again', async () => {
  let fail = true;
  const inner = new MemoryMetadataStore();
  const store: MetadataStore = {
    read: (n) => inner.read(n),
    write: async (n, d) => {
      if (fail) throw new Error('disk full');
      await inner.write(n, d);
    },
  };
  const { vhost } = await openModel({ store });
  await assert.rejects(exchange(vhost, 'x', 'direct', { durable: true }), /disk full/);
  fail = false;
  // The redeclare finds the exchange in memory and makes sure it is written.
  await exchange(vhost, 'x', 'direct', { durable: true });
  const doc = (await inner.read(DEFINITIONS_DOCUMENT)) as DefinitionsDocument;
  assert.deepEqual(doc.vhosts.find((r) => r.name === '/')?.exchanges.map((x) => x.name), ['x']);
});

test('definitions of a vhost that is no longer configured are kept, not served', async () => {
  const store = new MemoryMetadataStore();
  const first = await openModel({ store, vhosts: ['/', 'tenant'] });
  const tenant = first.broker.vhost('tenant');
  assert.ok(tenant);
  await tenant.declareExchange({ name: 'kept', type: 'direct', passive: false, durable: true, autoDelete: false, internal: false, arguments: NO_ARGS });
  const second = await openModel({ store, vhosts: [] });
  assert.equal(second.broker.vhost('tenant'), undefined);
  await exchange(second.vhost, 'other', 'direct', { durable: true });
  const third = await openModel({ store, vhosts: ['tenant'] });
  assert.ok(third.broker.vhost('tenant')?.exchange('kept'));
});

test('a damaged document is reported, not ignored', async () => {
  const store = new MemoryMetadataStore();
  await store.write(DEFINITIONS_DOCUMENT, { version: 1, nextQueueId: 1, vhosts: [{ name: '/', exchanges: 'no' }] });
  await assert.rejects(openModel({ store }), /amqp-definitions' is damaged/);
});
