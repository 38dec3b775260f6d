// Publisher confirms and the error replies RabbitMQ clients depend on, with amqplib: acks once
// stored, nacks for x-overflow reject-publish, return-then-ack for an unroutable mandatory
// publish; 405 for another connection's exclusive queue, 404 for a passive declare of a missing
// queue, 406 for an inequivalent redeclare and for an unknown delivery tag; ACCESS_REFUSED for a
// wrong password and 530 for an unknown vhost. After a channel error the connection still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'amqplib';
import { drain, expectChannelError, publishConfirmed, withAmqpBroker } from '../../helpers/amqp-broker.js';
import { RawAmqpClient } from '../../helpers/amqp-raw-client.js';
import { waitFor } from '../../helpers/wait-for.js';

function confirmOutcome(send: (cb: (err: unknown) => void) => void): Promise<'ack' | 'nack'> {
  return new Promise((resolve) => send((err) => resolve(err === null || err === undefined ? 'ack' : 'nack')));
}

test('confirms ack persistent messages on a durable queue, and waitForConfirms resolves', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createConfirmChannel();
  await ch.assertQueue('confirmed', { durable: true });
  const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => confirmOutcome((cb) => ch.sendToQueue('confirmed', Buffer.from(`c${i}`), { persistent: true }, cb))));
  assert.ok(outcomes.every((o) => o === 'ack'));
  await publishConfirmed(ch, '', 'confirmed', ['last'], { persistent: true });
  const { messageCount } = await ch.checkQueue('confirmed');
  assert.equal(messageCount, 51);
});

test('x-overflow reject-publish: the publisher gets basic.nack for what the full queue refused', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createConfirmChannel();
  await ch.assertQueue('capped', { exclusive: true, maxLength: 3, arguments: { 'x-overflow': 'reject-publish' } });
  const outcomes = await Promise.all([1, 2, 3, 4, 5].map((i) => confirmOutcome((cb) => ch.sendToQueue('capped', Buffer.from(`p${i}`), {}, cb))));
  assert.deepEqual(outcomes, ['ack', 'ack', 'ack', 'nack', 'nack']);
  ch.sendToQueue('capped', Buffer.from('p6'));
  await assert.rejects(ch.waitForConfirms(), 'waitForConfirms fails when a publish was nacked');
  assert.deepEqual(await drain(ch, 'capped'), ['p1', 'p2', 'p3']);
  // Room again: accepted.
  assert.equal(await confirmOutcome((cb) => ch.sendToQueue('capped', Buffer.from('p7'), {}, cb)), 'ack');
});

test('an unroutable mandatory publish on a confirm channel is returned, then acked', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createConfirmChannel();
  const events: string[] = [];
  ch.on('return', (m: Message) => events.push(`return:${m.content.toString()}`));
  const outcome = await confirmOutcome((cb) => ch.publish('amq.topic', 'no.binding', Buffer.from('r1'), { mandatory: true }, (err) => {
    events.push('confirm');
    cb(err);
  }));
  assert.equal(outcome, 'ack');
  assert.deepEqual(events, ['return:r1', 'confirm'], 'basic.return precedes the basic.ack');
});

test('an exclusive queue is locked (405) to other connections; its owner keeps using it', async (t) => {
  const broker = await withAmqpBroker(t);
  const owner = await (await broker.connect()).createChannel();
  const { queue } = await owner.assertQueue('owned-excl', { exclusive: true });
  const other = await broker.connect();
  for (const [what, op] of [
    ['declare', (c: Awaited<ReturnType<typeof other.createChannel>>) => c.assertQueue(queue, { exclusive: true })],
    ['consume', (c: Awaited<ReturnType<typeof other.createChannel>>) => c.consume(queue, () => undefined)],
    ['get', (c: Awaited<ReturnType<typeof other.createChannel>>) => c.get(queue)],
    ['delete', (c: Awaited<ReturnType<typeof other.createChannel>>) => c.deleteQueue(queue)],
  ] as const) {
    const ch = await other.createChannel();
    const failure = await expectChannelError(ch, () => op(ch));
    assert.equal(failure.code, 405, `${what}: ${failure.message}`);
    assert.match(failure.message, /RESOURCE_LOCKED/);
  }
  owner.sendToQueue(queue, Buffer.from('mine'));
  assert.deepEqual(await drain(owner, queue), ['mine']);
});

test('passive declare of a missing queue or exchange closes the channel with 404', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  let ch = await conn.createChannel();
  let failure = await expectChannelError(ch, () => ch.checkQueue('no-such-queue'));
  assert.equal(failure.code, 404);
  assert.match(failure.message, /NOT_FOUND - no queue 'no-such-queue' in vhost '\/'/);
  assert.equal(failure.classId, 50);
  assert.equal(failure.methodId, 10);
  ch = await conn.createChannel();
  failure = await expectChannelError(ch, () => ch.checkExchange('no-such-exchange'));
  assert.equal(failure.code, 404);
  ch = await conn.createChannel();
  await ch.assertQueue('exists', { exclusive: true });
  assert.equal((await ch.checkQueue('exists')).queue, 'exists', 'the connection still works');
});

