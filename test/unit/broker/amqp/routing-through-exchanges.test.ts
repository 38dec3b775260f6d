import { test } from 'node:test';
import assert from 'node:assert/strict';
import { args, errorWith, exchange, message, NO_ARGS, openModel, queue, routed } from './model-fakes.js';

test('the default exchange routes to the queue named by the key; predeclared amq.* exchanges exist', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'celery');
  assert.deepEqual(routed(vhost, '', 'celery'), ['celery']);
  assert.deepEqual(routed(vhost, '', 'nope'), []);
  for (const name of ['amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match']) assert.ok(vhost.exchange(name).durable);
  assert.equal(vhost.exchange('amq.match').type, 'headers');
});

test('direct, fanout, topic and headers exchanges route to their bound queues', async () => {
  const { vhost } = await openModel();
  for (const q of ['q1', 'q2', 'q3']) await queue(vhost, q);
  await exchange(vhost, 'd', 'direct');
  await vhost.bindQueue('q1', 'd', 'k1', NO_ARGS, 1);
  await vhost.bindQueue('q2', 'd', 'k1', NO_ARGS, 1);
  await vhost.bindQueue('q3', 'd', 'k3', NO_ARGS, 1);
  assert.deepEqual(routed(vhost, 'd', 'k1'), ['q1', 'q2']);
  assert.deepEqual(routed(vhost, 'd', 'k3'), ['q3']);

  await exchange(vhost, 'f', 'fanout');
  await vhost.bindQueue('q1', 'f', 'ignored', NO_ARGS, 1);
  await vhost.bindQueue('q3', 'f', '', NO_ARGS, 1);
  assert.deepEqual(routed(vhost, 'f', 'anything'), ['q1', 'q3']);

  await exchange(vhost, 'celeryev', 'topic', { durable: true });
  await vhost.bindQueue('q1', 'celeryev', '#', NO_ARGS, 1);
  await vhost.bindQueue('q2', 'celeryev', 'worker.#', NO_ARGS, 1);
  assert.deepEqual(routed(vhost, 'celeryev', 'worker.heartbeat'), ['q1', 'q2']);
  assert.deepEqual(routed(vhost, 'celeryev', 'task.succeeded'), ['q1']);

  await vhost.bindQueue('q3', 'amq.headers', '', args({ 'x-match': 'any', a: 1, b: 2 }), 1);
  assert.deepEqual(routed(vhost, 'amq.headers', '', message('', { headers: { b: 2 } })), ['q3']);
  assert.deepEqual(routed(vhost, 'amq.headers', '', message('', { headers: { b: 3 } })), []);
});

test('a queue bound twice gets one copy per publish; the outcome reports routed and rejected', async () => {
  const { vhost } = await openModel();
  const q = await queue(vhost, 'q');
  const full = await queue(vhost, 'full');
  full.full = true;
  await exchange(vhost, 't', 'topic');
  await vhost.bindQueue('q', 't', 'a.*', NO_ARGS, 1);
  await vhost.bindQueue('q', 't', '#', NO_ARGS, 1);
  let outcome = vhost.publish('t', 'a.b', message('a.b'), false);
  assert.equal(q.received.length, 1);
  assert.deepEqual({ routed: outcome.routed, rejected: outcome.rejected }, { routed: true, rejected: false });
  await vhost.bindQueue('full', 't', '#', NO_ARGS, 1);
  outcome = vhost.publish('t', 'a.b', message('a.b'), true);
  assert.deepEqual({ routed: outcome.routed, rejected: outcome.rejected }, { routed: true, rejected: true });
  outcome = vhost.publish('amq.direct', 'none', message('none'), true);
  assert.equal(outcome.routed, false);
});

test('exchange-to-exchange bindings route through, and loops deliver once per queue', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'qa');
  await queue(vhost, 'qb');
  await exchange(vhost, 'a', 'fanout');
  await exchange(vhost, 'b', 'fanout');
  await vhost.bindExchange('b', 'a', '', NO_ARGS);
  await vhost.bindExchange('a', 'b', '', NO_ARGS);
  await vhost.bindQueue('qa', 'a', '', NO_ARGS, 1);
  await vhost.bindQueue('qb', 'b', '', NO_ARGS, 1);
  const m = message('x');
  vhost.publish('a', 'x', m, false);
  const qa = vhost.queue('qa', 1);
  const qb = vhost.queue('qb', 1);
  assert.equal(qa.received.length, 1);
  assert.equal(qb.received.length, 1);
  // A self-binding is harmless too.
  await vhost.bindExchange('a', 'a', '', NO_ARGS);
  assert.deepEqual(routed(vhost, 'a', 'x'), ['qa', 'qb']);
  await assert.rejects(vhost.bindExchange('missing', 'a', '', NO_ARGS), errorWith('WHARF_ERR_NOT_FOUND', "no exchange 'missing' in vhost '/'"));
  await assert.rejects(vhost.bindExchange('a', '', '', NO_ARGS), errorWith('WHARF_ERR_ACCESS_REFUSED', 'operation not permitted on the default exchange'));
});

