// Queue lifetimes that Celery and kombu rely on (protocol-matrix §3.4), driven by pika against a
// real Wharf process: x-expires counts from the last *use* (a consumed queue outlives it),
// x-message-ttl and per-message expiration, auto_delete after the last consumer, basic.cancel
// sent to consumers of a deleted queue, and re-declare equivalence (406 when arguments differ).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyJson, startAmqpBroker } from '../../helpers/amqp-python-clients.js';

test('pika: x-expires, message TTL, auto_delete, consumer cancel notification, re-declare', { timeout: 120_000 }, async (t) => {
  const broker = await startAmqpBroker(t);
  const pika = <T>(...args: string[]): Promise<T> => pyJson<T>('pika_client.py', [String(broker.port), ...args]);

  await t.test('x-expires deletes an unused queue but not one with a consumer', async () => {
    const r = await pika<Record<string, boolean>>('expires', 'exp');
    assert.deepEqual(r, { idle_gone: true, idle_gone_not_before_expiry: true, used_alive_while_consumed: true });
  });

  await t.test('x-message-ttl and expiration drop messages that were never delivered', async () => {
    const r = await pika<{ at_first: number; after_ttl: string[]; long_queue: string[] }>('message-ttl', 'ttl');
    assert.deepEqual(r, { at_first: 2, after_ttl: [], long_queue: ['kept'] });
  });

  await t.test('auto_delete: gone after its last consumer cancels, kept while never consumed', async () => {
    const r = await pika<Record<string, unknown>>('auto-delete', 'ad');
    assert.deepEqual(r, { consumer_count: 2, alive_with_one: true, deleted_after_last: true, never_consumed_alive: true });
  });

  await t.test('deleting a consumed queue sends basic.cancel to its consumer; the channel stays open', async () => {
    const r = await pika<Record<string, unknown>>('cancel-notify', 'cancelled');
    assert.deepEqual(r, { cancelled: ['watched'], deleted_message_count: 0, channel_open: true });
  });

  await t.test('identical re-declare reports the consumer count; inequivalent x-expires is 406', async () => {
    const r = await pika<Record<string, unknown>>('redeclare', 'redeclared');
    assert.deepEqual(r, { consumer_count: 1, inequivalent_code: 406 });
  });
});
