// Retries of an idempotent producer (KIP-98) against a real `wharf serve`: the same Produce
// request sent twice on the wire is answered the second time with the original offset and not
// stored again, also when the broker was killed with SIGKILL in between (the producer state is
// rebuilt from the log); sequence gaps and fenced epochs get Kafka's errors (G16); and
// confluent-kafka, with the broker killed under it or its connections cut, stores each message
// once, with no gap (issue 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaErrorCode } from '../../../src/protocols/kafka/error-codes.js';
import { produceSchema } from '../../../src/protocols/kafka/schema/index.js';
import { makeDataDir } from '../../helpers/broker-process.js';
import { PRODUCE_VERSION, initProducerId, produceOnce, produceRequest, sequenceViolation, storedBatches } from '../../helpers/kafka-idempotent-wire.js';
import { freePort, startKafkaBroker } from '../../helpers/kafka-broker.js';
import { KAFKA_CLIENT_SCRIPTS, PYTHON, run } from '../../helpers/kafka-clients.js';
import { WireClient } from '../../helpers/kafka-wire.js';
import { producerBatch } from '../../helpers/make-producer-batch.js';
import { startTcpProxy } from '../../helpers/tcp-proxy.js';
import { waitFor } from '../../helpers/wait-for.js';
import { join } from 'node:path';

test('a Produce sent twice is answered with the original offset and stored once; gaps and old epochs are refused', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const { producerId } = await initProducerId(client);
  const b = (firstSeq: number, epoch = 0): Buffer => producerBatch({ producerId, epoch, firstSeq, records: 4, valueBytes: 50 });
  // Some other producer's data first, so the offsets are not just the sequences.
  assert.deepEqual(await produceOnce(client, 'dup', 0, producerBatch({ producerId: producerId + 1000, epoch: 0, firstSeq: 0, records: 3 })), { errorCode: 0, baseOffset: 0 });
  const first = b(0);
  assert.deepEqual(await produceOnce(client, 'dup', 0, first), { errorCode: 0, baseOffset: 3 });
  assert.deepEqual(await produceOnce(client, 'dup', 0, first), { errorCode: 0, baseOffset: 3 }, 'the retry: NONE with the original offset');
  // Pipelined in one write: the next two batches, a retry of the first of them, a gap, the next.
  const ids = [b(4), b(8), b(4), b(16), b(12)].map((r) => client.send(produceSchema, PRODUCE_VERSION, produceRequest('dup', 0, r)));
  const answers = [];
  for (const id of ids) answers.push((await client.response(produceSchema, PRODUCE_VERSION, id)).responses[0]?.partitionResponses[0]);
  assert.deepEqual(answers.map((a) => [a?.errorCode, a?.baseOffset]), [[0, 7], [0, 11], [0, 7], [KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, -1], [0, 15]]);
  // A new epoch starts at 0; the old one is fenced from then on.
  assert.equal((await produceOnce(client, 'dup', 0, b(5, 1))).errorCode, KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.deepEqual(await produceOnce(client, 'dup', 0, b(0, 1)), { errorCode: 0, baseOffset: 19 });
  assert.equal((await produceOnce(client, 'dup', 0, b(16, 0))).errorCode, KafkaErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal((await produceOnce(client, 'dup', 0, producerBatch({ producerId, epoch: 0, firstSeq: 0, records: 1, transactional: true }))).errorCode, KafkaErrorCode.INVALID_TXN_STATE);
  const { batches, highWatermark } = await storedBatches(client, 'dup', 0);
  assert.equal(highWatermark, 23);
  assert.deepEqual(batches.map((x) => [x.baseOffset, x.producerEpoch, x.baseSequence]), [[0, 0, 0], [3, 0, 0], [7, 0, 4], [11, 0, 8], [15, 0, 12], [19, 1, 0]]);
  assert.equal(sequenceViolation(batches), null);
});

test('after kill -9 between two identical Produce requests, the retry is still deduplicated', { timeout: 60_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  const port = await freePort();
  const args = ['--kafka-port', String(port), '--default-partitions', '2'];
  const broker = await startKafkaBroker(t, args, { dataDir });
  let client = await WireClient.connect(port);
  const { producerId } = await initProducerId(client);
  const b = (firstSeq: number, records = 5): Buffer => producerBatch({ producerId, epoch: 0, firstSeq, records, valueBytes: 100 });
  // Enough batches that the state needs more than the last one, over two partitions.
  const sent: Buffer[] = [];
  for (let i = 0; i < 12; i++) {
    const batch = b(i * 5);
    sent.push(batch);
    assert.deepEqual(await produceOnce(client, 'crash-dedup', 0, batch), { errorCode: 0, baseOffset: i * 5 });
  }
  assert.equal((await produceOnce(client, 'crash-dedup', 1, b(0, 2))).errorCode, 0);
  client.close();
  broker.process.proc.kill('SIGKILL');
  assert.equal(await broker.process.exited, 'SIGKILL');

  const restarted = await startKafkaBroker(t, args, { dataDir });
  assert.ok(restarted.process.lines.some((l) => l.msg?.startsWith('took over the lock') === true), 'the restart recovered after the kill');
  client = await WireClient.connect(port);
  t.after(() => client.close());
  // The client never saw the answer to the last request and sends it again: deduplicated.
  assert.deepEqual(await produceOnce(client, 'crash-dedup', 0, sent[11] as Buffer), { errorCode: 0, baseOffset: 55 });
  assert.deepEqual(await produceOnce(client, 'crash-dedup', 0, sent[7] as Buffer), { errorCode: 0, baseOffset: 35 }, 'any of the last 5 batches');
  assert.equal((await produceOnce(client, 'crash-dedup', 0, sent[2] as Buffer)).errorCode, KafkaErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'older than the last 5');
  assert.deepEqual(await produceOnce(client, 'crash-dedup', 1, b(0, 2)), { errorCode: 0, baseOffset: 0 });
  assert.deepEqual(await produceOnce(client, 'crash-dedup', 0, b(60)), { errorCode: 0, baseOffset: 60 }, 'and the producer goes on');
  const { batches, highWatermark } = await storedBatches(client, 'crash-dedup', 0);
  assert.equal(highWatermark, 65);
  assert.equal(sequenceViolation(batches), null);
  assert.equal((await storedBatches(client, 'crash-dedup', 1)).highWatermark, 2);
  const next = await initProducerId(client);
  assert.ok(next.producerId >= 1000, `after a restart ids come from a new block (got ${next.producerId})`);
});

interface Line { value?: string; partition?: number; offset?: number; failed?: string; done?: boolean; left?: number; fatal?: string[] }

/** Runs the confluent-kafka idempotent producer, collecting its JSON lines as they arrive. */
function idempotentProducer(bootstrap: string, topic: string, messages: number, partitions: number, lines: Line[]): ReturnType<typeof run> {
  let pending = '';
  return run(PYTHON, [join(KAFKA_CLIENT_SCRIPTS, 'confluent_kafka_idempotent.py'), bootstrap, 'produce', topic, String(messages), String(partitions)], {
    timeoutMs: 140_000,
    onStdout: (chunk) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(pending.slice(0, nl)) as Line);
        pending = pending.slice(nl + 1);
      }
    },
  });
}

