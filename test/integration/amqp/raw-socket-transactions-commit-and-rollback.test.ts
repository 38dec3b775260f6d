// AMQP transactions (tx class) over raw frames, since amqplib has no tx API: publishes and acks
// made after tx.select take effect only at tx.commit, tx.rollback discards them, and a channel
// in tx mode refuses confirm.select with 406. Queue state is read with amqplib.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from 'amqplib';
import { withAmqpBroker } from '../../helpers/amqp-broker.js';
import { RawAmqpClient } from '../../helpers/amqp-raw-client.js';
import { waitFor } from '../../helpers/wait-for.js';

async function readyCount(ch: Channel, queue: string): Promise<number> {
  return (await ch.checkQueue(queue)).messageCount;
}

test('publishes inside a transaction are queued at commit and discarded by rollback', async (t) => {
  const broker = await withAmqpBroker(t);
  const probe = await (await broker.connect()).createChannel();
  await probe.assertQueue('tx-q', { durable: true });
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  await c.openChannel(1);
  c.send(1, { name: 'tx.select' });
  await c.expect('tx.select-ok');
  c.publish(1, '', 'tx-q', Buffer.from('rolled-back-1'), { deliveryMode: 2 });
  c.publish(1, '', 'tx-q', Buffer.from('rolled-back-2'));
  c.send(1, { name: 'tx.rollback' });
  await c.expect('tx.rollback-ok');
  assert.equal(await readyCount(probe, 'tx-q'), 0, 'nothing before commit, nothing after rollback');
  c.publish(1, '', 'tx-q', Buffer.from('committed-1'), { deliveryMode: 2 });
  c.publish(1, '', 'tx-q', Buffer.from('committed-2'));
  assert.equal(await readyCount(probe, 'tx-q'), 0, 'still nothing before commit');
  c.send(1, { name: 'tx.commit' });
  await c.expect('tx.commit-ok');
  const got = [];
  for (let m = await probe.get('tx-q', { noAck: true }); m !== false; m = await probe.get('tx-q', { noAck: true })) got.push(m.content.toString());
  assert.deepEqual(got, ['committed-1', 'committed-2']);
});

test('an ack inside a transaction counts only once committed', async (t) => {
  const broker = await withAmqpBroker(t);
  const probe = await (await broker.connect()).createChannel();
  await probe.assertQueue('tx-acks', { durable: false });
  probe.sendToQueue('tx-acks', Buffer.from('first'));
  probe.sendToQueue('tx-acks', Buffer.from('second'));
  await readyCount(probe, 'tx-acks');

  // Ack then rollback: the ack is discarded, so closing the connection requeues the message.
  let c = await RawAmqpClient.handshake(broker.port);
  await c.openChannel(1);
  c.send(1, { name: 'tx.select' });
  await c.expect('tx.select-ok');
  c.send(1, { name: 'basic.get', queue: 'tx-acks', noAck: false });
  let ok = await c.expect('basic.get-ok');
  c.send(1, { name: 'basic.ack', deliveryTag: ok.deliveryTag, multiple: false });
  c.send(1, { name: 'tx.rollback' });
  await c.expect('tx.rollback-ok');
  c.end();
  await waitFor(async () => (await readyCount(probe, 'tx-acks')) === 2, 10_000, 'the requeue after the connection closed');
  const back = await probe.get('tx-acks', { noAck: true });
  assert.ok(back !== false);
  assert.equal(back.content.toString(), 'first');
  assert.equal(back.fields.redelivered, true, 'requeued when the connection closed: the ack was rolled back');

  // Ack then commit: gone for good.
  c = await RawAmqpClient.handshake(broker.port);
  await c.openChannel(1);
  c.send(1, { name: 'tx.select' });
  await c.expect('tx.select-ok');
  c.send(1, { name: 'basic.get', queue: 'tx-acks', noAck: false });
  ok = await c.expect('basic.get-ok');
  c.send(1, { name: 'basic.ack', deliveryTag: ok.deliveryTag, multiple: false });
  c.send(1, { name: 'tx.commit' });
  await c.expect('tx.commit-ok');
  c.end();
  await c.waitClosed();
  assert.equal(await probe.get('tx-acks', { noAck: true }), false, 'the committed ack removed it');
});

test('confirm.select on a transactional channel closes it with 406', async (t) => {
  const broker = await withAmqpBroker(t);
  const c = await RawAmqpClient.handshake(broker.port);
  t.after(() => c.end());
  await c.openChannel(1);
  c.send(1, { name: 'tx.select' });
  await c.expect('tx.select-ok');
  c.send(1, { name: 'confirm.select', noWait: false });
  const close = await c.expect('channel.close');
  assert.equal(close.replyCode, 406);
  assert.equal(close.classId, 85);
  assert.equal(close.methodId, 10);
  c.send(1, { name: 'channel.close-ok' });
  await c.openChannel(2);
});
