// Idempotent appends on a real partition log (producer-state-partition.ts): pipelined batches are
// checked in call order, a failed append leaves the state as the log has it, and the state rebuilt
// from the log after a crash decides every batch as the live state did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionProducers } from '../../../src/broker/producer-state-partition.js';
import { lastSequence, type ProducerBatch } from '../../../src/broker/producer-state.js';
import { produceToPartition } from '../../../src/broker/topic-data.js';
import { TopicRegistry } from '../../../src/broker/topics.js';
import { MemoryMetadataStore } from '../../../src/cluster/metadata-store.js';
import { FaultyFileIO } from '../../../src/log/faulty-file-io.js';
import type { FileIO } from '../../../src/log/file-io.js';
import { LogManager } from '../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { PartitionLog, type AppendResult, type PartitionLogConfig } from '../../../src/log/partition-log.js';
import { PRODUCER_ID_POS, writeBatchCrc } from '../../../src/records/batch-header.js';
import { writeInt64 } from '../../../src/records/int64.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { producerBatch } from '../../helpers/make-producer-batch.js';

const DIR = '/data/orders-0';

function openLog(io: FileIO, config: Partial<PartitionLogConfig> = {}): Promise<PartitionLog> {
  return PartitionLog.open(DIR, config, { fileIO: io });
}

function seqs(producerId: number, epoch: number, firstSeq: number, records: number): ProducerBatch {
  return { producerId, producerEpoch: epoch, firstSeq, lastSeq: lastSequence(firstSeq, records - 1) };
}

/** Offsets or the error code of each settled append. */
function outcomes(settled: Array<PromiseSettledResult<AppendResult>>): string[] {
  return settled.map((s) => {
    if (s.status === 'fulfilled') return `${s.value.baseOffset}-${s.value.lastOffset}`;
    return isWharfError(s.reason) ? s.reason.code : String(s.reason);
  });
}

const isCode = (code: string) => (err: unknown): boolean => isWharfError(err, code);

