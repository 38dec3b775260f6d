import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError, GroupErrorCode, LogOffsetStore, OFFSETS_LOG_NAME, subscribedTopicsOf, type OffsetStoreEntry } from '../../../../src/broker/groups/index.js';
import { decodeEntry, encodeEntry } from '../../../../src/broker/groups/offset-record-codec.js';
import { MemoryFileIO } from '../../../../src/log/memory-file-io.js';
import { PartitionLog } from '../../../../src/log/partition-log.js';
import { validateLogName } from '../../../../src/log/log-manager.js';
import { KafkaErrorCode } from '../../../../src/protocols/kafka/error-codes.js';
import { createRecord, createRecordBatch, encodeRecordBatch } from '../../../../src/records/index.js';
import { isWharfError } from '../../../../src/util/wharf-error.js';
import { subscription } from './support/group-fixtures.js';

const entry: OffsetStoreEntry = { kind: 'offset', groupId: 'g', topic: 'orders', partition: 3, value: { offset: 2 ** 40, leaderEpoch: 9, metadata: 'ünïcode', commitTimestampMs: 1_700_000_000_000 } };

test('offsets log records round-trip, and every cut-short or overlong value is WHARF_ERR_OFFSETS_LOG_CORRUPT', () => {
  const { key, value } = encodeEntry(entry);
  assert.deepEqual(decodeEntry(key, value), entry);
  assert.ok(value !== null);
  for (let cut = 0; cut < value.length; cut++) {
    assert.throws(() => decodeEntry(key, value.subarray(0, cut)), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_CORRUPT), `value cut at ${cut}`);
  }
  for (let cut = 0; cut < key.length; cut++) {
    assert.throws(() => decodeEntry(key.subarray(0, cut), value), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_CORRUPT), `key cut at ${cut}`);
  }
  assert.throws(() => decodeEntry(key, Buffer.concat([value, Buffer.from([0])])), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_CORRUPT));
  assert.throws(() => decodeEntry(null, value), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_CORRUPT));
});

test('an unknown record kind or value version is WHARF_ERR_OFFSETS_LOG_FORMAT, and stops the replay', async () => {
  const { key, value } = encodeEntry(entry);
  assert.ok(value !== null);
  const otherKind = Buffer.from(key);
  otherKind.writeInt16BE(9, 0);
  assert.throws(() => decodeEntry(otherKind, value), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_FORMAT));
  const newerValue = Buffer.from(value);
  newerValue.writeInt16BE(1, 0);
  assert.throws(() => decodeEntry(key, newerValue), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_FORMAT));

  const log = await PartitionLog.open(`/data/${OFFSETS_LOG_NAME}`, {}, { fileIO: new MemoryFileIO() });
  await log.append(encodeRecordBatch(createRecordBatch({ records: [createRecord({ key: otherKind, value })] })));
  await assert.rejects(new LogOffsetStore(log).replay(() => undefined), (err) => isWharfError(err, GroupErrorCode.OFFSETS_LOG_FORMAT));
  await log.close();
});

test('the offsets log name is a valid partition log name, and the store keeps its log from retention', async () => {
  validateLogName(OFFSETS_LOG_NAME);
  const log = await PartitionLog.open(`/data/${OFFSETS_LOG_NAME}`, { retentionMs: 1000, flushPolicy: { kind: 'never' } }, { fileIO: new MemoryFileIO() });
  new LogOffsetStore(log);
  assert.equal(log.config.retentionMs, -1);
  assert.equal(log.config.retentionBytes, -1);
  assert.equal(log.config.flushPolicy.kind, 'always');
  await log.close();
});

test('consumer subscriptions: topics are read from the v0 prefix every version shares; anything else is unknown (null)', () => {
  assert.deepEqual(subscribedTopicsOf(subscription(['orders', 'refunds'])), ['orders', 'refunds']);
  const v3 = subscription(['orders']);
  v3.writeInt16BE(3, 0);
  assert.deepEqual(subscribedTopicsOf(Buffer.concat([v3, Buffer.from([0, 0, 0, 0, 1, 2, 3])])), ['orders']);
  assert.equal(subscribedTopicsOf(Buffer.from('RoundRobinAssigner userdata')), null);
  assert.equal(subscribedTopicsOf(Buffer.alloc(3)), null);
  const lying = subscription(['orders']);
  lying.writeInt32BE(1_000_000, 2);
  assert.equal(subscribedTopicsOf(lying), null);
});

test('every GroupError is a Kafka error name, so the Kafka handlers map them by name', () => {
  for (const name of Object.values(GroupError)) {
    assert.ok(name in KafkaErrorCode, `${name} is not in protocols/kafka/error-codes.ts`);
  }
});