/** Every message delivered once: offsets 0..n-1 per partition, in the order sent, no duplicate or gap stored. */
async function assertStoredOnce(client: WireClient, topic: string, lines: readonly Line[], messages: number, partitions: number): Promise<void> {
  assert.deepEqual(lines[lines.length - 1], { done: true, left: 0, fatal: [] });
  assert.deepEqual(lines.filter((l) => l.failed !== undefined).slice(0, 3), []);
  const acks = lines.filter((l) => l.offset !== undefined);
  assert.equal(acks.length, messages);
  for (let p = 0; p < partitions; p++) {
    const { batches, highWatermark } = await storedBatches(client, topic, p);
    assert.equal(highWatermark, messages / partitions, `partition ${p}: no message stored twice`);
    assert.equal(sequenceViolation(batches), null, `partition ${p}: no duplicate batch and no gap`);
    const acked = acks.filter((a) => a.partition === p).sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0));
    assert.deepEqual(acked.map((a) => a.offset), acked.map((_a, i) => i), `partition ${p}: every offset acknowledged once`);
    assert.deepEqual(acked.map((a) => Number(a.value?.slice(0, 7))), acked.map((_a, i) => partitions * i + p), `partition ${p}: in the order sent`);
  }
}

test('confluent-kafka idempotent producer across repeated kill -9 of the broker stores each message once', { timeout: 150_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  const port = await freePort();
  const args = ['--kafka-port', String(port), '--default-partitions', '2'];
  let broker = await startKafkaBroker(t, args, { dataDir });
  const messages = 8000;
  const lines: Line[] = [];
  const producer = idempotentProducer(`127.0.0.1:${port}`, 'crash-idem', messages, 2, lines);
  for (let kill = 1; kill <= 3; kill++) {
    await waitFor(() => lines.length >= (messages * kill) / 4, 60_000, `${(messages * kill) / 4} deliveries before kill ${kill}`);
    assert.ok(!lines.some((l) => l.done === true), `kill ${kill} comes while the producer is still sending`);
    broker.process.proc.kill('SIGKILL');
    assert.equal(await broker.process.exited, 'SIGKILL');
    broker = await startKafkaBroker(t, args, { dataDir });
  }
  const result = await producer;
  assert.equal(result.code, 0, result.stderr.slice(-3000));
  const client = await WireClient.connect(port);
  t.after(() => client.close());
  await assertStoredOnce(client, 'crash-idem', lines, messages, 2);
});

test('confluent-kafka idempotent producer whose connections are cut under it stores each message once, with no gap', { timeout: 150_000 }, async (t) => {
  // Clients reach the broker only through the proxy: it listens on 127.0.0.2 at the broker's port,
  // and the broker advertises 127.0.0.2 in Metadata.
  const port = await freePort();
  const broker = await startKafkaBroker(t, ['--host', '127.0.0.1', '--advertised-host', '127.0.0.2', '--kafka-port', String(port), '--default-partitions', '2']);
  const proxy = await startTcpProxy('127.0.0.2', port, '127.0.0.1', port);
  t.after(() => proxy.close());
  const messages = 20_000;
  const lines: Line[] = [];
  const producer = idempotentProducer(`127.0.0.2:${port}`, 'cut', messages, 2, lines);
  let cuts = 0;
  for (let k = 1; k <= 8; k++) {
    await waitFor(() => lines.length >= (messages * k) / 10 || lines.some((l) => l.done === true), 60_000, `${(messages * k) / 10} deliveries`);
    if (lines.some((l) => l.done === true)) break;
    cuts += proxy.cutAll();
  }
  const result = await producer;
  assert.equal(result.code, 0, result.stderr.slice(-3000));
  assert.ok(cuts > 0, 'connections were cut while the producer ran');
  const client = await WireClient.connect(port);
  t.after(() => client.close());
  await assertStoredOnce(client, 'cut', lines, messages, 2);
  assert.ok(!broker.process.lines.some((l) => l.msg?.startsWith('kafka: closing a connection') === true), 'no request was refused as bad input');
  t.diagnostic(`${cuts} connections cut, ${proxy.accepted()} accepted by the proxy`);
});
