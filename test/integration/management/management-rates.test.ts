// Rates and totals of /api: the sampler turns the counters on queues and partitions into
// per-second rates between two samples (a test clock stands in for the 5 s timer), a deleted
// queue drops out of the rates but not out of the broker-wide totals, and /api/overview and
// /api/queues show what amqplib did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { RateSampler } from '../../../src/protocols/http/management/rates.js';
import { startServer } from '../../../src/server.js';
import { waitFor } from '../../helpers/wait-for.js';

test('rates per queue and broker-wide from the counters; deleted queues keep their totals', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-mgmt-'));
  const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', kafkaPort: 0, amqpPort: 0, httpPort: 0, dataDir } });
  const server = await startServer(config, silentLogger());
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${server.addresses.amqp?.port ?? 0}`);
  t.after(async () => {
    await conn.close().catch(() => undefined);
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  let now = 1_000_000;
  const sampler = new RateSampler(server.broker, () => now);
  sampler.sample();
  const ch = await conn.createChannel();
  await ch.assertQueue('fast', { durable: false });
  await ch.assertQueue('doomed', { durable: false });
  for (let i = 0; i < 20; i++) ch.sendToQueue('fast', Buffer.from('m'));
  for (let i = 0; i < 5; i++) ch.sendToQueue('doomed', Buffer.from('m'));
  const vhost = server.broker.amqp.vhost('/');
  assert.ok(vhost !== undefined);
  await waitFor(() => vhost.queue('fast', -2).messageCount === 20 && vhost.queue('doomed', -2).messageCount === 5, 5000, 'the messages to arrive');
  now += 5_000;
  sampler.sample();
  assert.equal(sampler.queueRates(vhost.queue('fast', -2).counters).publish, 4, '20 publishes in 5 s');
  assert.equal(sampler.queueRates(vhost.queue('doomed', -2).counters).publish, 1);
  assert.equal(sampler.queueRateTotals().publish, 5);
  assert.equal(sampler.queueCountTotals().publish, 25);

  await ch.deleteQueue('doomed');
  now += 5_000;
  sampler.sample();
  assert.equal(sampler.queueRateTotals().publish, 0, 'no publishes in the last interval');
  assert.equal(sampler.queueCountTotals().publish, 25, 'the deleted queue\'s publishes stay in the totals');

  // The API's own sampler (started with the listener) has seen the queue too.
  const base = `http://127.0.0.1:${server.addresses.http?.port ?? 0}`;
  const headers = { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` };
  const q = await (await fetch(`${base}/api/queues/%2F/fast`, { headers })).json() as { messages: number; messages_ready: number; message_stats: { publish: number; publish_details: { rate: number } } };
  assert.deepEqual([q.messages, q.messages_ready, q.message_stats.publish, typeof q.message_stats.publish_details.rate], [20, 20, 20, 'number']);
  const o = await (await fetch(`${base}/api/overview`, { headers })).json() as { object_totals: Record<string, number>; queue_totals: Record<string, number>; message_stats: { publish: number }; listeners: { protocol: string }[] };
  assert.deepEqual([o.object_totals.queues, o.object_totals.connections, o.object_totals.channels, o.queue_totals.messages], [1, 1, 1, 20]);
  assert.ok(o.message_stats.publish >= 20);
  assert.deepEqual(o.listeners.map((l) => l.protocol).sort(), ['amqp', 'http', 'kafka']);
});
