import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchCheck, checkBatchAt, describeBatchCheck } from '../../../src/records/batch-check.js';
import { batchBaseOffset, setBatchBaseOffset, writeBatchCrc } from '../../../src/records/batch-header.js';
import { CompressionCodec, encodeRecordBatch } from '../../../src/records/index.js';
import { kafkajsEncodeBatch, KafkajsLong, kafkajsRecord } from './kafkajs-protocol.js';
import { smallBatch } from './records-fixtures.js';

const MAX = 1_048_588;

describe('checkBatchAt', () => {
  const bytes = encodeRecordBatch(smallBatch());

  it('returns the total size of a whole batch, also at an offset inside a larger buffer', () => {
    assert.equal(checkBatchAt(bytes, 0, bytes.length, MAX), bytes.length);
    const padded = Buffer.concat([Buffer.alloc(13, 0xee), bytes, Buffer.alloc(9, 0xee)]);
    assert.equal(checkBatchAt(padded, 13, padded.length, MAX), bytes.length);
  });

  it('accepts a batch kafkajs wrote', async () => {
    const theirs = await kafkajsEncodeBatch({
      compression: 0,
      firstOffset: KafkajsLong.fromValue(0),
      firstTimestamp: 1,
      maxTimestamp: 1,
      partitionLeaderEpoch: 0,
      lastOffsetDelta: 0,
      transactional: false,
      producerId: KafkajsLong.fromValue(-1),
      producerEpoch: 0,
      firstSequence: 0,
      records: [kafkajsRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: Buffer.from('v') })],
    });
    assert.equal(checkBatchAt(theirs, 0, theirs.length, MAX), theirs.length);
  });

  it('reports TRUNCATED for every end short of the batch', () => {
    for (let end = 0; end < bytes.length; end++) {
      assert.equal(checkBatchAt(bytes, 0, end, MAX), BatchCheck.TRUNCATED, `end ${end}`);
    }
  });

  it('reports BAD_CRC for a flip in any byte the CRC covers (attributes..end)', () => {
    for (let pos = 21; pos < bytes.length; pos++) {
      const damaged = Buffer.from(bytes);
      damaged[pos] = (damaged[pos] ?? 0) ^ 0x04;
      const result = checkBatchAt(damaged, 0, damaged.length, MAX);
      // A flip in recordsCount may be caught by the count check before the CRC.
      assert.ok(result === BatchCheck.BAD_CRC || (pos >= 57 && pos < 61 && result === BatchCheck.BAD_COUNTS), `flip at ${pos}: ${result}`);
    }
    assert.equal(checkBatchAt(bytes, 0, bytes.length, MAX, false), bytes.length);
  });

  it('leaves baseOffset and partitionLeaderEpoch outside the CRC, so the broker can patch them (KIP-98)', () => {
    const patched = Buffer.from(bytes);
    setBatchBaseOffset(patched, 0, 2 ** 50);
    patched.writeInt32BE(99, 12);
    assert.equal(checkBatchAt(patched, 0, patched.length, MAX), patched.length);
    assert.equal(batchBaseOffset(patched, 0), 2 ** 50);
  });

  it('reports BAD_MAGIC, BAD_LENGTH and BAD_COUNTS', () => {
    const magic = Buffer.from(bytes);
    magic[16] = 1;
    assert.equal(checkBatchAt(magic, 0, magic.length, MAX), BatchCheck.BAD_MAGIC);

    const short = Buffer.from(bytes);
    short.writeInt32BE(48, 8);
    assert.equal(checkBatchAt(short, 0, short.length, MAX), BatchCheck.BAD_LENGTH);
    assert.equal(checkBatchAt(bytes, 0, bytes.length, bytes.length - 1), BatchCheck.BAD_LENGTH);

    const negative = Buffer.from(bytes);
    negative.writeInt32BE(-1, 57);
    writeBatchCrc(negative, 0, negative.length);
    assert.equal(checkBatchAt(negative, 0, negative.length, MAX), BatchCheck.BAD_COUNTS);

    const tooMany = Buffer.from(bytes);
    tooMany.writeInt32BE(1_000_000, 57);
    writeBatchCrc(tooMany, 0, tooMany.length);
    assert.equal(checkBatchAt(tooMany, 0, tooMany.length, MAX), BatchCheck.BAD_COUNTS);

    // Compressed records may be smaller than 7 bytes each on the wire: only decoding can tell.
    const zipped = encodeRecordBatch(smallBatch(CompressionCodec.zstd));
    zipped.writeInt32BE(1_000_000, 57);
    writeBatchCrc(zipped, 0, zipped.length);
    assert.equal(checkBatchAt(zipped, 0, zipped.length, MAX), zipped.length);
  });

  it('describes every failure in words', () => {
    for (const code of Object.values(BatchCheck)) assert.doesNotMatch(describeBatchCheck(code), /unknown/);
    assert.match(describeBatchCheck(-99), /unknown/);
  });
});
