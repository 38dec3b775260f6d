// Dead-lettering as RabbitMQ does it, seen through amqplib: a message rejected (or nacked)
// without requeue, expired by x-message-ttl or by its own expiration, or pushed out by
// x-max-length (drop-head) or refused by it (reject-publish-dlx) is republished to the queue's
// x-dead-letter-exchange, carrying an x-death history (count, reason, queue, time, exchange,
// routing-keys, original-expiration) and x-first-death-* headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ConsumeMessage, GetMessage } from 'amqplib';
import { bodies, collect, waitForCount, withAmqpBroker } from '../../helpers/amqp-broker.js';
import { waitFor } from '../../helpers/wait-for.js';

interface XDeath {
  count: number;
  reason: string;
  queue: string;
  time: { '!': string; value: number };
  exchange: string;
  'routing-keys': string[];
  'original-expiration'?: string;
}

function deaths(m: { properties: { headers?: Record<string, unknown> } }): XDeath[] {
  const xDeath = m.properties.headers?.['x-death'];
  assert.ok(Array.isArray(xDeath), `x-death is an array: ${JSON.stringify(m.properties.headers)}`);
  return xDeath as XDeath[];
}

function assertDeath(d: XDeath | undefined, expected: Omit<XDeath, 'time'>, startedSec: number): void {
  assert.ok(d !== undefined, 'an x-death entry');
  const { time, ...rest } = d;
  assert.deepEqual(rest, expected);
  assert.equal(time['!'], 'timestamp', 'time is an AMQP timestamp');
  assert.ok(time.value >= startedSec - 1 && time.value <= Date.now() / 1000 + 1, `time ${time.value} is now-ish`);
}

/** A fanout DLX 'dlx' feeding queue 'dead'. */
async function deadLetterSink(ch: Channel): Promise<void> {
  await ch.assertExchange('dlx', 'fanout', { durable: false });
  await ch.assertQueue('dead', { exclusive: true });
  await ch.bindQueue('dead', 'dlx', '');
}

async function getOne(ch: Channel, queue: string): Promise<GetMessage> {
  return waitFor(async () => (await ch.get(queue, { noAck: true })) || undefined, 10_000, `a message in ${queue}`);
}

test('rejected without requeue: dead-lettered with reason rejected, the queue, exchange and routing keys', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const started = Math.floor(Date.now() / 1000);
  await deadLetterSink(ch);
  await ch.assertQueue('work', { exclusive: true, deadLetterExchange: 'dlx' });
  await ch.bindQueue('work', 'amq.direct', 'job');
  ch.publish('amq.direct', 'job', Buffer.from('j2'), { headers: { app: 'x' }, messageId: 'id-2' });
  const j2 = await waitFor(async () => (await ch.get('work')) || undefined, 10_000, 'j2');
  ch.reject(j2, false);
  const dead = await getOne(ch, 'dead');
  assert.equal(dead.content.toString(), 'j2');
  assert.equal(dead.properties.messageId, 'id-2', 'properties are kept');
  assert.equal(dead.properties.headers?.app, 'x', 'headers are kept');
  assert.equal(dead.fields.exchange, 'dlx');
  assert.equal(dead.fields.routingKey, 'job', 'without x-dead-letter-routing-key the original key is used');
  const [d, ...more] = deaths(dead);
  assert.equal(more.length, 0);
  assertDeath(d, { count: 1, reason: 'rejected', queue: 'work', exchange: 'amq.direct', 'routing-keys': ['job'] }, started);
  assert.equal(dead.properties.headers?.['x-first-death-reason'], 'rejected');
  assert.equal(dead.properties.headers?.['x-first-death-queue'], 'work');
  assert.equal(dead.properties.headers?.['x-first-death-exchange'], 'amq.direct');
});

test('nack without requeue dead-letters with x-dead-letter-routing-key; CC keys are recorded', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const started = Math.floor(Date.now() / 1000);
  await ch.assertExchange('dlx-direct', 'direct', { durable: false });
  await ch.assertQueue('parking', { exclusive: true });
  await ch.bindQueue('parking', 'dlx-direct', 'parked');
  await ch.assertQueue('nacked', { exclusive: true, deadLetterExchange: 'dlx-direct', deadLetterRoutingKey: 'parked' });
  ch.sendToQueue('nacked', Buffer.from('n1'), { CC: ['also-here'] });
  const got = await collect(ch, 'nacked');
  await waitForCount(got.messages, 1, 'the delivery');
  ch.nack(got.messages[0] as ConsumeMessage, false, false);
  const dead = await getOne(ch, 'parking');
  assert.equal(dead.fields.routingKey, 'parked');
  assertDeath(deaths(dead)[0], { count: 1, reason: 'rejected', queue: 'nacked', exchange: '', 'routing-keys': ['nacked', 'also-here'] }, started);
});

