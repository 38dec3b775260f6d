// Routing as RabbitMQ does it, driven by amqplib: the default exchange, amq.direct, amq.fanout,
// amq.topic (* and #), headers exchanges (x-match all / any), exchange-to-exchange bindings,
// alternate exchanges, and basic.return 312 NO_ROUTE for an unroutable mandatory publish.
// Each check publishes and then reads the queues with basic.get on the same channel: the broker
// handles a channel's frames in order, so the gets see every earlier publish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, Message } from 'amqplib';
import { drain, withAmqpBroker } from '../../helpers/amqp-broker.js';
import { waitFor } from '../../helpers/wait-for.js';

async function queues(ch: Channel, names: string[]): Promise<void> {
  for (const n of names) await ch.assertQueue(n, { exclusive: true });
}

test('the default exchange routes to the queue named by the routing key', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await queues(ch, ['plain']);
  ch.sendToQueue('plain', Buffer.from('one'));
  ch.publish('', 'plain', Buffer.from('two'));
  ch.publish('', 'no-such-queue', Buffer.from('lost'));
  assert.deepEqual(await drain(ch, 'plain'), ['one', 'two']);
});

test('amq.direct routes by exact key, amq.fanout to every bound queue', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await queues(ch, ['d-a', 'd-b', 'f-1', 'f-2']);
  await ch.bindQueue('d-a', 'amq.direct', 'a');
  await ch.bindQueue('d-b', 'amq.direct', 'b');
  await ch.bindQueue('d-b', 'amq.direct', 'a');
  await ch.bindQueue('f-1', 'amq.fanout', 'ignored');
  await ch.bindQueue('f-2', 'amq.fanout', '');
  ch.publish('amq.direct', 'a', Buffer.from('to-a'));
  ch.publish('amq.direct', 'b', Buffer.from('to-b'));
  ch.publish('amq.direct', 'c', Buffer.from('to-c'));
  ch.publish('amq.fanout', 'whatever', Buffer.from('all'));
  assert.deepEqual(await drain(ch, 'd-a'), ['to-a']);
  assert.deepEqual(await drain(ch, 'd-b'), ['to-a', 'to-b']);
  assert.deepEqual(await drain(ch, 'f-1'), ['all']);
  assert.deepEqual(await drain(ch, 'f-2'), ['all']);
});

test('amq.topic matches * as exactly one word and # as zero or more words', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await queues(ch, ['t-star', 't-hash', 't-all', 't-mid']);
  await ch.bindQueue('t-star', 'amq.topic', '*.orange.*');
  await ch.bindQueue('t-hash', 'amq.topic', 'lazy.#');
  await ch.bindQueue('t-all', 'amq.topic', '#');
  await ch.bindQueue('t-mid', 'amq.topic', 'a.#.z');
  const keys = ['quick.orange.rabbit', 'lazy.orange.elephant', 'quick.orange.fox.jumps', 'lazy', 'orange', 'a.z', 'a.b.c.z', 'a.b.c', ''];
  for (const k of keys) ch.publish('amq.topic', k, Buffer.from(k === '' ? '(empty)' : k));
  assert.deepEqual(await drain(ch, 't-star'), ['quick.orange.rabbit', 'lazy.orange.elephant']);
  assert.deepEqual(await drain(ch, 't-hash'), ['lazy.orange.elephant', 'lazy']);
  assert.deepEqual(await drain(ch, 't-all'), keys.map((k) => (k === '' ? '(empty)' : k)));
  assert.deepEqual(await drain(ch, 't-mid'), ['a.z', 'a.b.c.z']);
});

test('headers exchanges match on x-match all and any, amq.headers and a declared one alike', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await ch.assertExchange('my-headers', 'headers', { durable: false });
  for (const x of ['amq.headers', 'my-headers']) {
    const all = `q-${x}-all`;
    const any = `q-${x}-any`;
    await queues(ch, [all, any]);
    await ch.bindQueue(all, x, '', { 'x-match': 'all', format: 'pdf', type: 'report' });
    await ch.bindQueue(any, x, '', { 'x-match': 'any', format: 'pdf', type: 'report' });
    ch.publish(x, '', Buffer.from('both'), { headers: { format: 'pdf', type: 'report', extra: 1 } });
    ch.publish(x, '', Buffer.from('format-only'), { headers: { format: 'pdf' } });
    ch.publish(x, '', Buffer.from('wrong-value'), { headers: { format: 'zip', type: 'log' } });
    ch.publish(x, '', Buffer.from('no-headers'));
    assert.deepEqual(await drain(ch, all), ['both'], `${x} x-match=all`);
    assert.deepEqual(await drain(ch, any), ['both', 'format-only'], `${x} x-match=any`);
  }
});

