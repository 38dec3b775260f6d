// POST /v1/exchanges/…/publish and POST /v1/queues/…/get against amqplib: a message published
// over HTTP reaches an amqplib consumer with the same properties and headers, one published by
// amqplib is read over HTTP, and binary bodies round-trip exactly as base64 and as a raw body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import amqp, { type ConsumeMessage } from 'amqplib';
import { waitFor } from '../../helpers/wait-for.js';
import { postJson, postRaw, withHttpBroker, type HttpTestBroker } from './http-test-broker.js';

async function amqpChannel(b: HttpTestBroker) {
  const conn = await amqp.connect(b.amqpUrl);
  conn.on('error', () => undefined);
  b.beforeStop(() => conn.close());
  return conn.createChannel();
}

test('a message published over HTTP is consumed by amqplib with the same properties and headers', async (t) => {
  const b = await withHttpBroker(t);
  const ch = await amqpChannel(b);
  await ch.assertQueue('jobs', { durable: true });
  await ch.assertExchange('work', 'direct', { durable: true });
  await ch.bindQueue('jobs', 'work', 'run');
  const got: ConsumeMessage[] = [];
  await ch.consume('jobs', (m) => { if (m !== null) got.push(m); }, { noAck: true });

  const res = await postJson(`${b.base}/v1/exchanges/%2F/work/publish`, {
    routingKey: 'run',
    payload: 'hello from http',
    properties: {
      contentType: 'text/plain', correlationId: 'c-1', replyTo: 'answers', deliveryMode: 2, priority: 3,
      expiration: '60000', messageId: 'm-1', timestamp: 1_700_000_000, type: 'job', appId: 'web',
      headers: { tenant: 'acme', attempt: 2, big: 5_000_000_000, ratio: 0.5, ok: true, none: null, list: ['a', 1], nested: { x: 'y' }, bytes: { $base64: 'AAEC' } },
    },
  });
  assert.deepEqual([res.status, res.body], [200, { routed: true }]);
  await waitFor(() => got.length === 1, 5000, 'the amqplib delivery');
  const m = got[0] as ConsumeMessage;
  assert.equal(m.content.toString(), 'hello from http');
  assert.equal(m.fields.exchange, 'work');
  assert.equal(m.fields.routingKey, 'run');
  const p = m.properties;
  assert.deepEqual(
    [p.contentType, p.correlationId, p.replyTo, p.deliveryMode, p.priority, p.expiration, p.messageId, p.timestamp, p.type, p.appId],
    ['text/plain', 'c-1', 'answers', 2, 3, '60000', 'm-1', 1_700_000_000, 'job', 'web'],
  );
  const h = p.headers as Record<string, unknown>;
  assert.deepEqual([h.tenant, h.attempt, h.big, h.ratio, h.ok, h.none, h.list, h.nested], ['acme', 2, 5_000_000_000, 0.5, true, null, ['a', 1], { x: 'y' }]);
  assert.deepEqual(h.bytes, Buffer.from([0, 1, 2]));
});

test('a message published by amqplib is read over HTTP with its properties; ack:false requeues it', async (t) => {
  const b = await withHttpBroker(t);
  const ch = await amqpChannel(b);
  await ch.assertQueue('inbox', { durable: false });
  ch.sendToQueue('inbox', Buffer.from('from amqplib'), {
    contentType: 'application/x-test', correlationId: 'abc', headers: { n: 7, s: 'text', l: 'x'.repeat(3) }, timestamp: 42, deliveryMode: 1,
  });
  ch.sendToQueue('inbox', Buffer.from('second'));
  const url = `${b.base}/v1/queues/%2F/inbox/get`;
  await waitFor(async () => (await ch.checkQueue('inbox')).messageCount === 2, 5000, 'both messages queued');

  const peek = await postJson(url, { count: 1, ack: false });
  assert.equal(peek.status, 200);
  const [first] = peek.body.messages as Record<string, unknown>[];
  assert.deepEqual(first, {
    payload: 'from amqplib', payloadEncoding: 'string', exchange: '', routingKey: 'inbox', redelivered: false,
    properties: { contentType: 'application/x-test', correlationId: 'abc', deliveryMode: 1, timestamp: 42, headers: { n: 7, s: 'text', l: 'xxx' } },
    messageCount: 1,
  });

  const taken = await postJson(url, { count: 10 });
  const messages = taken.body.messages as Record<string, unknown>[];
  assert.deepEqual(messages.map((m) => [m.payload, m.redelivered, m.messageCount]), [['from amqplib', true, 1], ['second', false, 0]]);
  const empty = await postJson(url, {});
  assert.deepEqual([empty.status, empty.body], [200, { messages: [] }]);
});

