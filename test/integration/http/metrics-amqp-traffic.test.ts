// /metrics after real AMQP traffic (docs/metrics.md): amqplib publishes with confirms, consumes
// with acks, nacks one delivery back to the queue, leaves one unacked, and reads another queue
// with basic.get in no-ack mode. The per-queue counters must count exactly that, the channel
// gauge the channels open, and the method histogram the methods used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { waitFor } from '../../helpers/wait-for.js';
import { withHttpBroker } from './http-test-broker.js';
import { scrapeMetrics } from './metrics-scrape.js';

const jobs = { vhost: '/', queue: 'jobs' };
const audit = { vhost: '/', queue: 'audit' };

test('amqplib traffic: published, delivered, redelivered and acked per queue, channels, method histograms', { timeout: 30_000 }, async (t) => {
  const b = await withHttpBroker(t);
  const conn = await amqp.connect(b.amqpUrl);
  conn.on('error', () => undefined);
  b.beforeStop(() => conn.close());
  const pub = await conn.createConfirmChannel();
  await pub.assertQueue('jobs', { durable: true });
  await pub.assertQueue('audit', { durable: false });
  for (let i = 0; i < 5; i++) pub.sendToQueue('jobs', Buffer.from(`job ${i}`), { persistent: true });
  pub.sendToQueue('audit', Buffer.from('a1'));
  pub.sendToQueue('audit', Buffer.from('a2'));
  await pub.waitForConfirms();

  const sub = await conn.createChannel();
  await sub.prefetch(10);
  const seen: amqp.ConsumeMessage[] = [];
  await sub.consume('jobs', (msg) => {
    if (msg !== null) seen.push(msg);
  });
  await waitFor(() => seen.length === 5, 5_000, 'five deliveries');
  for (const msg of seen.slice(0, 3)) sub.ack(msg);
  sub.nack(seen[3] as amqp.ConsumeMessage, false, true); // back to the queue, delivered again with redelivered=true
  await waitFor(() => seen.length === 6, 5_000, 'the requeued message delivered again');
  const again = seen[5] as amqp.ConsumeMessage;
  assert.equal(again.fields.redelivered, true);
  sub.ack(again);
  // seen[4] stays unacked.
  assert.notEqual(await pub.get('audit', { noAck: true }), false);
  assert.notEqual(await pub.get('audit', { noAck: true }), false);

  const m = await waitFor(async () => {
    const s = await scrapeMetrics(b.base);
    return s.value('wharf_amqp_queue_acked_total', jobs) === 4 && s;
  }, 5_000, 'the acks to be counted');
  assert.equal(m.value('wharf_amqp_queue_published_total', jobs), 5, m.text);
  assert.equal(m.value('wharf_amqp_queue_delivered_total', jobs), 6);
  assert.equal(m.value('wharf_amqp_queue_redelivered_total', jobs), 1);
  assert.equal(m.value('wharf_amqp_queue_acked_total', jobs), 4);
  assert.equal(m.value('wharf_amqp_queue_messages_unacked', jobs), 1);
  assert.equal(m.value('wharf_amqp_queue_messages_ready', jobs), 0);
  assert.equal(m.value('wharf_amqp_queue_consumers', jobs), 1);
  // basic.get with no-ack: delivered and settled at once.
  assert.equal(m.value('wharf_amqp_queue_published_total', audit), 2);
  assert.equal(m.value('wharf_amqp_queue_delivered_total', audit), 2);
  assert.equal(m.value('wharf_amqp_queue_acked_total', audit), 2);
  assert.equal(m.value('wharf_amqp_queue_redelivered_total', audit), 0);

  assert.equal(m.value('wharf_connections', { protocol: 'amqp' }), 1);
  assert.equal(m.value('wharf_amqp_channels'), 2);
  const methods: Record<string, number> = {
    'channel.open': 2, 'confirm.select': 1, 'queue.declare': 2, 'basic.publish': 7, 'basic.qos': 1,
    'basic.consume': 1, 'basic.ack': 4, 'basic.nack': 1, 'basic.get': 2,
  };
  for (const [method, count] of Object.entries(methods)) {
    assert.equal(m.value('wharf_amqp_method_duration_seconds_count', { method }), count, `${method} observations\n${m.text}`);
    assert.equal(m.value('wharf_amqp_method_duration_seconds_bucket', { le: '+Inf', method }), count);
  }
  // A durable queue's persistent messages are fsynced before they are confirmed.
  const fsyncs = m.value('wharf_log_fsync_duration_seconds_count');
  assert.ok(fsyncs !== undefined && fsyncs > 0, m.text);

  await sub.close();
  const after = await scrapeMetrics(b.base);
  assert.equal(after.value('wharf_amqp_channels'), 1, 'a closed channel is no longer counted');
  assert.equal(after.value('wharf_amqp_queue_redelivered_total', jobs), 1, 'requeued on close, not delivered again without a consumer');
});
