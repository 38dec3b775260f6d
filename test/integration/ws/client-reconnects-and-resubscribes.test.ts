// wharf/client survives a dropped socket and a broker restart: calls in flight fail with
// 'disconnected', the client reconnects with backoff, the queue subscription resumes (its unacked
// messages come back) and the topic subscription resumes after the last offset it handed out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { WebSocket } from 'ws';
import { startBroker, type EmbeddedBroker } from '../../../src/index.js';
import { connect, type Delivery, type WebSocketConstructor } from '../../../src/client/web/index.js';
import { waitFor } from '../../helpers/wait-for.js';

/** `ws`'s WebSocket, keeping each instance so the test can cut the current one. */
function trackedWebSocket(): { WebSocket: WebSocketConstructor; sockets: WebSocket[] } {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { WebSocket: Tracked, sockets };
}

async function declareQueue(broker: EmbeddedBroker, queue: string): Promise<void> {
  const a = broker.addresses.amqp;
  assert.ok(a !== undefined);
  const conn = await amqp.connect(`amqp://guest:guest@${a.host}:${a.port}`);
  try {
    const ch = await conn.createChannel();
    await ch.assertQueue(queue, { durable: true });
  } finally {
    await conn.close();
  }
}

async function produce(broker: EmbeddedBroker, topic: string, values: string[]): Promise<void> {
  const h = broker.addresses.http;
  assert.ok(h !== undefined);
  const res = await fetch(`http://${h.host}:${h.port}/v1/topics/${topic}/records`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: values.map((value) => ({ value })) }),
  });
  assert.equal(res.status, 200, await res.text());
}

test('a dropped socket fails the request in flight, then the client reconnects and gets its unacked message again', async (t) => {
  const broker = await startBroker();
  const h = broker.addresses.http;
  assert.ok(h !== undefined);
  await declareQueue(broker, 'jobs');
  await declareQueue(broker, 'no-worker');
  const tracked = trackedWebSocket();
  const client = await connect(`ws://${h.host}:${h.port}/ws`, { WebSocket: tracked.WebSocket, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } });
  t.after(async () => {
    await client.close();
    await broker.stop();
  });
  let opens = 0;
  client.on('open', () => void opens++);

  const got: Delivery[] = [];
  const sub = client.subscribe({ queue: 'jobs' }, (m) => void got.push(m));
  await sub.ready;
  await client.publish('', 'jobs', 'm1');
  await waitFor(() => got.length === 1, 5000, 'm1');
  const inFlight = client.request('', 'no-worker', 'x', { timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 50)); // let the request reach the broker

  tracked.sockets.at(-1)?.terminate(); // the TCP connection drops without a closing handshake
  await assert.rejects(inFlight, { code: 'disconnected' });
  got[0]?.ack(); // a delivery of the dropped socket: settling it is a no-op
  await waitFor(() => opens === 1 && got.length === 2, 5000, 'reconnect and redelivery of m1');
  assert.equal(tracked.sockets.length, 2);
  assert.equal(got[1]?.text(), 'm1');
  assert.equal(got[1]?.redelivered, true);
  got[1]?.ack();

  await client.publish('', 'jobs', 'm2');
  await waitFor(() => got.length === 3, 5000, 'm2 after the reconnect');
  assert.equal(got[2]?.text(), 'm2');
  got[2]?.ack();
});

test('after a broker restart the client reconnects, the queue resumes and the topic continues after its last offset', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-client-restart-'));
  let broker = await startBroker({ dataDir });
  const ports = { kafkaPort: broker.addresses.kafka?.port, amqpPort: broker.addresses.amqp?.port, httpPort: broker.addresses.http?.port };
  const h = broker.addresses.http;
  assert.ok(h !== undefined);
  const client = await connect(`ws://${h.host}:${h.port}/ws`, { WebSocket, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } });
  t.after(async () => {
    await client.close();
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  await declareQueue(broker, 'jobs');
  await produce(broker, 'orders', ['r0', 'r1', 'r2']);

  const events: string[] = [];
  client.on('open', () => void events.push('open'));
  client.on('close', (c) => void events.push(`close reconnecting=${c.reconnecting}`));

  const messages: string[] = [];
  const queueSub = client.subscribe({ queue: 'jobs' }, (m) => {
    messages.push(m.text());
    m.ack();
  });
  const records: string[] = [];
  const topicSub = client.subscribe({ topic: 'orders', offset: 'earliest' }, (m) => void records.push(`${m.offset}:${m.text()}`));
  await Promise.all([queueSub.ready, topicSub.ready]);
  await client.publish('', 'jobs', 'before', { properties: { deliveryMode: 2 } });
  await waitFor(() => messages.length === 1 && records.length === 3, 5000, 'first message and records');

  await broker.stop(); // the gateway closes every socket (1001) as it shuts down
  await waitFor(() => events.includes('close reconnecting=true'), 5000, 'the client to see the close');
  broker = await startBroker({ dataDir, ...ports });
  await waitFor(() => events.filter((e) => e === 'open').length === 1, 10_000, 'the client to reconnect');

  await produce(broker, 'orders', ['r3', 'r4']);
  await client.publish('', 'jobs', 'after', { properties: { deliveryMode: 2 } });
  await waitFor(() => messages.length === 2 && records.length === 5, 5000, 'deliveries after the restart');
  assert.deepEqual(messages, ['before', 'after']);
  assert.deepEqual(records, ['0:r0', '1:r1', '2:r2', '3:r3', '4:r4']);
});
