import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Delivery, Subscription } from '../../../../src/client/web/index.js';
import { connectedClient, flush } from './connected-client.js';

const message = (id: string, tag: number, extra: Record<string, unknown> = {}) => ({
  op: 'message', id, tag, payload: 'hello', payloadEncoding: 'string', exchange: 'jobs-x', routingKey: 'jobs', redelivered: false,
  properties: { contentType: 'text/plain', headers: { attempt: 2 } }, ...extra,
});

test('a queue subscription sends subscribe with its defaults, then ack and nack frames by tag', async () => {
  const { client, socket } = await connectedClient();
  const got: Delivery[] = [];
  const sub = client.subscribe({ queue: 'jobs', prefetch: 5 }, (m) => void got.push(m));
  assert.deepEqual(socket.ops('subscribe'), [{ op: 'subscribe', id: sub.id, queue: 'jobs', vhost: '/', prefetch: 5, ack: 'manual' }]);
  socket.serverSend({ op: 'subscribed', id: sub.id });
  await sub.ready;

  socket.serverSend(message(sub.id, 1));
  socket.serverSend(message(sub.id, 2, { redelivered: true, payload: 'AP8=', payloadEncoding: 'base64' }));
  assert.equal(got.length, 2);
  const [first, second] = got as [Delivery, Delivery];
  assert.equal(first.text(), 'hello');
  assert.equal(first.exchange, 'jobs-x');
  assert.equal(first.routingKey, 'jobs');
  assert.equal(first.redelivered, false);
  assert.equal(first.properties.contentType, 'text/plain');
  assert.deepEqual(first.headers, { attempt: 2 });
  assert.equal(first.offset, undefined);
  assert.deepEqual(second.body, Uint8Array.of(0, 255));
  assert.equal(second.redelivered, true);

  first.ack();
  first.ack(); // settling twice sends one frame
  second.nack({ requeue: false });
  assert.deepEqual(socket.ops('ack'), [{ op: 'ack', id: sub.id, tag: 1 }]);
  assert.deepEqual(socket.ops('nack'), [{ op: 'nack', id: sub.id, tag: 2, requeue: false }]);
  await client.close();
});

test('nack requeues by default; json() parses the body', async () => {
  const { client, socket } = await connectedClient();
  let got: Delivery | undefined;
  const sub = client.subscribe({ queue: 'jobs', vhost: 'shop' }, (m) => void (got = m));
  assert.equal(socket.ops('subscribe')[0]?.vhost, 'shop');
  socket.serverSend(message(sub.id, 7, { payload: '{"n":1}' }));
  assert.deepEqual(got?.json(), { n: 1 });
  got?.nack();
  assert.deepEqual(socket.ops('nack'), [{ op: 'nack', id: sub.id, tag: 7, requeue: true }]);
  await client.close();
});

test('an auto-ack subscription never sends ack frames', async () => {
  const { client, socket } = await connectedClient();
  const sub = client.subscribe({ queue: 'jobs', ack: 'auto' }, (m) => m.ack());
  assert.equal(socket.ops('subscribe')[0]?.ack, 'auto');
  socket.serverSend(message(sub.id, 1));
  assert.deepEqual(socket.ops('ack'), []);
  await client.close();
});

test('unsubscribe sends unsubscribe and later deliveries for that id are dropped', async () => {
  const { client, socket } = await connectedClient();
  let count = 0;
  const sub = client.subscribe({ queue: 'jobs' }, () => void count++);
  socket.serverSend(message(sub.id, 1));
  sub.unsubscribe();
  sub.unsubscribe();
  socket.serverSend(message(sub.id, 2));
  assert.equal(count, 1);
  assert.equal(sub.active, false);
  assert.deepEqual(socket.ops('unsubscribe'), [{ op: 'unsubscribe', id: sub.id }]);
  await client.close();
});

test('a topic record carries key, offset, partition and timestamp, and credit is granted after the handler', async () => {
  const { client, socket } = await connectedClient();
  const seen: string[] = [];
  const sub = client.subscribe({ topic: 'orders', partition: 2, offset: 'earliest', prefetch: 100 }, (m) => {
    seen.push(`${m.key}@${m.partition}:${m.offset}=${m.text()} acks=${socket.ops('ack').length}`);
    m.ack(); // a no-op for records: the client grants credit itself
  });
  assert.deepEqual(socket.ops('subscribe'), [{ op: 'subscribe', id: sub.id, topic: 'orders', partition: 2, offset: 'earliest', prefetch: 100 }]);
  socket.serverSend({ op: 'record', id: sub.id, tag: 11, partition: 2, offset: 40, timestamp: 1_700_000_000_000, key: 'k1', value: 'v1', valueEncoding: 'string', headers: { h: 'x' } });
  socket.serverSend({ op: 'record', id: sub.id, tag: 12, partition: 2, offset: 41, timestamp: 1_700_000_000_001, key: null, value: 'djI=', valueEncoding: 'base64' });
  assert.deepEqual(seen, ['k1@2:40=v1 acks=0', 'null@2:41=v2 acks=1']);
  assert.deepEqual(socket.ops('ack'), [{ op: 'ack', id: sub.id, tag: 11 }, { op: 'ack', id: sub.id, tag: 12 }]);
  assert.equal(sub.lastOffsetSeen, 41);
  await client.close();
});