test('pipelined batches of a producer are checked in call order, while the state loads and after', async () => {
  const log = await openLog(new MemoryFileIO());
  const producers = new PartitionProducers(log);
  const b = (firstSeq: number, records = 5): Buffer => producerBatch({ producerId: 11, epoch: 0, firstSeq, records });
  // All handed over in one turn: the first triggers the load from the log, the rest queue behind it.
  const first = await Promise.allSettled([b(0), b(5), b(10), b(5), b(20), b(15)].map((r) => producers.append(r, 1)));
  assert.deepEqual(outcomes(first), ['0-4', '5-9', '10-14', '5-9', 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE', '15-19']);
  assert.equal(log.logEndOffset, 20, 'the duplicate and the gap were not stored');
  assert.equal(producers.lastLoad?.batches, 0);
  // The state is loaded now: the same again, straight to the log, including a retry of a batch
  // still in flight (answered with its offsets once it is durable).
  const second = await Promise.allSettled([b(20), b(25), b(20), b(35), b(30), b(10)].map((r) => producers.append(r, 1)));
  assert.deepEqual(outcomes(second), ['20-24', '25-29', '20-24', 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE', '30-34', '10-14']);
  assert.equal(log.logEndOffset, 35);
  await log.close();
});

test('a failed append leaves the state as the log has it; after a reopen the batch is stored once', async () => {
  const memory = new MemoryFileIO();
  const faulty = new FaultyFileIO(memory);
  const log = await openLog(faulty);
  const producers = new PartitionProducers(log);
  const b = (firstSeq: number): Buffer => producerBatch({ producerId: 4, epoch: 0, firstSeq, records: 5 });
  await producers.append(b(0), 1);
  await producers.append(b(5), 1);
  const before = await producers.snapshot();
  faulty.inject({ operation: 'writev', pathIncludes: '.log' });
  // Two pipelined batches: the second was checked against the first, and both fail.
  const failed = await Promise.allSettled([producers.append(b(10), 1), producers.append(b(15), 1)]);
  assert.deepEqual(outcomes(failed), ['WHARF_ERR_LOG_IO', 'WHARF_ERR_LOG_IO']);
  assert.deepEqual(await producers.snapshot(), before, 'nothing of the failed batches is left in the state');
  assert.equal(await producers.decide(seqs(4, 0, 10, 5)), 'append', 'the retry would be appended, not called a duplicate');
  assert.equal(await producers.decide(seqs(4, 0, 5, 5)), 'duplicate');
  assert.equal(await producers.decide(seqs(4, 0, 15, 5)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  faulty.clear();
  await log.close();

  const reopened = await openLog(memory);
  const again = new PartitionProducers(reopened);
  assert.deepEqual(await again.append(b(10), 1), { baseOffset: 10, lastOffset: 14 });
  assert.deepEqual(await again.append(b(5), 1), { baseOffset: 5, lastOffset: 9 });
  assert.deepEqual(await again.append(b(10), 1), { baseOffset: 10, lastOffset: 14 });
  assert.equal(reopened.logEndOffset, 15);
  await reopened.close();
});

test('a batch the log refuses (bad CRC) changes no state', async () => {
  const log = await openLog(new MemoryFileIO());
  const producers = new PartitionProducers(log);
  await producers.append(producerBatch({ producerId: 2, epoch: 0, firstSeq: 0, records: 3 }), 1);
  const damaged = producerBatch({ producerId: 2, epoch: 0, firstSeq: 3, records: 3 });
  damaged.writeUInt8(damaged.readUInt8(damaged.length - 2) ^ 0xff, damaged.length - 2);
  await assert.rejects(producers.append(damaged, 1), isCode('WHARF_ERR_CORRUPT_BATCH'));
  assert.equal(await producers.decide(seqs(2, 0, 3, 3)), 'append');
  assert.deepEqual(await producers.append(producerBatch({ producerId: 2, epoch: 0, firstSeq: 3, records: 3 }), 1), { baseOffset: 3, lastOffset: 5 });
  await log.close();
});

test('the state rebuilt from the log after a crash decides every batch as the live state did', async () => {
  const memory = new MemoryFileIO();
  // Small segments, and enough data to need several read windows, so the rebuild crosses both.
  const config = { segmentBytesMax: 256 * 1024 };
  const log = await openLog(memory, config);
  const live = new PartitionProducers(log);
  const next = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const producerId = 100 + (i % 7);
    const epoch = producerId === 101 && i > 200 ? 1 : 0;
    const key = producerId * 10 + epoch;
    const firstSeq = next.get(key) ?? 0;
    const records = 1 + (i % 4);
    await live.append(producerBatch({ producerId, epoch, firstSeq, records, valueBytes: 1000 }), 1);
    next.set(key, firstSeq + records);
  }
  // Interleaved with batches of producers that are not idempotent.
  await log.append(makeBatch({ records: 3, valueBytes: 10 }));
  const probes: ProducerBatch[] = [];
  for (const [key, seq] of next) {
    const [producerId, epoch] = [Math.floor(key / 10), key % 10];
    probes.push(seqs(producerId, epoch, seq, 1), seqs(producerId, epoch, seq + 1, 1), seqs(producerId, epoch, seq - 4, 4), seqs(producerId, epoch, 0, 1),
      seqs(producerId, epoch - 1, seq, 1), seqs(producerId, epoch + 1, 0, 1), seqs(producerId, epoch + 1, 3, 1));
  }
  probes.push(seqs(999, 0, 42, 1));
  const liveSnapshot = await live.snapshot();
  const liveDecisions = await Promise.all(probes.map((p) => live.decide(p)));
  assert.ok(liveDecisions.includes('duplicate') && liveDecisions.includes('append') && liveDecisions.includes('WHARF_ERR_INVALID_PRODUCER_EPOCH'));
  assert.ok(log.segmentCount > 1);
  memory.crash(); // kill -9: what was acknowledged was fdatasynced and stays

  const reopened = await openLog(memory, config);
  const rebuilt = new PartitionProducers(reopened);
  assert.deepEqual(await rebuilt.snapshot(), liveSnapshot);
  assert.deepEqual(await Promise.all(probes.map((p) => rebuilt.decide(p))), liveDecisions);
  assert.equal(rebuilt.lastLoad?.producerBatches, 400);
  assert.equal(rebuilt.lastLoad?.batches, 401);
  assert.ok((rebuilt.lastLoad?.bytes ?? 0) > 400_000);
  await reopened.close();
});

async function openRegistry(io: MemoryFileIO): Promise<{ topics: TopicRegistry; logs: LogManager }> {
  const defaults = { retentionMs: -1, retentionBytes: -1, segmentBytes: 1 << 30, segmentMs: 604_800_000, maxMessageBytes: 1_048_588 };
  const topics = new TopicRegistry(new MemoryMetadataStore(), { defaults, partitionsMax: 10 });
  await topics.load();
  const logs = new LogManager('/data/logs', { fileIO: io, configFor: (n) => topics.configForLog(n), retentionCheckIntervalMs: 0 });
  await logs.openAll();
  await topics.attach(logs);
  return { topics, logs };
}

test('produce: one batch per idempotent partition; transactional, unsequenced and unissuable ids are refused', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO());
  await topics.create('t', 1);
  const b = (firstSeq: number, extra: { transactional?: boolean; producerId?: number } = {}): Buffer =>
    producerBatch({ producerId: extra.producerId ?? 1, epoch: 0, firstSeq, records: 2, ...(extra.transactional === true ? { transactional: true } : {}) });
  const produce = (records: Buffer): Promise<unknown> => produceToPartition(topics, 't', 0, records);
  await assert.rejects(produce(Buffer.concat([b(0), b(2)])), isCode('WHARF_ERR_INVALID_PRODUCER_BATCH'));
  await assert.rejects(produce(Buffer.concat([makeBatch({ records: 1, valueBytes: 1 }), b(0)])), isCode('WHARF_ERR_INVALID_PRODUCER_BATCH'));
  await assert.rejects(produce(b(0, { transactional: true })), isCode('WHARF_ERR_TRANSACTIONAL_BATCH'));
  await assert.rejects(produce(b(-1)), isCode('WHARF_ERR_INVALID_PRODUCER_BATCH'));
  const tampered = b(0);
  writeInt64(tampered, PRODUCER_ID_POS, 2); // the CRC covers the producer fields: refused as corrupt
  await assert.rejects(produce(tampered), isCode('WHARF_ERR_CORRUPT_BATCH'));
  const unsafe = b(0);
  unsafe.writeInt32BE(0x0100_0000, PRODUCER_ID_POS); // producer id 2^56
  writeBatchCrc(unsafe, 0, unsafe.length);
  await assert.rejects(produce(unsafe), isCode('WHARF_ERR_UNKNOWN_PRODUCER_ID'));
  assert.equal(topics.partition('t', 0).logEndOffset, 0, 'nothing refused was stored');
  // Batches without a producer id are unaffected, several per produce included.
  assert.deepEqual(await produce(Buffer.concat([makeBatch({ records: 1, valueBytes: 1 }), makeBatch({ records: 2, valueBytes: 1 })])), { baseOffset: 0, lastOffset: 2, logStartOffset: 0 });
  assert.deepEqual(await produce(b(0)), { baseOffset: 3, lastOffset: 4, logStartOffset: 0 });
  assert.deepEqual(await produce(b(0)), { baseOffset: 3, lastOffset: 4, logStartOffset: 0 }, 'a duplicate answers the original offsets');
  assert.equal(topics.partition('t', 0).logEndOffset, 5);
  await logs.close();
});

test('a deleted and re-created topic starts with no producer state', async () => {
  const { topics, logs } = await openRegistry(new MemoryFileIO());
  await topics.create('again', 1);
  const b = (): Buffer => producerBatch({ producerId: 3, epoch: 0, firstSeq: 0, records: 4 });
  await produceToPartition(topics, 'again', 0, b());
  assert.deepEqual(await produceToPartition(topics, 'again', 0, b()), { baseOffset: 0, lastOffset: 3, logStartOffset: 0 });
  assert.equal(topics.partition('again', 0).logEndOffset, 4);
  await topics.delete('again');
  await topics.create('again', 1);
  await produceToPartition(topics, 'again', 0, b());
  assert.equal(topics.partition('again', 0).logEndOffset, 4, 'stored again: the new partition knows no producer');
  await logs.close();
});
