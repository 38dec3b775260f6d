// Cross-checks against kafkajs's own RecordBatch v2 encoder and decoder: an implementation written
// independently of ours, used by real producers and consumers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkBatchAt,
  CompressionCodec,
  createRecord,
  createRecordBatch,
  decodeRecordBatch,
  encodeRecordBatch,
  type Record,
  type RecordBatch,
} from '../../../src/records/index.js';
import {
  KAFKAJS_LOG_APPEND_TIME,
  kafkajsDecodeBatch,
  kafkajsEncodeBatch,
  KafkajsLong,
  kafkajsRecord,
  type KafkajsDecodedBatch,
  type KafkajsRecordInput,
} from './kafkajs-protocol.js';

const records: KafkajsRecordInput[] = [
  { offsetDelta: 0, timestampDelta: 0, key: Buffer.from('key-0'), value: Buffer.from('value-0'), headers: { trace: Buffer.from('t1') } },
  { offsetDelta: 1, timestampDelta: -42, key: null, value: Buffer.from('tombstone has a value here') },
  { offsetDelta: 2, timestampDelta: 123_456, key: Buffer.alloc(0), value: null, headers: { multi: [Buffer.from('a'), Buffer.from('b')], 'ü': Buffer.alloc(0) } },
  { offsetDelta: 3, timestampDelta: 2 ** 40, key: Buffer.alloc(5000, 1), value: Buffer.alloc(20_000, 2) },
];

async function kafkajsBatch(compression: number): Promise<Buffer> {
  return kafkajsEncodeBatch({
    compression,
    firstOffset: KafkajsLong.fromValue('281474976710656'),
    firstTimestamp: 1_650_000_000_000,
    maxTimestamp: 1_650_000_000_000 + 2 ** 40,
    partitionLeaderEpoch: 4,
    lastOffsetDelta: 3,
    transactional: true,
    producerId: KafkajsLong.fromValue('123456789012'),
    producerEpoch: 5,
    firstSequence: 77,
    records: records.map(kafkajsRecord),
  });
}

function headerList(input: KafkajsRecordInput): { key: string; value: Buffer | null }[] {
  return Object.entries(input.headers ?? {}).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => ({ key, value: v })));
}

for (const [name, codec] of [
  ['uncompressed', CompressionCodec.none],
  ['gzip', CompressionCodec.gzip],
] as const) {
  describe(`kafkajs → Wharf (${name})`, () => {
    it('checkBatchAt accepts the kafkajs batch: length and CRC32C agree', async () => {
      const bytes = await kafkajsBatch(codec);
      assert.equal(checkBatchAt(bytes, 0, bytes.length, 1_048_588), bytes.length);
    });

    it('decodes every header field and record kafkajs wrote', async () => {
      const batch = decodeRecordBatch(await kafkajsBatch(codec));
      assert.equal(batch.baseOffset, 2 ** 48);
      assert.equal(batch.partitionLeaderEpoch, 4);
      assert.equal(batch.compression, codec);
      assert.equal(batch.isTransactional, true);
      assert.equal(batch.isControl, false);
      assert.equal(batch.timestampType, 'create');
      assert.equal(batch.lastOffsetDelta, 3);
      assert.equal(batch.baseTimestamp, 1_650_000_000_000);
      assert.equal(batch.maxTimestamp, 1_650_000_000_000 + 2 ** 40);
      assert.equal(batch.producerId, 123456789012);
      assert.equal(batch.producerEpoch, 5);
      assert.equal(batch.baseSequence, 77);
      const expected: Record[] = records.map((r) => ({
        attributes: 0,
        timestampDelta: r.timestampDelta,
        offsetDelta: r.offsetDelta,
        key: r.key,
        value: r.value,
        headers: headerList(r),
      }));
      assert.deepEqual(batch.records, expected);
    });

    if (codec === CompressionCodec.none) {
      it('re-encodes the decoded kafkajs batch to the identical bytes', async () => {
        const bytes = await kafkajsBatch(codec);
        assert.ok(encodeRecordBatch(decodeRecordBatch(bytes)).equals(bytes));
      });
    }
  });

  describe(`Wharf → kafkajs (${name})`, () => {
    const batch: RecordBatch = createRecordBatch({
      baseOffset: 9_007_199_254_740_000,
      partitionLeaderEpoch: 11,
      compression: codec,
      timestampType: 'log-append',
      isControl: true,
      baseTimestamp: 1_700_000_000_000,
      maxTimestamp: 1_700_000_000_500,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 1000,
      lastOffsetDelta: 5,
      records: [
        createRecord({ offsetDelta: 0, timestampDelta: -500, key: Buffer.from('k'), value: Buffer.from('v'), headers: [{ key: 'h', value: null }, { key: 'h', value: Buffer.from('x') }] }),
        createRecord({ offsetDelta: 5, timestampDelta: 500, key: null, value: Buffer.alloc(0) }),
      ],
    });

    it('kafkajs decodes our batch with the same fields', async () => {
      const theirs: KafkajsDecodedBatch = await kafkajsDecodeBatch(encodeRecordBatch(batch));
      assert.equal(theirs.firstOffset, '9007199254740000');
      assert.equal(theirs.partitionLeaderEpoch, 11);
      assert.equal(theirs.isControlBatch, true);
      assert.equal(theirs.inTransaction, false);
      assert.equal(theirs.timestampType, KAFKAJS_LOG_APPEND_TIME);
      assert.equal(theirs.firstTimestamp, '1700000000000');
      assert.equal(theirs.maxTimestamp, '1700000000500');
      assert.equal(theirs.producerId, '4242');
      assert.equal(theirs.producerEpoch, 3);
      assert.equal(theirs.firstSequence, 1000);
      assert.equal(theirs.lastOffsetDelta, 5);
      assert.equal(theirs.records.length, 2);
      const [first, second] = theirs.records;
      assert.equal(first?.offset, '9007199254740000');
      assert.equal(second?.offset, '9007199254740005');
      assert.deepEqual(first?.key, Buffer.from('k'));
      assert.deepEqual(first?.value, Buffer.from('v'));
      assert.deepEqual(first?.headers, { h: [null, Buffer.from('x')] });
      assert.equal(second?.key, null);
      assert.deepEqual(second?.value, Buffer.alloc(0));
    });

    it('kafkajs reads record timestamps from our deltas', async () => {
      const createTime = { ...batch, timestampType: 'create' as const, isControl: false };
      const theirs = await kafkajsDecodeBatch(encodeRecordBatch(createTime));
      assert.deepEqual(
        theirs.records.map((r) => r.timestamp),
        ['1699999999500', '1700000000500'],
      );
    });
  });
}