test('an async record handler gets its credit when its promise settles', async () => {
  const { client, socket } = await connectedClient();
  let finish: () => void = () => undefined;
  const sub = client.subscribe({ topic: 'orders' }, () => new Promise<void>((resolve) => (finish = resolve)));
  assert.equal(socket.ops('subscribe')[0]?.offset, 'latest');
  socket.serverSend({ op: 'record', id: sub.id, tag: 1, partition: 0, offset: 0, timestamp: 0, key: null, value: 'a', valueEncoding: 'string' });
  await flush();
  assert.deepEqual(socket.ops('ack'), []);
  finish();
  await flush();
  assert.deepEqual(socket.ops('ack'), [{ op: 'ack', id: sub.id, tag: 1 }]);
  await client.close();
});

test('a handler that throws is reported as an error event and the delivery stream goes on', async () => {
  const { client, socket } = await connectedClient();
  const errors: Error[] = [];
  client.on('error', (e) => void errors.push(e));
  let calls = 0;
  const sub = client.subscribe({ queue: 'jobs' }, () => {
    calls++;
    throw new Error('boom');
  });
  socket.serverSend(message(sub.id, 1));
  socket.serverSend(message(sub.id, 2));
  assert.equal(calls, 2);
  assert.deepEqual(errors.map((e) => e.message), ['boom', 'boom']);
  await client.close();
});

test('a refused subscribe rejects ready with the server code and ends the subscription', async () => {
  const { client, socket } = await connectedClient();
  const cancelled: { subscription: Subscription; reason: string }[] = [];
  client.on('cancelled', (c) => void cancelled.push(c));
  const sub = client.subscribe({ queue: 'nope' }, () => undefined);
  socket.serverSend({ op: 'error', id: sub.id, code: 'not_found', message: "no queue 'nope' in vhost '/'" });
  await assert.rejects(sub.ready, (err: Error & { code?: string }) => err.code === 'not_found');
  assert.equal(sub.active, false);
  assert.equal(cancelled[0]?.subscription, sub);
  await client.close();
});

test('a server cancel ends the subscription and is reported', async () => {
  const { client, socket } = await connectedClient();
  const reasons: string[] = [];
  client.on('cancelled', (c) => void reasons.push(c.reason));
  const sub = client.subscribe({ queue: 'jobs' }, () => undefined);
  socket.serverSend({ op: 'subscribed', id: sub.id });
  socket.serverSend({ op: 'cancelled', id: sub.id, reason: 'queue deleted' });
  assert.deepEqual(reasons, ['queue deleted']);
  assert.equal(sub.active, false);
  await client.close();
});

test('frames that are not JSON ops, unknown ops and binary frames are ignored', async () => {
  const { client, socket } = await connectedClient();
  socket.serverSendRaw('not json');
  socket.serverSendRaw('[1,2]');
  socket.serverSendRaw(new Uint8Array(3));
  socket.serverSend({ op: 'future-op', x: 1 });
  socket.serverSend({ op: 'pong' });
  assert.equal(client.connected, true);
  await client.close();
});

test('a binary record key keeps its bytes in keyBytes; binary headers stay as the server sent them', async () => {
  const { client, socket } = await connectedClient();
  let got: Delivery | undefined;
  const sub = client.subscribe({ topic: 'orders' }, (m) => void (got = m));
  socket.serverSend({
    op: 'record', id: sub.id, tag: 1, partition: 0, offset: 0, timestamp: 5, key: '//8=', keyEncoding: 'base64', value: null, valueEncoding: null,
    headers: { bin: { $base64: 'AA==' }, none: null },
  });
  assert.deepEqual(got?.keyBytes, Uint8Array.of(0xff, 0xff));
  assert.equal(typeof got?.key, 'string');
  assert.deepEqual(got?.body, new Uint8Array(0));
  assert.deepEqual(got?.headers, { bin: { $base64: 'AA==' }, none: null });
  await client.close();
});
