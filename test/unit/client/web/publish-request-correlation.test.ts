import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { connectedClient } from './connected-client.js';

test('publish sends its frame and each answer settles the call with the same ref, in any order', async () => {
  const { client, socket } = await connectedClient();
  const a = client.publish('', 'jobs', 'one');
  const b = client.publish('orders-x', 'eu', 'two', { vhost: 'shop', mandatory: true, properties: { contentType: 'text/plain', headers: { k: 'v' } } });
  const [fa, fb] = socket.ops('publish');
  assert.deepEqual(fa, { op: 'publish', ref: fa?.ref, exchange: '', vhost: '/', routingKey: 'jobs', payload: 'one', payloadEncoding: 'string' });
  assert.deepEqual(fb, {
    op: 'publish', ref: fb?.ref, exchange: 'orders-x', vhost: 'shop', routingKey: 'eu', payload: 'two', payloadEncoding: 'string',
    properties: { contentType: 'text/plain', headers: { k: 'v' } }, mandatory: true,
  });
  assert.notEqual(fa?.ref, fb?.ref);
  socket.serverSend({ op: 'published', ref: fb?.ref, routed: false });
  socket.serverSend({ op: 'published', ref: fa?.ref, routed: true });
  assert.deepEqual(await a, { routed: true });
  assert.deepEqual(await b, { routed: false });
  await client.close();
});

test('a binary body round-trips: base64 on the wire, the same bytes in the reply', async () => {
  const { client, socket } = await connectedClient();
  const body = Uint8Array.from({ length: 256 }, (_, i) => i);
  const reply = client.request('', 'echo', body);
  const frame = socket.ops('request')[0];
  assert.equal(frame?.payloadEncoding, 'base64');
  assert.deepEqual(new Uint8Array(Buffer.from(String(frame?.payload), 'base64')), body);
  socket.serverSend({ op: 'reply', ref: frame?.ref, payload: frame?.payload, payloadEncoding: 'base64', properties: { correlationId: 'c1' } });
  const m = await reply;
  assert.deepEqual(m.body, body);
  assert.equal(m.kind, 'reply');
  assert.equal(m.properties.correlationId, 'c1');
  await client.close();
});

test('request sends timeoutMs and resolves with the reply of its own ref', async () => {
  const { client, socket } = await connectedClient();
  const r1 = client.request('', 'predict', JSON.stringify({ text: 'a' }), { timeout: 5000, vhost: 'ml', properties: { contentType: 'application/json' } });
  const r2 = client.request('', 'predict', 'b');
  const [f1, f2] = socket.ops('request');
  assert.deepEqual(f1, {
    op: 'request', ref: f1?.ref, exchange: '', vhost: 'ml', routingKey: 'predict', payload: '{"text":"a"}', payloadEncoding: 'string',
    timeoutMs: 5000, properties: { contentType: 'application/json' },
  });
  assert.equal(f2?.timeoutMs, 30000);
  socket.serverSend({ op: 'reply', ref: f2?.ref, payload: 'for b', payloadEncoding: 'string' });
  socket.serverSend({ op: 'reply', ref: f1?.ref, payload: '{"label":"positive"}', payloadEncoding: 'string' });
  assert.deepEqual((await r1).json(), { label: 'positive' });
  assert.equal((await r2).text(), 'for b');
  await client.close();
});

test("a server error rejects the call with the server's code", async () => {
  const { client, socket } = await connectedClient();
  const p = client.publish('missing-x', 'k', 'x');
  socket.serverSend({ op: 'error', ref: socket.ops('publish')[0]?.ref, code: 'not_found', message: "no exchange 'missing-x' in vhost '/'" });
  await assert.rejects(p, { name: 'WharfClientError', code: 'not_found', message: "no exchange 'missing-x' in vhost '/'" });
  const r = client.request('', 'slow', 'x');
  socket.serverSend({ op: 'error', ref: socket.ops('request')[0]?.ref, code: 'timeout', message: 'no reply within 30000 ms' });
  await assert.rejects(r, { code: 'timeout' });
  await client.close();
});

test("a request without a reply rejects with 'timeout' after its timeout, and a late reply is ignored", async (t) => {
  const { client, socket } = await connectedClient();
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const p = client.request('', 'slow', 'x', { timeout: 1000 });
  let settled = false;
  p.catch(() => undefined).finally(() => (settled = true));
  mock.timers.tick(999);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  mock.timers.tick(1);
  await assert.rejects(p, { code: 'timeout' });
  socket.serverSend({ op: 'reply', ref: socket.ops('request')[0]?.ref, payload: 'late', payloadEncoding: 'string' });
  await client.close();
});