test('binary payloads round-trip exactly, as base64 JSON and as a raw body', async (t) => {
  const b = await withHttpBroker(t);
  const ch = await amqpChannel(b);
  await ch.assertQueue('bin', { durable: true });
  const viaJson = randomBytes(70_000);
  viaJson[0] = 0xff; // never valid UTF-8
  const viaRaw = randomBytes(50_000);
  viaRaw[0] = 0xfe;
  const publish = `${b.base}/v1/exchanges/%2F/amq.default/publish`;
  const r1 = await postJson(publish, { routingKey: 'bin', payload: viaJson.toString('base64'), payloadEncoding: 'base64', properties: { deliveryMode: 2 } });
  assert.deepEqual([r1.status, r1.body], [200, { routed: true }]);
  const r2 = await postRaw(`${publish}?routingKey=bin&properties=${encodeURIComponent(JSON.stringify({ messageId: 'raw' }))}`, viaRaw, 'image/png');
  assert.deepEqual([r2.status, r2.body], [200, { routed: true }]);

  const got = await postJson(`${b.base}/v1/queues/%2F/bin/get`, { count: 2, ack: false, encoding: 'auto' });
  const [m1, m2] = got.body.messages as Record<string, unknown>[] as [Record<string, unknown>, Record<string, unknown>];
  assert.equal(m1.payloadEncoding, 'base64');
  assert.ok(Buffer.from(m1.payload as string, 'base64').equals(viaJson));
  assert.ok(Buffer.from(m2.payload as string, 'base64').equals(viaRaw));
  assert.deepEqual(m2.properties, { contentType: 'image/png', messageId: 'raw' });

  // The bytes amqplib receives are the same bytes.
  const delivered: Buffer[] = [];
  const { consumerTag } = await ch.consume('bin', (m) => { if (m !== null) delivered.push(m.content); }, { noAck: true });
  await waitFor(() => delivered.length === 2, 5000, 'both deliveries');
  await ch.cancel(consumerTag);
  assert.ok((delivered[0] as Buffer).equals(viaJson));
  assert.ok((delivered[1] as Buffer).equals(viaRaw));

  // encoding=base64 forces base64 even for text.
  await postJson(publish, { routingKey: 'bin', payload: 'text' });
  const forced = await postJson(`${b.base}/v1/queues/%2F/bin/get`, { encoding: 'base64' });
  assert.deepEqual((forced.body.messages as Record<string, unknown>[]).map((m) => [m.payload, m.payloadEncoding]), [[Buffer.from('text').toString('base64'), 'base64']]);
});

test('an unroutable publish answers routed:false, mandatory or not; a durable queue has stored it before the answer', async (t) => {
  const b = await withHttpBroker(t);
  const publish = `${b.base}/v1/exchanges/%2F/amq.default/publish`;
  assert.deepEqual((await postJson(publish, { routingKey: 'nobody', payload: 'x' })).body, { routed: false });
  assert.deepEqual((await postJson(publish, { routingKey: 'nobody', payload: 'x', mandatory: true })).body, { routed: false });
  const ch = await amqpChannel(b);
  await ch.assertQueue('kept', { durable: true });
  assert.deepEqual((await postJson(publish, { routingKey: 'kept', payload: 'p', properties: { deliveryMode: 2 } })).body, { routed: true });
  assert.equal((await ch.checkQueue('kept')).messageCount, 1);
});
