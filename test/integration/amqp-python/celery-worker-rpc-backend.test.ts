// A Celery 5.2 worker (kombu 5.2 / py-amqp 5.1, the Debian packages) against a real Wharf
// process, with the default topology (protocol-matrix §3.4): task queue "celery", pidbox fanout
// for control/inspect, celeryev topic exchange for gossip and task events (-E), mingle at start,
// and results over rpc:// (a reply queue with x-expires, re-declared on every call). The worker
// runs with broker_heartbeat=2 so heartbeats and x-expires (pidbox: 10 s) are exercised within
// the test; deleting its task queue must reach it as basic.cancel, after which it reconnects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { pyJson, spawnPython, startAmqpBroker } from '../../helpers/amqp-python-clients.js';
import { waitFor } from '../../helpers/wait-for.js';

const WORKER = 'wharf-worker@localhost';

interface Calls { first: number; second: number; many: number[]; eta: number; failed: string | null; reply_queue: string }

test('Celery worker runs tasks from .delay() and returns results over rpc://', { timeout: 150_000 }, async (t) => {
  const broker = await startAmqpBroker(t);
  const env = { WHARF_AMQP_URL: broker.url, WHARF_CELERY_HEARTBEAT: '2' };
  const celery = <T>(...args: string[]): Promise<T> => pyJson<T>('celery_call.py', args, { timeoutMs: 90_000 });
  const worker = spawnPython(t, ['-m', 'celery', '-A', 'celery_tasks', 'worker', '--pool=solo', '-c', '1', '-E', '-n', WORKER, '-l', 'info'],
    { ...env, C_FORCE_ROOT: '1' });
  await worker.waitForOutput(`${WORKER} ready.`, 60_000);
  // celery_call.py reads the broker URL from the environment, like the worker.
  const saved = { ...process.env };
  Object.assign(process.env, env);
  t.after(() => {
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) Reflect.deleteProperty(process.env, k);
      else process.env[k] = saved[k];
    }
  });

  await t.test('delay().get(), a second call re-declaring the rpc reply queue, 20 in flight, an ETA task, a failure', async () => {
    const r = await celery<Calls>('calls');
    assert.equal(r.first, 5);
    assert.equal(r.second, 30);
    assert.deepEqual(r.many, Array.from({ length: 20 }, (_v, i) => 2 * i));
    assert.equal(r.eta, 101, 'the countdown task (held by the worker under a raised prefetch) completes');
    assert.equal(r.failed, 'boom', 'the task\'s exception comes back through the result');
  });

  await t.test('inspect ping is answered over the pidbox fanout and a reply queue', async () => {
    const r = await celery<{ nodes: string[] }>('ping');
    assert.deepEqual(r.nodes, [WORKER]);
    // kombu warns when declare-ok reports consumers on a fresh pidbox queue (consumer_count must be exact).
    assert.doesNotMatch(worker.output(), /already using this process mailbox/);
  });

  await t.test('an idle worker keeps its connection (heartbeats) and its pidbox queue (x-expires 10 s)', async () => {
    // Longer than two 2 s heartbeat intervals and than the pidbox queue's x-expires.
    await sleep(12_000);
    assert.deepEqual((await celery<{ nodes: string[] }>('ping')).nodes, [WORKER]);
    assert.equal((await celery<{ sum: number }>('add')).sum, 42);
    assert.equal(broker.process.lines.some((l) => typeof l.msg === 'string' && l.msg.includes('missed heartbeats')), false, 'no connection closed for missed heartbeats');
    assert.doesNotMatch(worker.output(), /Connection to broker lost/);
  });

  await t.test('deleting the task queue cancels the worker\'s consumer; it reconnects and serves again', async () => {
    const connectedBefore = worker.output().split('Connected to amqp://').length;
    const del = await pyJson<{ ok: boolean }>('pika_client.py', [String(broker.port), 'delete-queue', 'celery']);
    assert.equal(del.ok, true);
    await waitFor(() => worker.output().split('Connected to amqp://').length > connectedBefore, 60_000, 'the worker to reconnect after basic.cancel');
    assert.match(worker.output(), /ConsumerCancelled/);
    assert.equal((await celery<{ sum: number }>('add')).sum, 42);
  });
});