test('an exchange bound to another exchange receives what the source routes to it', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await ch.assertExchange('e2e-src', 'direct', { durable: false });
  await ch.assertExchange('e2e-dst', 'topic', { durable: false });
  await queues(ch, ['e2e-q', 'e2e-direct']);
  await ch.bindExchange('e2e-dst', 'e2e-src', 'orders.eu');
  await ch.bindQueue('e2e-q', 'e2e-dst', 'orders.*');
  await ch.bindQueue('e2e-direct', 'e2e-src', 'orders.eu');
  ch.publish('e2e-src', 'orders.eu', Buffer.from('routed-twice'));
  ch.publish('e2e-src', 'orders.us', Buffer.from('not-bound'));
  ch.publish('e2e-dst', 'orders.us', Buffer.from('straight-to-dst'));
  assert.deepEqual(await drain(ch, 'e2e-q'), ['routed-twice', 'straight-to-dst']);
  assert.deepEqual(await drain(ch, 'e2e-direct'), ['routed-twice']);
  await ch.unbindExchange('e2e-dst', 'e2e-src', 'orders.eu');
  ch.publish('e2e-src', 'orders.eu', Buffer.from('after-unbind'));
  assert.deepEqual(await drain(ch, 'e2e-q'), []);
  assert.deepEqual(await drain(ch, 'e2e-direct'), ['after-unbind']);
});

test('a message no binding matches goes to the alternate exchange', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await ch.assertExchange('ae', 'fanout', { durable: false });
  await ch.assertExchange('with-ae', 'direct', { durable: false, alternateExchange: 'ae' });
  await queues(ch, ['ae-q', 'main-q']);
  await ch.bindQueue('ae-q', 'ae', '');
  await ch.bindQueue('main-q', 'with-ae', 'known');
  ch.publish('with-ae', 'known', Buffer.from('matched'));
  ch.publish('with-ae', 'unknown', Buffer.from('unmatched'));
  assert.deepEqual(await drain(ch, 'main-q'), ['matched']);
  const got = await ch.get('ae-q', { noAck: true });
  assert.ok(got !== false, 'the unmatched message reached the alternate exchange');
  assert.equal(got.content.toString(), 'unmatched');
  assert.equal(got.fields.exchange, 'with-ae', 'delivered with the exchange it was published to');
  assert.equal(got.fields.routingKey, 'unknown');
});

test('an unroutable mandatory publish comes back as basic.return 312 NO_ROUTE; a routable one does not', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const returned: Message[] = [];
  ch.on('return', (m: Message) => returned.push(m));
  await queues(ch, ['mand-q']);
  ch.publish('amq.direct', 'nowhere', Buffer.from('bounce'), { mandatory: true, messageId: 'm-1', headers: { h: 'v' } });
  ch.sendToQueue('mand-q', Buffer.from('kept'), { mandatory: true });
  ch.publish('amq.direct', 'nowhere', Buffer.from('dropped-silently'));
  await waitFor(() => returned.length >= 1, 10_000, 'the basic.return');
  assert.deepEqual(await drain(ch, 'mand-q'), ['kept']);
  assert.equal(returned.length, 1);
  const r = returned[0] as Message & { fields: { replyCode: number; replyText: string; exchange: string; routingKey: string } };
  assert.equal(r.fields.replyCode, 312);
  assert.equal(r.fields.replyText, 'NO_ROUTE');
  assert.equal(r.fields.exchange, 'amq.direct');
  assert.equal(r.fields.routingKey, 'nowhere');
  assert.equal(r.content.toString(), 'bounce');
  assert.equal(r.properties.messageId, 'm-1');
  assert.deepEqual(r.properties.headers, { h: 'v' });
});
