// `publish` and RPC `request` over the WebSocket: published messages reach amqplib consumers;
// a request is answered by an amqplib RPC server written for RabbitMQ (reply to replyTo with the
// correlationId) and the reply reaches the requesting socket only; timeouts and unroutable
// requests are errors; replies with unknown correlation ids are dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel, ConsumeMessage } from 'amqplib';
import { waitFor } from '../../helpers/wait-for.js';
import { withWsBroker } from './ws-test-broker.js';

/** An RPC worker as RabbitMQ's tutorial writes it: uppercases the request. */
async function rpcServer(ch: Channel, queue: string, seen: ConsumeMessage[]): Promise<void> {
  await ch.assertQueue(queue);
  await ch.consume(queue, (m) => {
    if (m === null) return;
    seen.push(m);
    ch.sendToQueue(m.properties.replyTo as string, Buffer.from(m.content.toString().toUpperCase()), { correlationId: m.properties.correlationId as string, contentType: 'text/plain' });
    ch.ack(m);
  });
}

test('publish answers published {ref, routed} and amqplib receives the message', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  await ch.assertExchange('events', 'topic');
  await ch.assertQueue('audit', { durable: true });
  await ch.bindQueue('audit', 'events', 'user.*');
  const got: ConsumeMessage[] = [];
  await ch.consume('audit', (m) => {
    if (m !== null) got.push(m);
  }, { noAck: true });
  const c = await b.connect();
  const answer = await c.call({
    op: 'publish', ref: 'r1', exchange: 'events', routingKey: 'user.created', payload: 'AAEC', payloadEncoding: 'base64',
    properties: { contentType: 'application/octet-stream', deliveryMode: 2, headers: { tenant: 'acme' } },
  });
  assert.deepEqual(answer, { op: 'published', ref: 'r1', routed: true });
  await waitFor(() => got.length === 1, 5_000, 'amqplib to get the message');
  assert.deepEqual(got[0]?.content, Buffer.from([0, 1, 2]));
  assert.equal(got[0]?.properties.contentType, 'application/octet-stream');
  assert.deepEqual(got[0]?.properties.headers, { tenant: 'acme' });
  assert.deepEqual(await c.call({ op: 'publish', ref: 'r2', exchange: 'events', routingKey: 'order.created', payload: 'x' }), { op: 'published', ref: 'r2', routed: false });
  const bad = await c.call({ op: 'publish', ref: 'r3', exchange: 'nope', routingKey: 'k', payload: 'x' });
  assert.equal(bad.code, 'not_found');
});

test('request is answered by an amqplib RPC server, and only the requesting socket gets the reply', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  const seen: ConsumeMessage[] = [];
  await rpcServer(ch, 'rpc', seen);
  const asker = await b.connect();
  const bystander = await b.connect();
  await bystander.call({ op: 'request', ref: 'x', routingKey: 'rpc', payload: 'warm up' });
  const [one, two] = await Promise.all([
    asker.call({ op: 'request', ref: 1, routingKey: 'rpc', payload: 'great movie', properties: { contentType: 'text/plain' }, timeoutMs: 5_000 }),
    asker.call({ op: 'request', ref: 2, routingKey: 'rpc', payload: 'second', timeoutMs: 5_000 }),
  ]);
  assert.equal(one.op, 'reply');
  assert.equal(one.payload, 'GREAT MOVIE');
  assert.equal((one.properties as Record<string, unknown>).contentType, 'text/plain');
  assert.equal(two.payload, 'SECOND');
  // The worker saw a fresh correlation id and a direct reply-to key, as RabbitMQ would send.
  assert.ok(seen.every((m) => String(m.properties.replyTo).startsWith('amq.rabbitmq.reply-to.')));
  assert.equal(new Set(seen.map((m) => m.properties.correlationId as string)).size, 3);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(bystander.count((f) => f.op === 'reply'), 1, 'the bystander got only its own reply');
  assert.equal(asker.count((f) => f.op === 'reply'), 2);
});

test('a request nobody answers times out; unroutable requests fail at once; stray replies are dropped', async (t) => {
  const b = await withWsBroker(t);
  const ch = await (await b.amqp()).createChannel();
  await ch.assertQueue('slow');
  const c = await b.connect();
  const timedOut = await c.call({ op: 'request', ref: 't', routingKey: 'slow', payload: 'ping', timeoutMs: 200 });
  assert.equal(timedOut.op, 'error');
  assert.equal(timedOut.code, 'timeout');
  // The request still sits in the queue; answering it late (or with a made-up id) reaches nobody.
  const late = await ch.get('slow');
  assert.ok(late !== false);
  ch.sendToQueue(late.properties.replyTo as string, Buffer.from('late'), { correlationId: late.properties.correlationId as string });
  ch.sendToQueue(late.properties.replyTo as string, Buffer.from('stray'), { correlationId: 'made-up' });
  const unroutable = await c.call({ op: 'request', ref: 'u', routingKey: 'no-such-queue', payload: 'x' });
  assert.equal(unroutable.code, 'unroutable');
  assert.deepEqual(await c.call({ op: 'ping', ref: 'after' }), { op: 'pong', ref: 'after' });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(c.count((f) => f.op === 'reply'), 0);
});