test('x-message-ttl expiry dead-letters with reason expired; a message rejected twice counts 2', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const started = Math.floor(Date.now() / 1000);
  await deadLetterSink(ch);
  await ch.assertQueue('short-lived', { exclusive: true, messageTtl: 50, deadLetterExchange: 'dlx' });
  ch.sendToQueue('short-lived', Buffer.from('t1'));
  const dead = await collect(ch, 'dead', { noAck: true });
  await waitForCount(dead.messages, 1, 'the expired message', 10_000);
  const m = dead.messages[0] as ConsumeMessage;
  assert.equal(m.content.toString(), 't1');
  assertDeath(deaths(m)[0], { count: 1, reason: 'expired', queue: 'short-lived', exchange: '', 'routing-keys': ['short-lived'] }, started);
  assert.equal(m.properties.headers?.['x-first-death-reason'], 'expired');

  // A queue that dead-letters to itself through the default exchange: each rejection counts.
  await ch.assertQueue('again', { exclusive: true, deadLetterExchange: '', deadLetterRoutingKey: 'again' });
  ch.sendToQueue('again', Buffer.from('r'));
  for (let i = 0; i < 2; i++) {
    const r = await waitFor(async () => (await ch.get('again')) || undefined, 10_000, `rejection ${i + 1}`);
    ch.reject(r, false);
  }
  const last = await waitFor(async () => (await ch.get('again', { noAck: true })) || undefined, 10_000, 'the twice-rejected message');
  const [d, ...more] = deaths(last);
  assert.equal(more.length, 0, 'one entry per (queue, reason)');
  assertDeath(d, { count: 2, reason: 'rejected', queue: 'again', exchange: '', 'routing-keys': ['again'] }, started);
});

test('a per-message expiration dead-letters with original-expiration and without the expiration property', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const started = Math.floor(Date.now() / 1000);
  await deadLetterSink(ch);
  await ch.assertQueue('per-msg', { exclusive: true, deadLetterExchange: 'dlx' });
  ch.sendToQueue('per-msg', Buffer.from('keep'));
  ch.sendToQueue('per-msg', Buffer.from('expire'), { expiration: '30' });
  // Expiry happens at the head (RabbitMQ): take 'keep' so 'expire' reaches the head.
  const keep = await getOne(ch, 'per-msg');
  assert.equal(keep.content.toString(), 'keep');
  const dead = await collect(ch, 'dead', { noAck: true });
  await waitForCount(dead.messages, 1, 'the expired message');
  const m = dead.messages[0] as ConsumeMessage;
  assert.equal(m.content.toString(), 'expire');
  assert.equal(m.properties.expiration, undefined, 'the expiration property is removed');
  assertDeath(deaths(m)[0], { count: 1, reason: 'expired', queue: 'per-msg', exchange: '', 'routing-keys': ['per-msg'], 'original-expiration': '30' }, started);
});

test('x-max-length with drop-head dead-letters the oldest messages with reason maxlen', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  const started = Math.floor(Date.now() / 1000);
  await deadLetterSink(ch);
  await ch.assertQueue('bounded', { exclusive: true, maxLength: 2, deadLetterExchange: 'dlx' });
  for (let i = 1; i <= 5; i++) ch.sendToQueue('bounded', Buffer.from(`b${i}`));
  const { messageCount } = await ch.checkQueue('bounded');
  assert.equal(messageCount, 2);
  const dead = await collect(ch, 'dead', { noAck: true });
  await waitForCount(dead.messages, 3, 'the dropped heads');
  assert.deepEqual(bodies(dead.messages), ['b1', 'b2', 'b3']);
  assertDeath(deaths(dead.messages[0] as ConsumeMessage)[0], { count: 1, reason: 'maxlen', queue: 'bounded', exchange: '', 'routing-keys': ['bounded'] }, started);
  const kept = [];
  for (let m = await ch.get('bounded', { noAck: true }); m !== false; m = await ch.get('bounded', { noAck: true })) kept.push(m.content.toString());
  assert.deepEqual(kept, ['b4', 'b5']);
});

test('x-overflow reject-publish-dlx refuses new messages (publisher nack) and dead-letters them', async (t) => {
  const broker = await withAmqpBroker(t);
  const conn = await broker.connect();
  const ch = await conn.createConfirmChannel();
  const started = Math.floor(Date.now() / 1000);
  await deadLetterSink(ch);
  await ch.assertQueue('full', { exclusive: true, maxLength: 2, deadLetterExchange: 'dlx', arguments: { 'x-overflow': 'reject-publish-dlx' } });
  const outcomes = await Promise.all([1, 2, 3, 4].map((i) => new Promise<string>((resolve) => {
    ch.sendToQueue('full', Buffer.from(`f${i}`), {}, (err) => resolve(err === null || err === undefined ? 'ack' : 'nack'));
  })));
  assert.deepEqual(outcomes, ['ack', 'ack', 'nack', 'nack']);
  const kept = [];
  for (let m = await ch.get('full', { noAck: true }); m !== false; m = await ch.get('full', { noAck: true })) kept.push(m.content.toString());
  assert.deepEqual(kept, ['f1', 'f2'], 'the queue keeps the oldest');
  const dead = await collect(ch, 'dead', { noAck: true });
  await waitForCount(dead.messages, 2, 'the refused messages');
  assert.deepEqual(bodies(dead.messages), ['f3', 'f4']);
  assertDeath(deaths(dead.messages[0] as ConsumeMessage)[0], { count: 1, reason: 'maxlen', queue: 'full', exchange: '', 'routing-keys': ['full'] }, started);
});
