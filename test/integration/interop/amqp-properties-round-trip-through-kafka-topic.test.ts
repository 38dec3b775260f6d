// The AMQP ⇄ Kafka record mapping with real clients (docs/interop.md). An amqplib message with
// every property it can set and every field type in its headers goes through an exchange into a
// one-partition topic that is also a stream queue: kafkajs and kcat read a natural record (key,
// headers, timestamp), and an amqplib stream consumer gets the message back exactly as a classic
// queue bound beside it does. The other way, a kafkajs record reaches an amqplib consumer as a
// natural message, and republished through an exchange it is the same record again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ConsumeMessage, GetMessage, MessageProperties } from 'amqplib';
import { connectTo } from '../../helpers/amqp-broker.js';
import { kcat } from '../../helpers/kafka-clients.js';
import { kafkajsClient, kafkajsReadPartition } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { consumeStream, startStreamBroker } from './stream-broker.js';

const STREAM = { durable: true, arguments: { 'x-queue-type': 'stream' } };
const TO_TOPIC = { 'x-destination-type': 'topic' };

const HEADERS = {
  str: 'héllo',
  empty: '',
  int8: { '!': 'int8', value: -5 },
  uint8: { '!': 'uint8', value: 200 },
  int16: { '!': 'int16', value: -300 },
  uint16: { '!': 'uint16', value: 60000 },
  int32: { '!': 'int32', value: -70000 },
  uint32: { '!': 'uint32', value: 4000000000 },
  int64: { '!': 'int64', value: 2 ** 40 },
  float: { '!': 'float', value: 1.5 },
  double: -0.25,
  decimal: { '!': 'decimal', value: { places: 2, digits: 12345 } },
  timestamp: { '!': 'timestamp', value: 1700000000 },
  bool: true,
  bytes: Buffer.from([0, 1, 0xfe, 0xff]),
  void: null,
  list: ['a', 7, ['nested']],
  strings: ['x', 'y'],
  table: { inner: 'deep', n: 3 },
};

const PROPERTIES = {
  contentType: 'application/json', contentEncoding: 'utf-8', headers: HEADERS, persistent: true, priority: 5,
  correlationId: 'corr-1', replyTo: 'replies', expiration: '600000', messageId: 'm-1', timestamp: 1700000000,
  type: 'order.created', userId: 'guest', appId: 'shop',
};

async function getOne(ch: Channel, queue: string): Promise<GetMessage> {
  return waitFor(async () => (await ch.get(queue, { noAck: true })) || undefined, 10_000, `a message in ${queue}`);
}

/** The properties of a stream delivery without the x-stream-offset header the stream adds. */
function withoutStreamOffset(p: MessageProperties): MessageProperties {
  assert.equal(typeof p.headers?.['x-stream-offset'], 'number');
  const headers = Object.fromEntries(Object.entries(p.headers ?? {}).filter(([k]) => k !== 'x-stream-offset'));
  return { ...p, headers };
}

