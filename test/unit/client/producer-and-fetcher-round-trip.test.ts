// BatchingProducer and TopicFetcher against an in-memory broker: what is produced is fetched back
// exactly, in order per partition, with every codec; batches respect the Produce v3+ rule of one
// batch per partition per request; the fetcher skips records before its offset and control batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchingProducer } from '../../../src/client/batching-producer.js';
import { BrokerError } from '../../../src/client/client-errors.js';
import { fetchTopic } from '../../../src/client/metadata.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../../../src/client/list-offsets.js';
import { TopicFetcher, type ConsumedRecord } from '../../../src/client/topic-fetcher.js';
import { CompressionCodec, createRecord, createRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../../src/records/index.js';
import { FakeBroker, InMemoryTopics } from './helpers/fake-broker.js';

async function setup(partitions = 3) {
  const topics = new InMemoryTopics({ t: partitions });
  const broker = topics.install(new FakeBroker());
  const client = await broker.client();
  return { topics, broker, client };
}

async function readAll(fetcher: TopicFetcher, count: number): Promise<ConsumedRecord[]> {
  const out: ConsumedRecord[] = [];
  for (let round = 0; out.length < count && round < 1000; round++) {
    const { records } = await fetcher.fetch();
    // Keys and values are views into the response: copy what is kept.
    for (const r of records) out.push({ ...r, key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value) });
  }
  return out;
}

for (const [name, codec] of Object.entries(CompressionCodec)) {
  test(`records produced with ${name} come back in order per partition, with keys and headers`, async () => {
    const { topics, broker, client } = await setup();
    const producer = new BatchingProducer(client, { topic: 't', acks: -1, compression: codec, batchBytesMax: 2048, maxInFlight: 3 });
    const sent: { partition: number; key: string; value: string }[] = [];
    for (let i = 0; i < 600; i++) {
      const r = { partition: i % 3, key: `k${i}`, value: `value-${i}-${'x'.repeat(i % 50)}` };
      sent.push(r);
      producer.add({ partition: r.partition, key: Buffer.from(r.key), value: Buffer.from(r.value), headers: [{ key: 'h', value: Buffer.from(String(i)) }], timestampMs: 1_700_000_000_000 + i });
      if (i % 37 === 0) await producer.pump();
    }
    await producer.flush();
    assert.equal(producer.stats.recordsAcked, 600);

    for (const req of broker.requestsOf(0)) {
      for (const t of req.body.topicData as { partitionData: { index: number; records: Buffer }[] }[]) {
        const indexes = t.partitionData.map((p) => p.index);
        assert.equal(new Set(indexes).size, indexes.length, 'one batch per partition per request');
        for (const p of t.partitionData) {
          const { batches } = decodeRecordBatches(p.records);
          assert.equal(batches.length, 1);
          assert.equal(batches[0]?.compression, codec);
        }
      }
    }
    assert.equal(topics.logs.get('t')?.[0]?.at(-1)?.nextOffset, 200);

    const fetcher = new TopicFetcher(client, 't', new Map([[0, 0], [1, 0], [2, 0]]), { partitionMaxBytes: 4096 });
    const got = await readAll(fetcher, 600);
    assert.equal(got.length, 600);
    for (const p of [0, 1, 2]) {
      const mine = got.filter((r) => r.partition === p);
      assert.deepEqual(mine.map((r) => r.offset), mine.map((_r, i) => i));
      assert.deepEqual(mine.map((r) => [r.key?.toString(), r.value?.toString()]), sent.filter((s) => s.partition === p).map((s) => [s.key, s.value]));
    }
    const r7 = got.find((r) => r.key?.toString() === 'k7');
    assert.equal(r7?.headers[0]?.value?.toString(), '7');
    assert.equal(r7?.timestamp, 1_700_000_000_007);
    await client.close();
  });
}

test('the fetcher starts mid-batch, skips control batches and reports high watermarks', async () => {
  const { topics, client } = await setup(1);
  const batch = (values: string[], isControl = false) => encodeRecordBatch(createRecordBatch({
    baseTimestamp: 1000,
    isControl,
    records: values.map((v, i) => createRecord({ offsetDelta: i, value: Buffer.from(v) })),
  }));
  topics.append('t', 0, batch(['a', 'b', 'c', 'd']));
  topics.append('t', 0, batch(['marker'], true));
  topics.append('t', 0, batch(['e']));
  const fetcher = new TopicFetcher(client, 't', new Map([[0, 2]]));
  const { records, highWatermarks } = await fetcher.fetch();
  assert.deepEqual(records.map((r) => [r.offset, r.value?.toString()]), [[2, 'c'], [3, 'd'], [5, 'e']]);
  assert.equal(highWatermarks.get(0), 6);
  assert.equal(fetcher.nextOffsets.get(0), 6);
  const again = await fetcher.fetch();
  assert.equal(again.records.length, 0);
  await client.close();
});

test('an out-of-range offset is an error that gives the range and what to do', async () => {
  const { topics, client } = await setup(1);
  topics.append('t', 0, encodeRecordBatch(createRecordBatch({ records: [createRecord({ value: Buffer.from('x') })] })));
  const fetcher = new TopicFetcher(client, 't', new Map([[0, 50]]));
  await assert.rejects(fetcher.fetch(), (err: unknown) =>
    err instanceof BrokerError && err.kafkaErrorName === 'OFFSET_OUT_OF_RANGE' && /offset 50 .*\(log start offset 0, end offset 1\); use --from beginning/.test(err.message));
  await client.close();
});

test('acks=0 sends without waiting for answers, and ListOffsets finds the ends', async () => {
  const { client } = await setup(2);
  const producer = new BatchingProducer(client, { topic: 't', acks: 0 });
  for (let i = 0; i < 10; i++) producer.add({ partition: i % 2, key: null, value: Buffer.from(`v${i}`), headers: [], timestampMs: Date.now() });
  await producer.flush();
  // The broker never answers acks=0; a later request on the same connection still gets its own answer.
  const t = await fetchTopic(client, 't');
  assert.equal(t.partitions.length, 2);
  const ends = await listOffsets(client, 't', [0, 1], LATEST_TIMESTAMP);
  const starts = await listOffsets(client, 't', [0, 1], EARLIEST_TIMESTAMP);
  assert.deepEqual([ends.get(0)?.offset, ends.get(1)?.offset, starts.get(0)?.offset], [5, 5, 0]);
  await client.close();
});

test('a partition error in a Produce answer rejects flush with the Kafka error name and a hint', async () => {
  const { client } = await setup(1);
  const producer = new BatchingProducer(client, { topic: 'missing', acks: 1 });
  producer.add({ partition: 0, key: null, value: Buffer.from('x'), headers: [], timestampMs: Date.now() });
  await assert.rejects(producer.flush(), (err: unknown) =>
    err instanceof BrokerError && err.kafkaErrorName === 'UNKNOWN_TOPIC_OR_PARTITION' && /producing to missing partition 0 failed .*wharf topics create/.test(err.message));
  await client.close();
});
