// Connection-level liveness and flow control: a peer that negotiated heartbeats and then goes
// silent is dropped after two intervals, while amqplib with heartbeats stays connected through
// idle seconds; a memory alarm blocks publishers (connection.blocked), and once it clears
// (connection.unblocked) every message published meanwhile is delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../src/broker/broker.js';
import { ResourceAlarm } from '../../../src/broker/resource-alarm.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { startAmqpListener } from '../../../src/protocols/amqp/listener.js';
import { FrameType } from '../../../src/protocols/amqp/codec/index.js';
import { connectTo, drain, withAmqpBroker } from '../../helpers/amqp-broker.js';
import { RawAmqpClient } from '../../helpers/amqp-raw-client.js';
import { waitFor } from '../../helpers/wait-for.js';

test('a client that negotiated heartbeat 1 s and then stays silent is disconnected after about 2 s', async (t) => {
  const broker = await withAmqpBroker(t);
  const c = await RawAmqpClient.handshake(broker.port, { heartbeatSec: 1 });
  t.after(() => c.end());
  const silentSince = Date.now();
  await c.waitClosed(15_000);
  const silentMs = Date.now() - silentSince;
  assert.ok(silentMs >= 1_000, `not dropped before missing heartbeats (${silentMs} ms)`);
  assert.ok(c.frames.some((f) => f.type === FrameType.HEARTBEAT && f.channel === 0), 'the broker sent heartbeats meanwhile');
  const ch = await (await broker.connect()).createChannel();
  await ch.assertQueue('after-heartbeat-drop', { exclusive: true });
});

test('amqplib with heartbeat 1 s stays connected through seconds of idleness', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect({ heartbeat: 1 });
  let closed = false;
  conn.on('close', () => {
    closed = true;
  });
  const ch = await conn.createChannel();
  await ch.assertQueue('idle-q', { exclusive: true });
  await new Promise((r) => setTimeout(r, 3_500)); // idle on purpose: three heartbeat intervals
  assert.equal(closed, false);
  ch.sendToQueue('idle-q', Buffer.from('still here'));
  assert.deepEqual(await drain(ch, 'idle-q'), ['still here']);
});

test('a memory high watermark below the process size blocks amqplib connections', async (t) => {
  const broker = await withAmqpBroker(t, { memoryHighWatermarkBytes: 1 });
  const conn = await broker.connect();
  const reasons: string[] = [];
  conn.on('blocked', (reason: string) => reasons.push(reason));
  await waitFor(() => reasons.length > 0, 10_000, 'connection.blocked');
  assert.equal(reasons[0], 'low on memory');
  // Non-publishing work goes on while blocked (RabbitMQ blocks only publishers).
  const ch = await conn.createChannel();
  await ch.assertQueue('while-blocked', { exclusive: true });
});

test('messages published while blocked are all delivered once the alarm clears', async (t) => {
  let rss = 100;
  const alarm = new ResourceAlarm({
    memoryHighWatermarkBytes: 1_000, diskFreeLimitBytes: 0, dataDir: tmpdir(), checkIntervalMs: 20,
    logger: silentLogger(), readRss: () => rss, readDiskFree: async () => Number.POSITIVE_INFINITY,
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-blocked-'));
  const config = loadConfig({ env: {}, overrides: { host: '127.0.0.1', kafkaPort: 0, amqpPort: 0, httpPort: 0, dataDir } });
  const broker = await Broker.open({ ...config, logger: silentLogger() });
  const listener = await startAmqpListener({ broker, config, logger: silentLogger(), alarm });
  t.after(async () => {
    await listener.close();
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const url = `amqp://guest:guest@127.0.0.1:${listener.address.port}`;
  const pubConn = await connectTo(t, url);
  const events: string[] = [];
  pubConn.on('blocked', () => events.push('blocked'));
  pubConn.on('unblocked', () => events.push('unblocked'));
  const pub = await pubConn.createConfirmChannel();
  await pub.assertQueue('held-back', { durable: true });

  rss = 10_000;
  await waitFor(() => events.includes('blocked'), 10_000, 'connection.blocked');
  const total = 200;
  for (let i = 0; i < total; i++) pub.sendToQueue('held-back', Buffer.from(`b${i}`), { persistent: true });
  const confirmed = pub.waitForConfirms();
  // The broker stops reading the blocked connection after its first publish: not all are queued yet.
  const sub = await (await connectTo(t, url)).createChannel();
  const { messageCount: whileBlocked } = await sub.checkQueue('held-back');
  t.diagnostic(`queued while blocked: ${whileBlocked}`);
  assert.ok(whileBlocked < total, `publishing is held back while blocked (${whileBlocked} queued)`);

  rss = 100;
  await waitFor(() => events.includes('unblocked'), 10_000, 'connection.unblocked');
  await confirmed;
  assert.deepEqual(events, ['blocked', 'unblocked']);
  const got = await drain(sub, 'held-back');
  assert.deepEqual(got, Array.from({ length: total }, (_, i) => `b${i}`), 'none lost, in order');
});