test('redeclaring a queue or exchange with different properties closes the channel with 406', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  let ch = await conn.createChannel();
  await ch.assertQueue('args-q', { durable: false, messageTtl: 1000 });
  await ch.assertQueue('args-q', { durable: false, messageTtl: 1000 });
  let failure = await expectChannelError(ch, () => ch.assertQueue('args-q', { durable: false, messageTtl: 2000 }));
  assert.equal(failure.code, 406);
  assert.match(failure.message, /PRECONDITION_FAILED - inequivalent arg 'x-message-ttl'/);
  ch = await conn.createChannel();
  failure = await expectChannelError(ch, () => ch.assertQueue('args-q', { durable: true, messageTtl: 1000 }));
  assert.equal(failure.code, 406);
  assert.match(failure.message, /durable/);
  ch = await conn.createChannel();
  await ch.assertExchange('typed-x', 'direct', { durable: false });
  failure = await expectChannelError(ch, () => ch.assertExchange('typed-x', 'fanout', { durable: false }));
  assert.equal(failure.code, 406);
  ch = await conn.createChannel();
  await ch.deleteQueue('args-q');
});

test('acking an unknown delivery tag closes the channel with 406, not the connection', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const ch = await conn.createChannel();
  await ch.assertQueue('tags', { exclusive: true });
  ch.sendToQueue('tags', Buffer.from('t'));
  const m = await ch.get('tags');
  assert.ok(m !== false);
  ch.ack(m);
  const failure = await expectChannelError(ch, async () => {
    ch.ack(m); // the same tag again
    await ch.checkQueue('tags');
  });
  assert.equal(failure.code, 406);
  assert.match(failure.message, /PRECONDITION_FAILED - unknown delivery tag 1/);
  const again = await conn.createChannel();
  assert.equal((await again.assertQueue('tags2', { exclusive: true })).queue, 'tags2');
});

test('a wrong password is refused with ACCESS_REFUSED; an unknown vhost with 530 NOT_ALLOWED', async (t) => {
  const broker = await withAmqpBroker(t);
  await assert.rejects(broker.connect({ password: 'wrong' }), (err: Error) => {
    assert.match(err.message, /ACCESS_REFUSED|403/);
    return true;
  });
  // amqplib reports a refused connection.open only as "Expected ConnectionOpenOk; got <ConnectionClose>"
  // (the same with RabbitMQ), so the reply code is read with a raw client.
  await assert.rejects(broker.connect({ vhost: 'no-such-vhost' }), /ConnectionClose/);
  const raw = await RawAmqpClient.handshake(broker.port, { vhost: 'no-such-vhost', awaitOpenOk: false });
  t.after(() => raw.end());
  const close = await raw.expect('connection.close');
  assert.equal(close.replyCode, 530);
  assert.match(close.replyText, /^NOT_ALLOWED - .*no-such-vhost/);
  raw.send(0, { name: 'connection.close-ok' });
  await raw.waitClosed();
  const ok = await (await broker.connect()).createChannel();
  await ok.assertQueue('after-refusals', { exclusive: true });
});

test('publishing to a missing exchange closes the channel with 404', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const ch = await conn.createChannel();
  const failure = await expectChannelError(ch, async () => {
    ch.publish('no-such-exchange', 'k', Buffer.from('x'));
    await ch.checkQueue('whatever');
  });
  assert.equal(failure.code, 404);
  assert.match(failure.message, /NOT_FOUND - no exchange 'no-such-exchange' in vhost '\/'/);
  assert.equal(failure.classId, 60);
  assert.equal(failure.methodId, 40);
});

test('an exclusive queue goes away with its connection; another connection may then declare it', async (t) => {
  const broker = await withAmqpBroker(t);
  const first = await broker.connect();
  const ch = await first.createChannel();
  await ch.assertQueue('handed-over', { exclusive: true });
  ch.sendToQueue('handed-over', Buffer.from('lost with the queue'));
  await ch.checkQueue('handed-over');
  await first.close();
  const other = await (await broker.connect()).createChannel();
  const declared = await waitFor(async () => {
    const probe = await (await broker.connect()).createChannel();
    return probe.checkQueue('handed-over').then(() => false, () => true);
  }, 10_000, 'the exclusive queue to be deleted');
  assert.equal(declared, true);
  const ok = await other.assertQueue('handed-over', { exclusive: true });
  assert.equal(ok.messageCount, 0);
});
