// GET /metrics (docs/metrics.md): the Prometheus text format, with queue gauges that count what
// amqplib published, partition gauges that follow what kafkajs produced, connection counts per
// protocol and the process metrics of prom-client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { request, withHttpBroker } from './http-test-broker.js';

async function scrape(base: string): Promise<{ status: number; contentType: string; text: string }> {
  const res = await fetch(`${base}/metrics`);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

test('GET /metrics reports queue depth, partition offsets, connections and process metrics', async (t) => {
  const b = await withHttpBroker(t);
  const conn = await amqp.connect(b.amqpUrl);
  conn.on('error', () => undefined);
  b.beforeStop(() => conn.close());
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('q', { durable: false });
  for (const body of ['a', 'b', 'c']) ch.sendToQueue('q', Buffer.from(body));
  await ch.waitForConfirms();

  const kafka = kafkajsClient(b.kafkaBootstrap);
  const admin = kafka.admin();
  await admin.connect();
  b.beforeStop(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }] });
  const producer = kafka.producer();
  await producer.connect();
  b.beforeStop(() => producer.disconnect());
  await producer.send({ topic: 'events', acks: -1, messages: [{ value: 'x', partition: 1 }, { value: 'y', partition: 1 }] });

  // Confirmed means enqueued, so the first scrape should already count 3; poll to be safe.
  const m = await waitFor(async () => {
    const s = await scrape(b.base);
    return s.text.includes('wharf_amqp_queue_messages_ready{vhost="/",queue="q"} 3') && s;
  }, 5_000, 'the queue gauge to count 3 ready messages');
  assert.equal(m.status, 200);
  assert.match(m.contentType, /^text\/plain/);
  assert.match(m.contentType, /version=0\.0\.4/);
  const lines = m.text.split('\n');
  assert.ok(lines.includes('wharf_amqp_queue_messages_ready{vhost="/",queue="q"} 3'), m.text);
  assert.ok(lines.includes('wharf_amqp_queue_messages_unacked{vhost="/",queue="q"} 0'));
  assert.ok(lines.includes('wharf_amqp_queue_consumers{vhost="/",queue="q"} 0'));
  assert.ok(lines.includes('wharf_topic_partition_log_end_offset{topic="events",partition="1"} 2'), m.text);
  assert.ok(lines.includes('wharf_topic_partition_log_end_offset{topic="events",partition="0"} 0'));
  assert.ok(lines.includes('wharf_topic_partition_log_start_offset{topic="events",partition="1"} 0'));
  assert.ok(lines.some((l) => /^wharf_topic_partition_size_bytes\{topic="events",partition="1"\} [1-9]\d*$/.test(l)));
  assert.ok(lines.includes('wharf_connections{protocol="amqp"} 1'));
  assert.ok(lines.some((l) => /^wharf_connections\{protocol="kafka"\} [1-9]\d*$/.test(l)));
  assert.ok(lines.some((l) => l.startsWith('process_resident_memory_bytes ')));
  assert.ok(!m.text.includes('__consumer_offsets') && !m.text.includes('~q.'), 'internal logs are not reported');
});

test('a queue that is deleted is no longer reported, and POST /metrics answers 405', async (t) => {
  const b = await withHttpBroker(t);
  const conn = await amqp.connect(b.amqpUrl);
  conn.on('error', () => undefined);
  b.beforeStop(() => conn.close());
  const ch = await conn.createChannel();
  await ch.assertQueue('gone', { durable: false });
  assert.ok((await scrape(b.base)).text.includes('wharf_amqp_queue_messages_ready{vhost="/",queue="gone"} 0'));
  await ch.deleteQueue('gone');
  assert.ok(!(await scrape(b.base)).text.includes('queue="gone"'));

  const post = await request(`${b.base}/metrics`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'GET');
});
