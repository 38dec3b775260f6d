// Idempotent producers (KIP-98) from real clients against a real `wharf serve`: librdkafka (through
// confluent-kafka) with enable.idempotence=true, which needs InitProducerId v0 advertised (its
// IdempotentProducer gate, protocol-matrix §1.6-B) and pipelines up to 5 requests (G16), and
// kafkajs's idempotent producer, which asks the controller for its id (§1.3 e). Every message must
// be stored exactly once, in order, in batches that carry the producer id and contiguous sequences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaErrorCode } from '../../../src/protocols/kafka/error-codes.js';
import { apiVersionsSchema } from '../../../src/protocols/kafka/schema/index.js';
import { initProducerId, sequenceViolation, storedBatches } from '../../helpers/kafka-idempotent-wire.js';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { pythonClient } from '../../helpers/kafka-clients.js';
import { kafkajs, kafkajsClient, kafkajsReadPartition } from '../../helpers/kafka-kafkajs.js';
import { WireClient } from '../../helpers/kafka-wire.js';

interface Line { value?: string; partition?: number; offset?: number; failed?: string; done?: boolean; left?: number; fatal?: string[] }

function jsonLines<T>(out: string): T[] {
  return out.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
}

const MESSAGES = 3000;
const PARTITIONS = 3;

test('confluent-kafka with enable.idempotence stores every message exactly once, in order', { timeout: 120_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', String(PARTITIONS)]);
  const lines = jsonLines<Line>(await pythonClient('confluent_kafka_idempotent.py', [broker.bootstrap, 'produce', 'ck-idem', String(MESSAGES), String(PARTITIONS)], { timeoutMs: 100_000 }));
  const done = lines[lines.length - 1];
  assert.deepEqual(done, { done: true, left: 0, fatal: [] }, 'the idempotent producer started (no fatal error) and delivered everything');
  const acks = lines.filter((l) => l.offset !== undefined);
  assert.equal(acks.length, MESSAGES);
  assert.deepEqual(lines.filter((l) => l.failed !== undefined), []);

  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const records = jsonLines<Line>(await pythonClient('confluent_kafka_idempotent.py', [broker.bootstrap, 'consume', 'ck-idem', String(PARTITIONS)], { timeoutMs: 60_000 }));
  for (let p = 0; p < PARTITIONS; p++) {
    const sent = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => i % PARTITIONS === p);
    const stored = records.filter((r) => r.partition === p);
    assert.deepEqual(stored.map((r) => Number(r.value?.slice(0, 7))), sent, `partition ${p} holds each message once, in the order sent`);
    assert.deepEqual(stored.map((r) => r.offset), sent.map((_i, k) => k));
    const acked = acks.filter((a) => a.partition === p).sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0));
    assert.deepEqual(acked.map((a) => a.value), stored.map((r) => r.value), `partition ${p}: each acknowledged offset holds that message`);
    const { batches, highWatermark } = await storedBatches(client, 'ck-idem', p);
    assert.equal(highWatermark, sent.length);
    assert.ok(batches.every((b) => b.producerId >= 0 && b.producerEpoch === 0), 'every batch carries the producer id');
    assert.equal(sequenceViolation(batches), null);
  }
});

test('kafkajs idempotent producer (maxInFlightRequests 1) stores each send once', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '2']);
  const kafka = kafkajsClient(broker.bootstrap);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  t.after(() => producer.disconnect());
  for (let round = 0; round < 20; round++) {
    const res = await producer.send({
      topic: 'kjs-idem',
      messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `r${round}-m${i}` })),
    });
    for (const r of res) assert.equal(r.errorCode, 0);
  }
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  for (const p of [0, 1]) {
    const { messages } = await kafkajsReadPartition(kafka, 'kjs-idem', p, 100);
    const expected = Array.from({ length: 20 }, (_r, round) => Array.from({ length: 5 }, (_m, k) => `r${round}-m${2 * k + p}`)).flat();
    assert.deepEqual(messages.map((m) => m.value?.toString()), expected);
    const { batches, highWatermark } = await storedBatches(client, 'kjs-idem', p);
    assert.equal(highWatermark, 100);
    assert.ok(batches.every((b) => b.producerId >= 0), 'kafkajs sent its producer id with every batch');
    assert.equal(sequenceViolation(batches), null);
  }
});

test('InitProducerId v0-1 is advertised and hands out fresh ids at epoch 0; transactional ids are refused', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const versions = await client.request(apiVersionsSchema, 3, { clientSoftwareName: 'wire', clientSoftwareVersion: '1' });
  assert.deepEqual(versions.apiKeys.find((k) => k.apiKey === 22), { apiKey: 22, minVersion: 0, maxVersion: 1 });
  const a = await initProducerId(client, 0);
  const b = await initProducerId(client, 1);
  assert.deepEqual([a.errorCode, a.producerEpoch, b.errorCode, b.producerEpoch], [0, 0, 0, 0]);
  assert.ok(b.producerId > a.producerId);
  assert.deepEqual(await initProducerId(client, 1, 'txn-1'), { errorCode: KafkaErrorCode.UNSUPPORTED_VERSION, producerId: -1, producerEpoch: -1 });
  assert.deepEqual(await initProducerId(client, 0, ''), { errorCode: KafkaErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 });
  assert.equal((await initProducerId(client, 1)).producerId, b.producerId + 1, 'a refused request uses no id');
});
