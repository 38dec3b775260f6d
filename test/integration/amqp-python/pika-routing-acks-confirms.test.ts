// pika 1.2 (BlockingConnection, PLAIN) against a real Wharf process: the handshake it negotiates,
// routing through each exchange type, manual acks under prefetch, nack/reject, and publisher
// confirms with mandatory (pika needs both publisher_confirms and basic.nack advertised,
// protocol-matrix §3.2). Scenarios live in clients/pika_client.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyJson, startAmqpBroker } from '../../helpers/amqp-python-clients.js';

test('pika: handshake, routing per exchange type, prefetch and acks, nack, confirms', { timeout: 120_000 }, async (t) => {
  const broker = await startAmqpBroker(t);
  const pika = <T>(...args: string[]): Promise<T> => pyJson<T>('pika_client.py', [String(broker.port), ...args]);

  await t.test('negotiates RabbitMQ-like tuning and advertises what pika checks', async () => {
    const h = await pika<{ frame_max: number; channel_max: number; heartbeat: number; product: string; capabilities: Record<string, boolean> }>('handshake');
    assert.equal(h.frame_max, 131072);
    assert.equal(h.channel_max, 2047);
    assert.equal(h.heartbeat, 60);
    assert.equal(h.product, 'Wharf', 'not "RabbitMQ", so kombu keeps global=false qos (protocol-matrix §3.5)');
    assert.equal(h.capabilities.publisher_confirms, true);
    assert.equal(h.capabilities['basic.nack'], true);
    assert.equal(h.capabilities.consumer_cancel_notify, true);
  });

  await t.test('direct, fanout, topic, headers, default and exchange-to-exchange routing', async () => {
    const got = await pika<Record<string, string[]>>('routing', 'rt');
    assert.deepEqual(got, {
      'd-red': ['direct-red', 'default-exchange'],
      'd-blue': ['direct-blue'],
      f1: ['fanout-1'],
      f2: ['fanout-1'],
      't-stock': ['topic-ibm-nyse'],
      't-all-us': ['topic-weather-us', 'topic-us'],
      'h-all': ['headers-pdf-report'],
      'h-any': ['headers-pdf-report', 'headers-pdf-log'],
      e2e: ['fanout-1'],
    });
  });

  await t.test('prefetch holds deliveries until acked; a later basic.qos applies to the existing consumer', async () => {
    const r = await pika<{ held_at_prefetch_3: number; ready_at_3: number; ready_after_raise: number; ready_end: number; bodies: string[] }>('acks-prefetch', 'prefetch-q');
    assert.equal(r.held_at_prefetch_3, 3);
    assert.equal(r.ready_at_3, 7, 'the other 7 stay ready in the queue');
    assert.equal(r.ready_after_raise, 3, 'prefetch 6 with 6 unacked leaves 3 ready');
    assert.equal(r.ready_end, 0);
    assert.deepEqual(r.bodies, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], 'in publish order, each once');
  });

  await t.test('basic.nack with requeue comes back redelivered; basic.reject without requeue drops', async () => {
    const r = await pika<Record<string, unknown>>('nack', 'nack-q');
    assert.deepEqual(r, { first_redelivered: false, again_body: 'again', again_redelivered: true, again_message_id: 'm-1', left: 0 });
  });

  await t.test('confirm_delivery: unroutable mandatory publish raises UnroutableError (312 NO_ROUTE)', async () => {
    const r = await pika<{ unroutable: [number, string, string][] | null; missing_exchange_code: number | null; routed_count: number }>('confirms', 'confirm-q');
    assert.deepEqual(r.unroutable, [[312, 'NO_ROUTE', 'lost']]);
    assert.equal(r.missing_exchange_code, 404, 'publishing to a missing exchange closes the channel with 404');
    assert.equal(r.routed_count, 1);
  });
});
