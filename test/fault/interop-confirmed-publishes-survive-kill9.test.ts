// The durability contract (ARCHITECTURE "Durability contract") on the two interop write paths,
// through a real `wharf serve` process and real clients: an amqplib confirm channel publishes
// persistent messages without pause to a stream queue (the one-partition topic of the same name,
// docs/interop.md "Stream queues") and to a direct exchange bound to a 3-partition Kafka topic
// (`x-destination-type: topic`, "Exchanges that route into Kafka topics"). After a few thousand
// confirms the broker gets SIGKILL with publishes in flight, and restarts on the same data
// directory. Then the stream is read back by amqplib from `x-stream-offset: first` and every
// partition of the topic by kafkajs from offset 0, and:
//   - every confirmed sequence number is there, with the bytes that were published;
//   - no sequence number is there twice, confirmed or not. Duplicates cannot happen here, so they
//     are asserted absent: amqplib never retransmits a publish, this publisher does not republish
//     after the connection is lost, the broker appends a publish once per destination
//     ("once per publish"), and recovery only truncates a torn tail, it never replays anything.
//     (Unlike the Kafka kill -9 test, whose producer retries unanswered requests.)
//   - records of one routing key are in one partition, in publish order (the stream: all of them);
//   - the restarted broker logged that it recovered after an unclean stop.
// A publish that was not confirmed may or may not be there.
//
// WHARF_KILL_AFTER_CONFIRMS fixes the number of confirms awaited before the kill (default:
// random, 3000 to 6000, printed as a diagnostic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumeMessage } from 'amqplib';
import { connectTo } from '../helpers/amqp-broker.js';
import { makeDataDir, type LogLine } from '../helpers/broker-process.js';
import { kafkajsClient, kafkajsReadPartition, type KafkajsMessage } from '../helpers/kafka-kafkajs.js';
import { waitFor } from '../helpers/wait-for.js';
import { consumeStream, startStreamBroker, streamOffset } from '../integration/interop/stream-broker.js';
import { ConfirmPublisher, parseBody, type Destination } from './confirm-publisher.js';

const STREAM = 'kill9-stream';
const TOPIC = 'kill9-topic';
const EXCHANGE = 'kill9-x';
const PARTITIONS = 3;
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
const MAX_IN_FLIGHT = 600;
const KILL_AFTER_CONFIRMS = killAfterConfirms();
const UNCLEAN_START_MSG = 'took over the lock of a broker that is no longer running';

function killAfterConfirms(): number {
  const raw = process.env.WHARF_KILL_AFTER_CONFIRMS;
  if (raw === undefined || raw === '') return 3000 + Math.floor(Math.random() * 3001);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`WHARF_KILL_AFTER_CONFIRMS must be a positive integer, got ${raw}`);
  return n;
}

/** One record read back: where it is, its routing key (record key) and the sequence number in its body. */
interface Stored {
  partition: number;
  offset: number;
  key: string;
  seq: number;
}

function isUncleanStart(l: LogLine): boolean {
  return typeof l.msg === 'string' && l.msg.startsWith(UNCLEAN_START_MSG);
}

/**
 * Checks one destination: confirmed ⊆ stored, no sequence number twice, each key in one partition
 * in publish order. Returns how many unconfirmed publishes were stored.
 */
