import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Delivery } from '../../../../src/client/web/index.js';
import { connectedClient, flush } from './connected-client.js';
import { fakeSockets } from './fake-websocket.js';

const record = (id: string, offset: number) => ({ op: 'record', id, tag: offset + 100, partition: 0, offset, timestamp: 0, key: null, value: `v${offset}`, valueEncoding: 'string' });

test('after a drop: calls in flight reject with disconnected, backoff grows, subscriptions resume (topic after the last offset)', async (t) => {
  const { client, socket, sockets } = await connectedClient({ reconnect: { initialDelayMs: 100, maxDelayMs: 400 } });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const events: string[] = [];
  const delays: number[] = [];
  client.on('open', () => void events.push('open'));
  client.on('close', (c) => void events.push(`close ${c.code} reconnecting=${c.reconnecting}`));
  client.on('reconnecting', (r) => {
    events.push(`reconnecting ${r.attempt}`);
    delays.push(r.delayMs);
  });

  const queueDeliveries: Delivery[] = [];
  const offsets: number[] = [];
  const q = client.subscribe({ queue: 'jobs', prefetch: 3 }, (m) => void queueDeliveries.push(m));
  const topic = client.subscribe({ topic: 'orders', offset: 'earliest' }, (m) => void offsets.push(m.offset ?? -1));
  socket.serverSend({ op: 'subscribed', id: q.id });
  socket.serverSend({ op: 'subscribed', id: topic.id });
  socket.serverSend({ op: 'message', id: q.id, tag: 1, payload: 'a', payloadEncoding: 'string', exchange: '', routingKey: 'jobs', redelivered: false });
  socket.serverSend(record(topic.id, 5));
  socket.serverSend(record(topic.id, 6));
  const published = client.publish('', 'jobs', 'x');
  const requested = client.request('', 'rpc', 'x', { timeout: 60_000 });

  socket.serverClose(1006);
  await assert.rejects(published, { code: 'disconnected' });
  await assert.rejects(requested, { code: 'disconnected' });
  await assert.rejects(client.publish('', 'jobs', 'while down'), { code: 'disconnected' });
  assert.equal(client.connected, false);

  // First attempt fails before opening; the second waits longer.
  mock.timers.tick(delays[0] ?? 0);
  assert.equal(sockets.length, 2);
  sockets[1]?.serverRefuse();
  mock.timers.tick(delays[1] ?? 0);
  assert.equal(sockets.length, 3);
  const fresh = sockets[2]!;
  fresh.serverOpen();

  assert.deepEqual(events, ['close 1006 reconnecting=true', 'reconnecting 1', 'close 1006 reconnecting=true', 'reconnecting 2', 'open']);
  assert.ok(delays[0]! >= 50 && delays[0]! <= 100, `first delay ${delays[0]}`);
  assert.ok(delays[1]! >= 100 && delays[1]! <= 200, `second delay ${delays[1]}`);
  assert.deepEqual(fresh.ops('subscribe'), [
    { op: 'subscribe', id: q.id, queue: 'jobs', vhost: '/', prefetch: 3, ack: 'manual' },
    { op: 'subscribe', id: topic.id, topic: 'orders', partition: 0, offset: 7 },
  ]);

  // A delivery of the old socket cannot be settled on the new one (the broker requeued it).
  queueDeliveries[0]?.ack();
  assert.deepEqual(fresh.ops('ack'), []);
  // Records the new socket sends again below the resume point are not handed out twice.
  fresh.serverSend(record(topic.id, 6));
  fresh.serverSend(record(topic.id, 7));
  assert.deepEqual(offsets, [5, 6, 7]);

  // Once connected again, the backoff starts over.
  fresh.serverClose(1001, 'going away');
  assert.ok(delays[2]! >= 50 && delays[2]! <= 100, `delay after a good connection ${delays[2]}`);
  await client.close();
  mock.timers.tick(1000);
  assert.equal(sockets.length, 3, 'close() cancels the pending reconnect');
});

test('a topic subscription that saw no record resumes from its original offset', async (t) => {
  const { client, socket, last } = await connectedClient({ reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  client.subscribe({ topic: 'orders', partition: 1, offset: 42 }, () => undefined);
  socket.serverClose();
  mock.timers.tick(10);
  last().serverOpen();
  assert.equal(last().ops('subscribe')[0]?.offset, 42);
  await client.close();
});

test('with reconnect: false a drop closes the client for good', async (t) => {
  const { client, socket, sockets } = await connectedClient({ reconnect: false });
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const closes: boolean[] = [];
  client.on('close', (c) => void closes.push(c.reconnecting));
  socket.serverClose();
  mock.timers.tick(60_000);
  assert.deepEqual(closes, [false]);
  assert.equal(sockets.length, 1);
});

test('close() unsubscribes, closes the socket with 1000 and fails calls in flight', async () => {
  const { client, socket } = await connectedClient();
  const sub = client.subscribe({ queue: 'jobs' }, () => undefined);
  const p = client.request('', 'rpc', 'x');
  const closed = client.close();
  await assert.rejects(p, { code: 'disconnected' });
  await closed;
  assert.deepEqual(socket.ops('unsubscribe'), [{ op: 'unsubscribe', id: sub.id }]);
  assert.deepEqual(socket.closedBy, { code: 1000, reason: 'client closed' });
  await assert.rejects(client.publish('', 'jobs', 'x'), { code: 'disconnected' });
  assert.throws(() => client.subscribe({ queue: 'jobs' }, () => undefined), { code: 'disconnected' });
});

test('connect() rejects with disconnected when the first socket cannot open, and does not retry', async () => {
  const fake = fakeSockets();
  const p = connect('ws://nowhere.test/ws', { WebSocket: fake.WebSocket });
  fake.last().serverRefuse();
  await assert.rejects(p, { code: 'disconnected' });
  await flush();
  assert.equal(fake.sockets.length, 1);
});

test('connect() without a WebSocket where there is no global one says what to pass', async () => {
  if ((globalThis as { WebSocket?: unknown }).WebSocket !== undefined) return; // Node 22+ has one
  await assert.rejects(connect('ws://localhost:1/ws'), /pass one/);
});
