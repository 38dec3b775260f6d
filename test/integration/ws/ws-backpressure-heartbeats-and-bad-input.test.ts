// The WebSocket protects the broker from its clients: a socket that stops reading is closed once
// its send buffer passes wsBufferedBytesMax and its deliveries are requeued (nothing lost); a
// socket that does not answer pings is cut; bad frames get `error {code: 'bad_request'}` and the
// socket keeps working.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { waitFor } from '../../helpers/wait-for.js';
import { withWsBroker } from './ws-test-broker.js';

test('a socket that stops reading is closed after the bound and its unacked deliveries are requeued', async (t) => {
  const b = await withWsBroker(t, { config: { wsBufferedBytesMax: 64 * 1024 } });
  const ch = await (await b.amqp()).createChannel();
  await ch.assertQueue('big');
  const body = Buffer.alloc(256 * 1024, 'x');
  for (let i = 0; i < 40; i++) ch.sendToQueue('big', body);
  await waitFor(async () => (await ch.checkQueue('big')).messageCount === 40, 10_000, 'the 40 messages to be queued');
  const c = await b.connect();
  await c.call({ op: 'subscribe', id: 'big', queue: 'big', prefetch: 40 });
  (c.ws as unknown as { _socket: Socket })._socket.pause();
  // The server gives the deliveries back as soon as it closes the socket, before the client knows.
  await waitFor(async () => {
    const q = await ch.checkQueue('big');
    return q.messageCount === 40 && q.consumerCount === 0;
  }, 15_000, 'the deliveries of the stalled socket to be requeued');
  (c.ws as unknown as { _socket: Socket })._socket.resume();
  const code = await c.closed(10_000);
  assert.ok(code === 1008 || code === 1006, `closed with ${code}`);
  const got: Buffer[] = [];
  await ch.consume('big', (m) => {
    if (m !== null) got.push(m.content);
  }, { noAck: true });
  await waitFor(() => got.length === 40, 10_000, 'amqplib to receive all 40 messages');
});

test('a socket that does not answer pings is cut; one that answers stays', async (t) => {
  const b = await withWsBroker(t, { ownGateway: { heartbeatIntervalMs: 100 } });
  const silent = await b.connect({ autoPong: false });
  const lively = await b.connect();
  await silent.closed(3_000);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(lively.closeCode, null);
  assert.deepEqual(await lively.call({ op: 'ping', ref: 1 }), { op: 'pong', ref: 1 });
});

test('bad frames are answered with bad_request errors and the socket keeps working', async (t) => {
  const b = await withWsBroker(t);
  const c = await b.connect();
  c.ws.send('not json');
  c.ws.send('[1, 2]');
  c.ws.send(JSON.stringify({ op: 'bogus' }));
  c.ws.send(JSON.stringify({ ref: 'no-op' }));
  c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  const errors = await c.take((f) => f.op === 'error', 5);
  assert.ok(errors.every((e) => e.code === 'bad_request' && typeof e.message === 'string' && e.message.length > 0));
  assert.equal(errors[3]?.ref, 'no-op');
  const missing = await c.call({ op: 'subscribe', id: 's' });
  assert.equal(missing.code, 'bad_request');
  assert.match(String(missing.message), /queue|topic/);
  const badPrefetch = await c.call({ op: 'subscribe', id: 's', queue: 'q', prefetch: -1 });
  assert.match(String(badPrefetch.message), /prefetch/);
  const badPayload = await c.call({ op: 'publish', ref: 'p', routingKey: 'q', payload: '!!', payloadEncoding: 'base64' });
  assert.equal(badPayload.code, 'bad_request');
  const badProps = await c.call({ op: 'publish', ref: 'p2', routingKey: 'q', payload: 'x', properties: { deliveryMode: 7 } });
  assert.equal(badProps.code, 'bad_request');
  const unknownSub = await c.call({ op: 'ack', id: 'nope', tag: 1 });
  assert.equal(unknownSub.code, 'bad_request');
  assert.deepEqual(await c.call({ op: 'ping', ref: 'still' }), { op: 'pong', ref: 'still' });
  assert.equal(c.closeCode, null);
});
