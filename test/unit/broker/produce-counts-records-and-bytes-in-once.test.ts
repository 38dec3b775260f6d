// produceToPartition (broker/topic-data.ts) counts what it appended on the topic's partition
// counters: records from the batch headers, bytes as stored; a refused append counts nothing, and
// a retried idempotent batch answered as a duplicate is not counted again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { produceToPartition } from '../../../src/broker/topic-data.js';
import { TopicRegistry } from '../../../src/broker/topics.js';
import { MemoryMetadataStore } from '../../../src/cluster/metadata-store.js';
import { LogManager } from '../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { producerBatch } from '../../helpers/make-producer-batch.js';

async function openTopics(): Promise<{ topics: TopicRegistry; logs: LogManager }> {
  const io = new MemoryFileIO();
  const defaults = { retentionMs: -1, retentionBytes: -1, segmentBytes: 1 << 30, segmentMs: 604_800_000, maxMessageBytes: 1_048_588 };
  const topics = new TopicRegistry(new MemoryMetadataStore(), { defaults, partitionsMax: 10 });
  await topics.load();
  const logs = new LogManager('/data/logs', { fileIO: io, configFor: (n) => topics.configForLog(n), retentionCheckIntervalMs: 0 });
  await logs.openAll();
  await topics.attach(logs);
  return { topics, logs };
}

test('records and bytes in: every appended batch once, refused and duplicate ones not at all', async (t) => {
  const { topics, logs } = await openTopics();
  t.after(() => logs.close());
  await topics.create('t', 2);
  const two = Buffer.concat([makeBatch({ records: 2, valueBytes: 5 }), makeBatch({ records: 3, valueBytes: 50 })]);
  await produceToPartition(topics, 't', 1, two);
  const corrupt = makeBatch({ records: 4, valueBytes: 5 });
  corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
  await assert.rejects(produceToPartition(topics, 't', 1, corrupt));
  const idempotent = producerBatch({ producerId: 7, epoch: 0, firstSeq: 0, records: 4 });
  await produceToPartition(topics, 't', 1, idempotent);
  await produceToPartition(topics, 't', 1, Buffer.from(idempotent)); // a retry: answered, not stored
  const counters = topics.get('t')?.counters;
  assert.deepEqual({ ...counters?.[1] }, { recordsIn: 9, bytesIn: two.length + idempotent.length, recordsOut: 0, bytesOut: 0 });
  assert.equal(counters?.[1]?.bytesIn, topics.partition('t', 1).sizeBytes, 'bytes in are the bytes stored');
  assert.deepEqual({ ...counters?.[0] }, { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 });
});
