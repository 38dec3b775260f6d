// RPC over a real Wharf process with pika on both ends, each in its own process: the server
// answers to reply_to with the request's correlation_id, the client waits on an exclusive
// server-named queue or on RabbitMQ's direct reply-to pseudo-queue (amq.rabbitmq.reply-to,
// consumed with auto_ack, replies addressed to amq.rabbitmq.reply-to.<token>).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pyJson, spawnPython, startAmqpBroker } from '../../helpers/amqp-python-clients.js';

interface RpcResult { reply_to: string; pairs: [number, number][] }

test('pika RPC with reply_to/correlation_id, over a callback queue and over direct reply-to', { timeout: 120_000 }, async (t) => {
  const broker = await startAmqpBroker(t);
  const port = String(broker.port);
  const expected: [number, number][] = [[1, 2], [2, 4], [3, 6], [21, 42]];

  for (const mode of ['queue', 'direct'] as const) {
    await t.test(`replies reach the caller (${mode === 'queue' ? 'exclusive callback queue' : 'amq.rabbitmq.reply-to'})`, async (st) => {
      const queue = `rpc-${mode}`;
      const server = spawnPython(st, ['pika_client.py', port, 'rpc-server', queue, String(expected.length)]);
      await server.waitForOutput('"ready": true');
      const r = await pyJson<RpcResult>('pika_client.py', [port, 'rpc-client', queue, mode]);
      assert.deepEqual(r.pairs, expected, 'each reply matched to its request by correlation_id');
      assert.equal(await server.exited, 0, server.output());
      const served = JSON.parse(server.output().split('\n').filter((l) => l.includes('"served"'))[0] ?? '{}') as { served: number; reply_to: string[] };
      assert.equal(served.served, expected.length);
      if (mode === 'queue') {
        assert.match(r.reply_to, /^amq\.gen-/);
        assert.deepEqual(served.reply_to, [r.reply_to]);
      } else {
        assert.equal(r.reply_to, 'amq.rabbitmq.reply-to');
        assert.equal(served.reply_to.length, 1);
        assert.match(served.reply_to[0] ?? '', /^amq\.rabbitmq\.reply-to\.[^.]+/, 'the server sees the per-channel reply address');
      }
    });
  }

  await t.test('publishing with reply_to amq.rabbitmq.reply-to before consuming it is 406, as on RabbitMQ', async () => {
    const r = await pyJson<{ code: number | null }>('pika_client.py', [port, 'direct-reply-without-consumer', 'rpc-queue']);
    assert.equal(r.code, 406);
  });
});
