// wharf/client against the real gateway of an embedded broker, with `ws` as Node 20's WebSocket:
// publish → subscribe, binary bodies, topics, and a request answered by an amqplib RPC worker.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type ChannelModel } from 'amqplib';
import { WebSocket } from 'ws';
import { startBroker, type EmbeddedBroker } from '../../../src/index.js';
import { connect, type Delivery, type WharfClient } from '../../../src/client/web/index.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Setup {
  broker: EmbeddedBroker;
  client: WharfClient;
  httpBase: string;
  /** An amqplib connection, closed before the broker stops. */
  amqp(): Promise<ChannelModel>;
}

async function brokerAndClient(t: TestContext): Promise<Setup> {
  const broker = await startBroker();
  const http = broker.addresses.http;
  const amqpAddress = broker.addresses.amqp;
  assert.ok(http !== undefined && amqpAddress !== undefined, 'the broker serves HTTP and AMQP');
  const client = await connect(`ws://${http.host}:${http.port}/ws`, { WebSocket });
  const conns: ChannelModel[] = [];
  t.after(async () => {
    await client.close();
    for (const c of conns) await c.close();
    await broker.stop();
  });
  return {
    broker, client, httpBase: `http://${http.host}:${http.port}`,
    async amqp() {
      const c = await amqp.connect(`amqp://guest:guest@${amqpAddress.host}:${amqpAddress.port}`);
      conns.push(c);
      return c;
    },
  };
}

test('publish → queue subscription round trip, text and binary, with manual acks', async (t) => {
  const { client, amqp: amqpConnect } = await brokerAndClient(t);
  const conn = await amqpConnect();
  const ch = await conn.createChannel();
  await ch.assertQueue('jobs', { durable: true });

  const got: Delivery[] = [];
  const sub = client.subscribe({ queue: 'jobs', prefetch: 5 }, (m) => {
    got.push(m);
    m.ack();
  });
  await sub.ready;
  const binary = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
  assert.deepEqual(await client.publish('', 'jobs', 'hello ✓', { properties: { contentType: 'text/plain', headers: { attempt: 1 } } }), { routed: true });
  assert.deepEqual(await client.publish('', 'jobs', binary), { routed: true });
  assert.deepEqual(await client.publish('', 'nobody-listens', 'x'), { routed: false });
  await waitFor(() => got.length === 2, 5000, 'two deliveries');
  assert.equal(got[0]?.text(), 'hello ✓');
  assert.equal(got[0]?.routingKey, 'jobs');
  assert.equal(got[0]?.properties.contentType, 'text/plain');
  assert.deepEqual(got[0]?.headers, { attempt: 1 });
  assert.deepEqual(got[1]?.body, binary);

  sub.unsubscribe();
  // Acked: nothing is left in the queue for another consumer.
  const left = await ch.checkQueue('jobs');
  assert.equal(left.messageCount, 0);
});

test('an unknown queue rejects the subscription with not_found; an unknown exchange rejects publish', async (t) => {
  const { client } = await brokerAndClient(t);
  const sub = client.subscribe({ queue: 'no-such-queue' }, () => undefined);
  await assert.rejects(sub.ready, { code: 'not_found' });
  await assert.rejects(client.publish('no-such-exchange', 'k', 'x'), { code: 'not_found' });
});

test('a topic subscription reads records with key, offset and headers', async (t) => {
  const { client, httpBase } = await brokerAndClient(t);
  const res = await fetch(`${httpBase}/v1/topics/orders/records`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ records: [{ key: 'eu', value: 'first', headers: { source: 'test' } }, { key: null, value: 'AP8=', valueEncoding: 'base64' }] }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const got: Delivery[] = [];
  const sub = client.subscribe({ topic: 'orders', offset: 'earliest', prefetch: 1 }, (m) => void got.push(m));
  await sub.ready;
  await waitFor(() => got.length === 2, 5000, 'two records (prefetch 1: the client grants credit)');
  assert.deepEqual(got.map((m) => [m.offset, m.partition, m.key]), [[0, 0, 'eu'], [1, 0, null]]);
  assert.equal(got[0]?.text(), 'first');
  assert.deepEqual(got[0]?.headers, { source: 'test' });
  assert.ok(typeof got[0]?.timestamp === 'number' && got[0].timestamp > 0);
  assert.deepEqual(got[1]?.body, Uint8Array.of(0, 255));
});

test('request is answered by an amqplib RPC worker; no worker → unroutable; a slow one → timeout', async (t) => {
  const { client, amqp: amqpConnect } = await brokerAndClient(t);
  await assert.rejects(client.request('', 'predict', 'x', { timeout: 2000 }), { code: 'unroutable' });

  const conn = await amqpConnect();
  const ch = await conn.createChannel();
  await ch.assertQueue('predict', { durable: false });
  await ch.consume('predict', (msg) => {
    if (msg === null) return;
    const { text } = JSON.parse(msg.content.toString()) as { text: string };
    if (text !== 'never') {
      ch.sendToQueue(msg.properties.replyTo as string, Buffer.from(JSON.stringify({ label: text.includes('great') ? 'positive' : 'negative' })), {
        correlationId: msg.properties.correlationId as string, contentType: 'application/json',
      });
    }
    ch.ack(msg);
  });

  const [a, b] = await Promise.all([
    client.request('', 'predict', JSON.stringify({ text: 'great movie' }), { timeout: 5000 }),
    client.request('', 'predict', JSON.stringify({ text: 'dull movie' }), { timeout: 5000 }),
  ]);
  assert.deepEqual(a.json(), { label: 'positive' });
  assert.deepEqual(b.json(), { label: 'negative' });
  assert.equal(a.properties.contentType, 'application/json');
  await assert.rejects(client.request('', 'predict', JSON.stringify({ text: 'never' }), { timeout: 300 }), { code: 'timeout' });
});