test('unroutable messages go to the alternate exchange, which can chain and loop safely', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'unrouted');
  await queue(vhost, 'main');
  await exchange(vhost, 'ae', 'fanout');
  await vhost.bindQueue('unrouted', 'ae', '', NO_ARGS, 1);
  await exchange(vhost, 'x', 'direct', { arguments: args({ 'alternate-exchange': 'ae' }) });
  await vhost.bindQueue('main', 'x', 'k', NO_ARGS, 1);
  assert.deepEqual(routed(vhost, 'x', 'k'), ['main']);
  assert.deepEqual(routed(vhost, 'x', 'other'), ['unrouted']);
  // Two exchanges naming each other as alternates: routing stops, nothing matched.
  await exchange(vhost, 'p', 'direct', { arguments: args({ 'alternate-exchange': 'r' }) });
  await exchange(vhost, 'r', 'direct', { arguments: args({ 'alternate-exchange': 'p' }) });
  assert.deepEqual(routed(vhost, 'p', 'k'), []);
  // A missing alternate exchange is ignored.
  await exchange(vhost, 'lonely', 'direct', { arguments: args({ 'alternate-exchange': 'nowhere' }) });
  assert.deepEqual(routed(vhost, 'lonely', 'k'), []);
});

test('publishing to a missing or internal exchange is refused; internal exchanges route via e2e bindings', async () => {
  const { vhost } = await openModel();
  await queue(vhost, 'q');
  await exchange(vhost, 'inner', 'fanout', { internal: true });
  await vhost.bindQueue('q', 'inner', '', NO_ARGS, 1);
  await exchange(vhost, 'outer', 'fanout');
  await vhost.bindExchange('inner', 'outer', '', NO_ARGS);
  assert.throws(() => vhost.publish('missing', 'k', message('k'), false), errorWith('WHARF_ERR_NOT_FOUND', "no exchange 'missing' in vhost '/'"));
  assert.throws(() => vhost.publish('inner', 'k', message('k'), false), errorWith('WHARF_ERR_ACCESS_REFUSED', "cannot publish to internal exchange 'inner' in vhost '/'"));
  assert.equal(vhost.publish('outer', 'k', message('k'), false).routed, true);
});

test('direct reply-to: a publish to its key reaches the registered callback, then nothing once unregistered', async () => {
  const { vhost } = await openModel();
  const got: string[] = [];
  const reg = vhost.directReply.register((m) => {
    got.push(m.routingKey);
    return true;
  });
  assert.match(reg.routingKey, /^amq\.rabbitmq\.reply-to\.[A-Za-z0-9_-]{20,}$/);
  assert.equal(vhost.publish('', reg.routingKey, message(reg.routingKey), true).routed, true);
  assert.deepEqual(got, [reg.routingKey]);
  reg.unregister();
  assert.equal(vhost.publish('', reg.routingKey, message(reg.routingKey), true).routed, false);
});

test('dead-lettering routes from inside the vhost and drops the message when the exchange is missing', async () => {
  const { vhost } = await openModel();
  const source = await queue(vhost, 'source');
  const dlq = await queue(vhost, 'dlq');
  await exchange(vhost, 'dlx', 'fanout', { internal: true });
  await vhost.bindQueue('dlq', 'dlx', '', NO_ARGS, 1);
  source.hooks.deadLetter('dlx', 'k', message('k'));
  source.hooks.deadLetter('gone', 'k', message('k'));
  source.hooks.deadLetter('', 'dlq', message('dlq'));
  assert.equal(dlq.received.length, 2);
});

test('a durable copy is stored: the outcome settles when every stored promise does', async () => {
  const { vhost } = await openModel();
  const a = await queue(vhost, 'a', { durable: true });
  const b = await queue(vhost, 'b', { durable: true });
  let release: () => void = () => undefined;
  a.storedPromise = new Promise<void>((resolve) => { release = resolve; });
  b.storedPromise = Promise.resolve();
  await vhost.bindQueue('a', 'amq.fanout', '', NO_ARGS, 1);
  await vhost.bindQueue('b', 'amq.fanout', '', NO_ARGS, 1);
  assert.equal(vhost.publish('amq.fanout', '', message('', { persistent: true }), false).stored === undefined, false);
  assert.equal(vhost.publish('amq.fanout', '', message('', { persistent: false }), false).stored, undefined);
  const outcome = vhost.publish('amq.fanout', '', message('', { persistent: true }), false);
  let settled = false;
  void outcome.stored?.then(() => { settled = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  release();
  await outcome.stored;
  assert.equal(settled, true);
});