function checkDestination(dest: Destination, stored: readonly Stored[], confirmed: ReadonlySet<number>, published: number): number {
  const seen = new Map<number, Stored>();
  for (const s of stored) {
    const twice = seen.get(s.seq);
    assert.equal(twice, undefined, `${dest} publish ${s.seq} is stored twice: at ${twice?.partition}/${twice?.offset} and ${s.partition}/${s.offset}`);
    seen.set(s.seq, s);
    assert.ok(s.seq <= published, `${dest} record ${s.seq} at ${s.partition}/${s.offset} was never published (${published} were)`);
  }
  const missing = [...confirmed].filter((seq) => !seen.has(seq)).sort((a, b) => a - b);
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} confirmed ${dest} publishes are lost after kill -9 (first 20 listed; ${confirmed.size} confirmed, ${stored.length} stored)`);

  const byKey = new Map<string, Stored[]>();
  for (const s of stored) {
    const list = byKey.get(s.key) ?? [];
    list.push(s);
    byKey.set(s.key, list);
  }
  for (const [key, list] of byKey) {
    const partitions = new Set(list.map((s) => s.partition));
    assert.equal(partitions.size, 1, `${dest} key ${key} is in one partition, found in ${[...partitions].join(',')}`);
    list.sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1];
      const cur = list[i];
      assert.ok(prev !== undefined && cur !== undefined && prev.seq < cur.seq,
        `${dest} key ${key}: publish ${cur?.seq} at offset ${cur?.offset} comes after publish ${prev?.seq} at offset ${prev?.offset}, against publish order`);
    }
  }
  return stored.filter((s) => !confirmed.has(s.seq)).length;
}

function fromKafka(partition: number, m: KafkajsMessage): Stored {
  const headers = m.headers;
  assert.equal(headers['x-amqp-exchange']?.toString(), EXCHANGE, `topic record ${partition}/${m.offset} names its exchange`);
  assert.equal(headers['x-amqp-delivery-mode']?.toString(), '2', `topic record ${partition}/${m.offset} is persistent`);
  return { partition, offset: Number(m.offset), key: m.key?.toString() ?? '', seq: parseBody('topic', m.value?.toString() ?? '') };
}

function fromStream(m: ConsumeMessage): Stored {
  assert.equal(m.properties.deliveryMode, 2, 'stream deliveries keep delivery-mode 2');
  return { partition: 0, offset: streamOffset(m), key: m.fields.routingKey, seq: parseBody('stream', m.content.toString()) };
}

test('confirmed publishes to a stream queue and to an exchange bound to a Kafka topic survive kill -9, once each, in order', { timeout: 180_000 }, async (t) => {
  t.diagnostic(`kill after ${KILL_AFTER_CONFIRMS} confirms (replay with WHARF_KILL_AFTER_CONFIRMS=${KILL_AFTER_CONFIRMS})`);
  const dataDir = makeDataDir(t);
  let broker = await startStreamBroker(t, [], dataDir);
  assert.equal(broker.process.lines.filter(isUncleanStart).length, 0, 'a fresh data directory is not a recovery');

  const admin = kafkajsClient(broker.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();

  const conn = await connectTo(t, broker.amqpUrl);
  const setup = await conn.createChannel();
  await setup.assertQueue(STREAM, { durable: true, arguments: { 'x-queue-type': 'stream' } });
  await setup.assertExchange(EXCHANGE, 'direct', { durable: true });
  for (const key of KEYS) await setup.bindQueue(TOPIC, EXCHANGE, key, { 'x-destination-type': 'topic' });
  await setup.close();

  const publisher = new ConfirmPublisher(await conn.createConfirmChannel(), { stream: STREAM, exchange: EXCHANGE, keys: KEYS }, MAX_IN_FLIGHT);
  const publishing = publisher.run();
  const enough = (): boolean => publisher.confirmedTotal >= KILL_AFTER_CONFIRMS && publisher.confirmed.stream.size > 0 && publisher.confirmed.topic.size > 0;
  await waitFor(enough, 90_000, `${KILL_AFTER_CONFIRMS} confirms, some on each path`);
  const inFlightAtKill = publisher.inFlight;
  broker.process.proc.kill('SIGKILL');
  assert.equal(await broker.process.exited, 'SIGKILL');
  // Confirms the broker wrote before it died may still be read from the socket: they count.
  await publishing;
  assert.ok(inFlightAtKill > 0, 'the kill landed with publishes awaiting their confirms');
  assert.deepEqual(publisher.nacked, [], 'the broker nacked nothing before the kill');
  const { published, confirmed } = publisher;
  t.diagnostic(`killed with ${inFlightAtKill} publishes in flight; ${published} sequence numbers published, ${confirmed.stream.size} stream and ${confirmed.topic.size} topic publishes confirmed`);

  broker = await startStreamBroker(t, [], dataDir);
  const recovered = broker.process.lines.filter(isUncleanStart);
  assert.equal(recovered.length, 1, 'the restarted broker logged that it recovers after an unclean stop');
  assert.equal(recovered[0]?.dataDir, dataDir);
  const truncations = broker.process.lines.filter((l) => l.msg === 'recovery truncated a torn or corrupt tail');

  const kafka = kafkajsClient(broker.bootstrap);
  const offsetsAdmin = kafka.admin();
  await offsetsAdmin.connect();
  t.after(() => offsetsAdmin.disconnect().catch(() => undefined));
  const [streamEnd] = await offsetsAdmin.fetchTopicOffsets(STREAM);
  const topicEnds = await offsetsAdmin.fetchTopicOffsets(TOPIC);
  assert.equal(topicEnds.length, PARTITIONS);

  // The stream, over AMQP from its first offset.
  const streamCount = Number(streamEnd?.high ?? 0);
  const reader = await (await connectTo(t, broker.amqpUrl)).createChannel();
  await reader.prefetch(500);
  const deliveries = await consumeStream(reader, STREAM, 'first');
  await waitFor(() => deliveries.messages.length >= streamCount, 60_000, `${streamCount} stream deliveries (have ${deliveries.messages.length})`);
  await reader.cancel(deliveries.tag);
  assert.deepEqual(deliveries.messages.map(streamOffset), Array.from({ length: streamCount }, (_, i) => i), 'the stream is delivered from offset 0 without gaps');
  const stream = deliveries.messages.map(fromStream);
  assert.ok(stream.every((s) => s.key === STREAM), 'stream records keep the routing key they were published with');

  // The topic, over Kafka from offset 0 of every partition.
  const topic: Stored[] = [];
  for (const end of topicEnds) {
    const high = Number(end.high);
    assert.equal(Number(end.low), 0, 'nothing was deleted from the topic');
    if (high === 0) continue;
    const { messages } = await kafkajsReadPartition(kafka, TOPIC, end.partition, high);
    assert.deepEqual(messages.map((m) => Number(m.offset)), Array.from({ length: high }, (_, i) => i), `partition ${end.partition} holds offsets 0..${high - 1}`);
    topic.push(...messages.map((m) => fromKafka(end.partition, m)));
  }

  const streamExtra = checkDestination('stream', stream, confirmed.stream, published);
  const topicExtra = checkDestination('topic', topic, confirmed.topic, published);
  assert.ok(confirmed.stream.size > 0 && confirmed.topic.size > 0, 'both paths confirmed publishes before the kill');
  t.diagnostic(`stored: stream ${stream.length} (${streamExtra} unconfirmed), topic ${topic.length} in partitions ` +
    `${topicEnds.map((e) => `${e.partition}:${e.high}`).join(' ')} (${topicExtra} unconfirmed); ` +
    `recovery truncated ${truncations.length} tails`);
});
