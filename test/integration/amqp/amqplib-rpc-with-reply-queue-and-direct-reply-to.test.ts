// Request/reply both ways RabbitMQ offers, with amqplib on two connections: a server-named
// exclusive reply queue matched by correlationId, and direct reply-to (amq.rabbitmq.reply-to,
// consumed no-ack, where the broker rewrites replyTo to a per-channel key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ConsumeMessage } from 'amqplib';
import { withAmqpBroker, type AmqpTestBroker } from '../../helpers/amqp-broker.js';
import { waitFor } from '../../helpers/wait-for.js';

/** An RPC server on its own connection: replies `<body> squared` to msg.replyTo with its correlationId. */
async function startRpcServer(broker: AmqpTestBroker, queue: string): Promise<{ seenReplyTo: string[] }> {
  const ch = await (await broker.connect()).createChannel();
  await ch.assertQueue(queue, { durable: false });
  const seenReplyTo: string[] = [];
  await ch.consume(queue, (m) => {
    if (m === null) return;
    seenReplyTo.push(m.properties.replyTo as string);
    const n = Number(m.content.toString());
    ch.sendToQueue(m.properties.replyTo as string, Buffer.from(String(n * n)), { correlationId: m.properties.correlationId as string });
    ch.ack(m);
  });
  return { seenReplyTo };
}

async function callAll(ch: Channel, queue: string, replyTo: string, replies: Map<string, string>, inputs: number[]): Promise<void> {
  for (const n of inputs) ch.sendToQueue(queue, Buffer.from(String(n)), { correlationId: `call-${n}`, replyTo });
  await waitFor(() => replies.size >= inputs.length, 10_000, `${inputs.length} replies (have ${replies.size})`);
}

test('RPC through an exclusive server-named reply queue, matched by correlationId', async (t) => {
  const broker = await withAmqpBroker(t);
  await startRpcServer(broker, 'rpc-square');
  const ch = await (await broker.connect()).createChannel();
  const { queue: replyQueue } = await ch.assertQueue('', { exclusive: true });
  assert.match(replyQueue, /^amq\.gen-/);
  const replies = new Map<string, string>();
  await ch.consume(replyQueue, (m: ConsumeMessage | null) => {
    if (m !== null) replies.set(m.properties.correlationId as string, m.content.toString());
  }, { noAck: true });
  await callAll(ch, 'rpc-square', replyQueue, replies, [2, 3, 12]);
  assert.deepEqual(Object.fromEntries(replies), { 'call-2': '4', 'call-3': '9', 'call-12': '144' });
});

test('RPC with direct reply-to: amq.rabbitmq.reply-to consumed no-ack, replyTo rewritten per channel', async (t) => {
  const broker = await withAmqpBroker(t);
  const server = await startRpcServer(broker, 'rpc-direct');
  const ch = await (await broker.connect()).createChannel();
  const replies = new Map<string, string>();
  await ch.consume('amq.rabbitmq.reply-to', (m: ConsumeMessage | null) => {
    if (m !== null) replies.set(m.properties.correlationId as string, m.content.toString());
  }, { noAck: true });
  await callAll(ch, 'rpc-direct', 'amq.rabbitmq.reply-to', replies, [4, 5]);
  assert.deepEqual(Object.fromEntries(replies), { 'call-4': '16', 'call-5': '25' });
  for (const r of server.seenReplyTo) assert.match(r, /^amq\.rabbitmq\.reply-to\..+/, 'the server sees a routable per-channel key');
  // A second caller on another connection gets its own replies only.
  const ch2 = await (await broker.connect()).createChannel();
  const replies2 = new Map<string, string>();
  await ch2.consume('amq.rabbitmq.reply-to', (m: ConsumeMessage | null) => {
    if (m !== null) replies2.set(m.properties.correlationId as string, m.content.toString());
  }, { noAck: true });
  await callAll(ch2, 'rpc-direct', 'amq.rabbitmq.reply-to', replies2, [7]);
  assert.deepEqual(Object.fromEntries(replies2), { 'call-7': '49' });
  assert.equal(replies.size, 2, 'the first caller got nothing of the second');
});

test('direct reply-to without its consumer on the channel is refused with 406', async (t) => {
  const broker = await withAmqpBroker(t);
  const ch = await (await broker.connect()).createChannel();
  await ch.assertQueue('rpc-nobody', { exclusive: true });
  const closed = new Promise<{ code?: number; message: string }>((resolve) => ch.once('error', resolve));
  ch.sendToQueue('rpc-nobody', Buffer.from('1'), { replyTo: 'amq.rabbitmq.reply-to' });
  const err = await closed;
  assert.equal(err.code, 406);
  assert.match(err.message, /fast reply consumer does not exist/);
});
