// The model wired to the real Queue on an in-memory disk: what the session will run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmqpBroker } from '../../../../src/broker/amqp/amqp-broker.js';
import { silentLogger } from '../../../../src/observability/logger.js';
import { QueueWorld, settle } from './queue-fixtures.js';
import { args, message, NO_ARGS } from './model-fakes.js';

function open(world: QueueWorld): Promise<AmqpBroker> {
  const { openLog, deleteLog, ackStateIntervalMs, timers } = world.deps();
  return AmqpBroker.open({ metadata: world.metadata, logger: silentLogger(), nowMs: () => world.time.nowMs, users: [], vhosts: [], queueDeps: { openLog, deleteLog, ackStateIntervalMs, timers } });
}

test('a persistent message in a durable queue survives a broker close and reopen', async () => {
  const world = new QueueWorld();
  const first = await open(world);
  const v = first.vhost('/');
  assert.ok(v);
  await v.declareExchange({ name: 'celery', type: 'direct', passive: false, durable: true, autoDelete: false, internal: false, arguments: NO_ARGS });
  await v.declareQueue({ name: 'celery', passive: false, durable: true, exclusive: false, autoDelete: false, arguments: NO_ARGS, connectionId: 1 });
  await v.bindQueue('celery', 'celery', 'celery', NO_ARGS, 1);
  const outcome = v.publish('celery', 'celery', message('celery', { persistent: true, exchange: 'celery' }), false);
  assert.equal(outcome.routed, true);
  await outcome.stored;
  await first.close();
  await world.restart();

  const second = await open(world);
  const r = await second.vhost('/')?.declareQueue({ name: 'celery', passive: true, durable: true, exclusive: false, autoDelete: false, arguments: NO_ARGS, connectionId: 2 });
  assert.equal(r?.messageCount, 1);
  await second.close();
});

test('an unused queue with x-expires is deleted by the vhost, bindings included', async () => {
  const world = new QueueWorld();
  const broker = await open(world);
  const v = broker.vhost('/');
  assert.ok(v);
  await v.declareQueue({ name: 'pidbox', passive: false, durable: false, exclusive: false, autoDelete: true, arguments: args({ 'x-expires': 10_000 }), connectionId: 1 });
  await v.bindQueue('pidbox', 'amq.fanout', '', NO_ARGS, 1);
  world.time.advance(10_001);
  await settle();
  assert.deepEqual(v.listQueues(), []);
  assert.equal(v.publish('amq.fanout', '', message(''), false).routed, false);
  await broker.close();
});

test('queue arguments are validated by the real Queue before creation', async () => {
  const world = new QueueWorld();
  const broker = await open(world);
  const v = broker.vhost('/');
  assert.ok(v);
  await assert.rejects(v.declareQueue({ name: 'q', passive: false, durable: false, exclusive: false, autoDelete: false, arguments: args({ 'x-max-length': -1 }), connectionId: 1 }), (err: unknown) => (err as { code?: string }).code === 'WHARF_ERR_PRECONDITION_FAILED');
  assert.deepEqual(v.listQueues(), []);
  await broker.close();
});
