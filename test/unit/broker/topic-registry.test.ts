import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager } from '../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { MemoryMetadataStore } from '../../../src/cluster/metadata-store.js';
import { TopicRegistry, partitionLogName } from '../../../src/broker/topics.js';
import { produceToPartition } from '../../../src/broker/topic-data.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';

const DEFAULTS = { retentionMs: 604_800_000, retentionBytes: -1, segmentBytes: 1 << 30, segmentMs: 604_800_000, maxMessageBytes: 1_048_588 };

async function openRegistry(io: MemoryFileIO, store: MemoryMetadataStore): Promise<{ topics: TopicRegistry; logs: LogManager }> {
  const topics = new TopicRegistry(store, { defaults: DEFAULTS, partitionsMax: 100 });
  await topics.load();
  const logs = new LogManager('/data/logs', { fileIO: io, configFor: (n) => topics.configForLog(n), retentionCheckIntervalMs: 0 });
  await logs.openAll();
  await topics.attach(logs);
  return { topics, logs };
}

test('topics persist with their id, partitions and configs across a reopen', async () => {
  const io = new MemoryFileIO();
  const store = new MemoryMetadataStore();
  const first = await openRegistry(io, store);
  const created = await first.topics.create('orders', 3, { 'retention.ms': '1000' });
  assert.equal(created.partitions.length, 3);
  assert.equal(created.topicId.length, 16);
  await produceToPartition(first.topics, 'orders', 2, makeBatch({ records: 5, valueBytes: 10 }));
  await first.logs.close();

  const second = await openRegistry(io, store);
  const again = second.topics.get('orders');
  assert.ok(again);
  assert.deepEqual(again.topicId, created.topicId);
  assert.equal(again.partitions.length, 3);
  assert.equal(second.topics.partition('orders', 2).logEndOffset, 5);
  assert.equal(second.topics.effectiveConfigs(again)['retention.ms'], '1000');
  assert.equal(again.partitions[0]?.config.retentionMs, 1000);
  assert.equal(second.topics.isDefaultConfig(again, 'segment.bytes'), true);
  await second.logs.close();
});

test('create rejects bad names, duplicates, bad counts and unsupported configs with neutral codes', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO(), new MemoryMetadataStore());
  await topics.create('a', 1);
  const code = (c: string) => (err: unknown) => isWharfError(err, c);
  await assert.rejects(topics.create('a', 1), code('WHARF_ERR_TOPIC_EXISTS'));
  await assert.rejects(topics.create('bad/name', 1), code('WHARF_ERR_INVALID_TOPIC'));
  await assert.rejects(topics.create('..', 1), code('WHARF_ERR_INVALID_TOPIC'));
  await assert.rejects(topics.create('x'.repeat(250), 1), code('WHARF_ERR_INVALID_TOPIC'));
  await assert.rejects(topics.create('b', 0), code('WHARF_ERR_INVALID_PARTITIONS'));
  await assert.rejects(topics.create('b', 101), code('WHARF_ERR_INVALID_PARTITIONS'));
  await assert.rejects(topics.create('b', 1, { 'cleanup.policy': 'compact' }), code('WHARF_ERR_INVALID_CONFIG'));
  await assert.rejects(topics.create('b', 1, { 'retention.ms': 'soon' }), code('WHARF_ERR_INVALID_CONFIG'));
  await assert.rejects(topics.create('b', 1, { 'no.such.config': '1' }), code('WHARF_ERR_INVALID_CONFIG'));
  assert.deepEqual(topics.list().map((t) => t.name), ['a']);
  await logs.close();
});

test('partitions can be added, never removed, and unknown topics or partitions are named', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO(), new MemoryMetadataStore());
  await topics.create('t', 2);
  await topics.createPartitions('t', 4);
  assert.equal(topics.get('t')?.partitions.length, 4);
  assert.ok(logs.get(partitionLogName('t', 3)));
  await assert.rejects(topics.createPartitions('t', 3), (err: unknown) => isWharfError(err, 'WHARF_ERR_INVALID_PARTITIONS'));
  assert.throws(() => topics.partition('t', 4), (err: unknown) => isWharfError(err, 'WHARF_ERR_UNKNOWN_PARTITION'));
  assert.throws(() => topics.partition('nope', 0), (err: unknown) => isWharfError(err, 'WHARF_ERR_UNKNOWN_TOPIC'));
  await logs.close();
});

test('incremental config changes set and delete overrides and reach the live logs; replace swaps the whole set', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO(), new MemoryMetadataStore());
  const t = await topics.create('c', 1, { 'retention.ms': '5000' });
  await topics.alterConfigs('c', { 'segment.bytes': '2048' }, 'incremental');
  assert.equal(t.partitions[0]?.config.segmentBytesMax, 2048);
  assert.equal(t.partitions[0]?.config.retentionMs, 5000);
  await topics.alterConfigs('c', { 'retention.ms': null }, 'incremental');
  assert.equal(t.partitions[0]?.config.retentionMs, DEFAULTS.retentionMs);
  await topics.alterConfigs('c', { 'retention.bytes': '4096' }, 'replace');
  assert.deepEqual(t.definition.configs, { 'retention.bytes': '4096' });
  assert.equal(t.partitions[0]?.config.segmentBytesMax, DEFAULTS.segmentBytes);
  await topics.alterConfigs('c', { 'retention.bytes': '1' }, 'replace', true);
  assert.deepEqual(t.definition.configs, { 'retention.bytes': '4096' }, 'validate-only changes nothing');
  await logs.close();
});

test('a deleted topic and its logs are gone after a reopen', async () => {
  const io = new MemoryFileIO();
  const store = new MemoryMetadataStore();
  const first = await openRegistry(io, store);
  await first.topics.create('gone', 2);
  await first.topics.delete('gone');
  assert.equal(first.logs.get(partitionLogName('gone', 0)), undefined);
  await first.logs.close();
  const second = await openRegistry(io, store);
  assert.equal(second.topics.get('gone'), undefined);
  assert.deepEqual(second.logs.names(), []);
  await second.logs.close();
});

test('produce holds each batch to max.message.bytes of its topic', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO(), new MemoryMetadataStore());
  await topics.create('small', 1, { 'max.message.bytes': '2000' });
  await assert.rejects(
    produceToPartition(topics, 'small', 0, makeBatch({ records: 3, valueBytes: 1000 })),
    (err: unknown) => isWharfError(err, 'WHARF_ERR_MESSAGE_TOO_LARGE') && /max\.message\.bytes=2000/.test(err.message),
  );
  const ok = await produceToPartition(topics, 'small', 0, makeBatch({ records: 1, valueBytes: 100 }));
  assert.deepEqual([ok.baseOffset, ok.lastOffset, ok.logStartOffset], [0, 0, 0]);
  await logs.close();
});

test('a topic allowed larger messages than the log default accepts them, up to the 1 GiB ceiling', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO(), new MemoryMetadataStore());
  const big = await topics.create('big', 1, { 'max.message.bytes': String(20 * 1024 * 1024) });
  assert.equal(big.partitions[0]?.config.batchBytesMax, 20 * 1024 * 1024);
  const r = await produceToPartition(topics, 'big', 0, makeBatch({ records: 1, valueBytes: 17 * 1024 * 1024 }));
  assert.equal(r.lastOffset, 0);
  await assert.rejects(topics.create('huge', 1, { 'max.message.bytes': String(2 ** 31 - 1) }), (err: unknown) => isWharfError(err, 'WHARF_ERR_INVALID_CONFIG'));
  await logs.close();
});