test('every amqplib property and header type: natural for kafkajs and kcat, and back to amqplib unchanged', { timeout: 90_000 }, async (t) => {
  const b = await startStreamBroker(t);
  const kafka = kafkajsClient(b.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'props', numPartitions: 1 }] });

  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('props', STREAM);
  await ch.assertQueue('mirror', { durable: true });
  await ch.assertExchange('px', 'direct', { durable: true });
  await ch.bindQueue('props', 'px', 'rk-1', TO_TOPIC);
  await ch.bindQueue('mirror', 'px', 'rk-1');
  ch.publish('px', 'rk-1', Buffer.from('{"id":1}'), PROPERTIES);
  await ch.waitForConfirms();

  // kafkajs: the routing key is the key, the timestamp property the record timestamp, headers readable.
  const { messages } = await kafkajsReadPartition(kafka, 'props', 0, 1);
  const r = messages[0];
  assert.ok(r);
  assert.equal(r.key?.toString(), 'rk-1');
  assert.equal(r.value?.toString(), '{"id":1}');
  assert.equal(r.timestamp, '1700000000000');
  const h = (name: string): string | undefined => (r.headers[name] as Buffer | undefined)?.toString();
  assert.equal(h('str'), 'héllo');
  assert.equal(h('int32'), '-70000');
  assert.equal(h('uint32'), '4000000000');
  assert.equal(h('float'), '1.5');
  assert.equal(h('decimal'), '123.45');
  assert.equal(h('bool'), 'true');
  assert.deepEqual(r.headers.strings, [Buffer.from('x'), Buffer.from('y')], 'an array of strings is a repeated header');
  assert.ok('void' in r.headers);
  assert.equal(r.headers.void, null, 'a void header is a header with a null value');
  assert.equal(h('x-amqp-content-type'), 'application/json');
  assert.equal(h('x-amqp-delivery-mode'), '2');
  assert.equal(h('x-amqp-priority'), '5');
  assert.equal(h('x-amqp-message-id'), 'm-1');
  assert.equal(h('x-amqp-exchange'), 'px');
  assert.ok(h('x-amqp-types'), 'the types of non-string headers travel in x-amqp-types');

  // kcat sees the same natural record.
  const line = await kcat(['-b', b.bootstrap, '-C', '-t', 'props', '-o', 'beginning', '-c', '1', '-e', '-f', '%k|%T|%h|%s\n']);
  const [key, ts, headers, body] = line.trim().split('|');
  assert.equal(key, 'rk-1');
  assert.equal(ts, '1700000000000');
  assert.match(headers ?? '', /(^|,)str=héllo(,|$)/);
  assert.match(headers ?? '', /(^|,)x-amqp-app-id=shop(,|$)/);
  assert.equal(body, '{"id":1}');

  // amqplib: the stream consumer's message equals the classic queue's copy.
  const mirrored = await getOne(ch, 'mirror');
  await ch.prefetch(10);
  const consumer = await consumeStream(ch, 'props', 'first');
  await waitFor(() => consumer.messages.length >= 1, 10_000, 'the stream delivery');
  const streamed = consumer.messages[0] as ConsumeMessage;
  assert.deepEqual(withoutStreamOffset(streamed.properties), mirrored.properties);
  assert.equal(streamed.fields.routingKey, 'rk-1');
  assert.equal(streamed.content.toString(), '{"id":1}');
  assert.equal(mirrored.properties.headers?.int64, 2 ** 40, 'the reference copy decoded every type');
  await conn.close();
});

test('a kafkajs record reaches amqplib as a natural message, and republished through an exchange it is the same record', { timeout: 90_000 }, async (t) => {
  const b = await startStreamBroker(t);
  const kafka = kafkajsClient(b.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'inbound', numPartitions: 1 }, { topic: 'copy', numPartitions: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const sent = { key: 'user-7', value: 'hello', timestamp: '1700000000123', headers: { trace: 'abc', multi: ['a', 'b'] } };
  await producer.send({ topic: 'inbound', acks: -1, messages: [sent] });

  const conn = await connectTo(t, b.amqpUrl);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('inbound', STREAM);
  await ch.prefetch(10);
  const consumer = await consumeStream(ch, 'inbound', 'first');
  await waitFor(() => consumer.messages.length >= 1, 10_000, 'the record as an AMQP message');
  const m = consumer.messages[0] as ConsumeMessage;
  assert.equal(m.fields.routingKey, 'user-7', 'the key is the routing key');
  assert.equal(m.content.toString(), 'hello');
  assert.equal(m.properties.timestamp, 1700000000, 'the record timestamp in seconds');
  assert.equal(m.properties.headers?.trace, 'abc');
  assert.deepEqual(m.properties.headers?.multi, ['a', 'b'], 'a repeated header is an array');
  assert.equal(m.properties.headers?.['x-kafka-timestamp-ms'], 1700000000123, 'the milliseconds the timestamp property cannot hold');
  assert.equal(m.properties.contentType, undefined);

  // Republished as it came (less the stream's offset header) through an exchange bound to a topic.
  await ch.assertExchange('relay', 'fanout', { durable: true });
  await ch.bindQueue('copy', 'relay', '', TO_TOPIC);
  const p = withoutStreamOffset(m.properties);
  ch.publish('relay', m.fields.routingKey, m.content, { headers: p.headers, timestamp: p.timestamp });
  await ch.waitForConfirms();
  const copy = (await kafkajsReadPartition(kafka, 'copy', 0, 1)).messages[0];
  assert.ok(copy);
  assert.equal(copy.key?.toString(), sent.key);
  assert.equal(copy.value?.toString(), sent.value);
  assert.equal(copy.timestamp, sent.timestamp);
  assert.deepEqual(copy.headers, {
    trace: Buffer.from('abc'), multi: [Buffer.from('a'), Buffer.from('b')], 'x-amqp-exchange': Buffer.from('relay'),
  });
  await conn.close();
});
