// The x-consistent-hash exchange against a spawned broker, driven by amqplib as RabbitMQ's plugin
// is: 100,000 messages with random routing keys reach 4 queues bound with weights 1, 2, 3 and 4
// within 10% of their shares, exactly once each; hash-header keeps every message of one header
// value on one queue; a binding key that is not a positive integer closes the channel with 406.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { collect, connectTo, expectChannelError, startAmqpBrokerProcess } from '../../helpers/amqp-broker.js';
import { waitFor } from '../../helpers/wait-for.js';

test('100,000 messages spread over queues with weights 1:2:3:4, each within 10% of its share', { timeout: 180_000 }, async (t) => {
  const broker = await startAmqpBrokerProcess(t);
  const conn = await connectTo(t, broker.url);
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange('chx', 'x-consistent-hash', { durable: false });
  const weights = [1, 2, 3, 4];
  for (const w of weights) {
    await ch.assertQueue(`chx-w${w}`, { durable: false });
    await ch.bindQueue(`chx-w${w}`, 'chx', String(w));
  }
  const total = 100_000;
  const batch = 2_000;
  const keys = randomBytes(total * 6);
  for (let sent = 0; sent < total; sent += batch) {
    for (let i = sent; i < sent + batch; i++) ch.publish('chx', keys.toString('base64url', i * 6, i * 6 + 6), Buffer.from('x'));
    await ch.waitForConfirms();
  }
  const counts: number[] = [];
  for (const w of weights) counts.push((await ch.checkQueue(`chx-w${w}`)).messageCount);
  assert.equal(counts.reduce((a, b) => a + b, 0), total, `every message routed to exactly one queue: ${counts.join(', ')}`);
  weights.forEach((w, i) => {
    const expected = (total * w) / 10;
    const got = counts[i] as number;
    assert.ok(Math.abs(got - expected) <= expected * 0.1, `weight ${w}: ${got} messages, expected ${expected} ± 10% (all: ${counts.join(', ')})`);
  });
});

test('hash-header keeps each header value on one queue; bad weights are 406 PRECONDITION_FAILED', { timeout: 60_000 }, async (t) => {
  const broker = await startAmqpBrokerProcess(t);
  const conn = await connectTo(t, broker.url);
  const ch = await conn.createConfirmChannel();
  await ch.assertExchange('by-account', 'x-consistent-hash', { arguments: { 'hash-header': 'account' } });
  const queues = ['acc-0', 'acc-1', 'acc-2'];
  const seen = new Map<string, Map<string, number>>();
  for (const q of queues) {
    await ch.assertQueue(q, { exclusive: true });
    await ch.bindQueue(q, 'by-account', '1');
  }
  const consumers = await Promise.all(queues.map(async (q) => ({ q, c: await collect(ch, q, { noAck: true }) })));
  const accounts = Array.from({ length: 30 }, (_, i) => `account-${i}`);
  for (let round = 0; round < 10; round++) {
    // A different routing key every time: only the header decides.
    for (const a of accounts) ch.publish('by-account', `rk-${round}-${a}`, Buffer.from(`${a}/${round}`), { headers: { account: a } });
  }
  await ch.waitForConfirms();
  const delivered = (): number => consumers.reduce((n, x) => n + x.c.messages.length, 0);
  await waitFor(() => delivered() >= 300, 10_000, `300 deliveries (have ${delivered()})`);
  for (const { q, c } of consumers) {
    for (const m of c.messages) {
      const [a, round] = m.content.toString().split('/') as [string, string];
      const byQueue = seen.get(a) ?? new Map<string, number>();
      byQueue.set(q, (byQueue.get(q) ?? 0) + 1);
      seen.set(a, byQueue);
      assert.equal(m.properties.headers?.account, a);
      assert.ok(Number(round) >= 0);
    }
  }
  for (const a of accounts) {
    const where = seen.get(a);
    assert.equal(where?.size, 1, `${a} went to one queue: ${JSON.stringify([...(where ?? [])])}`);
    assert.equal([...(where?.values() ?? [])][0], 10);
  }
  assert.ok(consumers.every((x) => x.c.messages.length > 0), 'each queue got some accounts');

  for (const [key, text] of [['heavy', /must be an integer/], ['0', /must be greater than 0/]] as const) {
    const bad = await conn.createChannel();
    bad.on('error', () => undefined);
    const failure = await expectChannelError(bad, () => bad.bindQueue('acc-0', 'by-account', key));
    assert.equal(failure.code, 406);
    assert.match(failure.message, text);
  }
  const both = await conn.createChannel();
  both.on('error', () => undefined);
  const failure = await expectChannelError(both, () => both.assertExchange('both', 'x-consistent-hash', { arguments: { 'hash-header': 'h', 'hash-property': 'message_id' } }));
  assert.equal(failure.code, 406);
  assert.match(failure.message, /mutually exclusive/);
});
