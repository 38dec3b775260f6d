import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkBatchAt,
  CompressionCodec,
  compressionCodecName,
  crc32c,
  createRecord,
  createRecordBatch,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  RecordsErrorCode,
  writeBatchCrc,
  type RecordBatch,
} from '../../../src/records/index.js';
import { ALL_CODECS, expectRecordsError, richBatch, smallBatch } from './records-fixtures.js';

const MiB = 1024 * 1024;

describe('RecordBatch v2 codec', () => {
  for (const codec of ALL_CODECS) {
    const name = compressionCodecName(codec);
    it(`${name}: decode(encode(batch)) gives back every field, record and header`, () => {
      const batch = richBatch(codec);
      const bytes = encodeRecordBatch(batch);
      assert.equal(checkBatchAt(bytes, 0, bytes.length, 10 * MiB), bytes.length);
      assert.deepEqual(decodeRecordBatch(bytes, { batchBytesMax: 10 * MiB }), batch);
    });

    it(`${name}: an empty batch (as compaction leaves) has no records payload and round-trips`, () => {
      const batch = createRecordBatch({ compression: codec, lastOffsetDelta: 9, baseOffset: 100, baseTimestamp: 5, maxTimestamp: 5 });
      const bytes = encodeRecordBatch(batch);
      assert.equal(bytes.length, 61);
      assert.deepEqual(decodeRecordBatch(bytes), batch);
    });
  }

  it('re-encodes a decoded uncompressed batch to the same bytes', () => {
    for (const batch of [richBatch(), smallBatch()]) {
      const bytes = encodeRecordBatch(batch);
      assert.ok(encodeRecordBatch(decodeRecordBatch(bytes)).equals(bytes));
    }
  });

  it('lays out the header at Kafka\'s field positions, with the CRC over attributes..end', () => {
    const batch = smallBatch();
    const bytes = encodeRecordBatch(batch);
    assert.equal(bytes.readBigInt64BE(0), 5n);
    assert.equal(bytes.readInt32BE(8), bytes.length - 12);
    assert.equal(bytes.readInt32BE(12), -1);
    assert.equal(bytes[16], 2);
    assert.equal(bytes.readUInt32BE(17), crc32c(bytes.subarray(21)));
    assert.equal(bytes.readInt16BE(21), 0);
    assert.equal(bytes.readInt32BE(23), 2);
    assert.equal(bytes.readBigInt64BE(27), 1_600_000_000_000n);
    assert.equal(bytes.readBigInt64BE(35), 1_600_000_070_000n);
    assert.equal(bytes.readBigInt64BE(43), 3n);
    assert.equal(bytes.readInt16BE(51), 1);
    assert.equal(bytes.readInt32BE(53), 0);
    assert.equal(bytes.readInt32BE(57), 3);
  });

  it('keeps a null key/value (length -1) apart from an empty one (length 0), on the wire too', () => {
    const bytes = encodeRecordBatch(
      createRecordBatch({ records: [createRecord({ key: null, value: Buffer.alloc(0) }), createRecord({ offsetDelta: 1, key: Buffer.alloc(0), value: null })] }),
    );
    // record: length, attributes, timestampDelta, offsetDelta, then key and value lengths.
    assert.deepEqual([...bytes.subarray(61, 61 + 7)], [0x0c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]);
    assert.deepEqual([...bytes.subarray(68, 68 + 7)], [0x0c, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00]);
    const [first, second] = decodeRecordBatch(bytes).records;
    assert.equal(first?.key, null);
    assert.equal(first?.value?.length, 0);
    assert.equal(second?.key?.length, 0);
    assert.equal(second?.value, null);
  });

  it('preserves control, transactional, log-append, delete-horizon and reserved attribute bits', () => {
    const batch = createRecordBatch({
      isControl: true,
      isTransactional: true,
      timestampType: 'log-append',
      hasDeleteHorizon: true,
      reservedAttributeBits: 0x8100,
      producerId: 2 ** 40 + 3,
      producerEpoch: 32767,
      baseSequence: -2_000_000_000,
      partitionLeaderEpoch: 2_147_483_647,
      records: [createRecord({ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) })],
    });
    const bytes = encodeRecordBatch(batch);
    assert.equal(bytes.readUInt16BE(21), 0x8100 | 0x40 | 0x20 | 0x10 | 0x08);
    assert.deepEqual(decodeRecordBatch(bytes), batch);
    assert.ok(encodeRecordBatch(decodeRecordBatch(bytes)).equals(bytes));
  });

  it('round-trips negative timestamps and deltas, int32 offset deltas and the int8 record attributes', () => {
    const batch = createRecordBatch({
      baseTimestamp: -1,
      maxTimestamp: -1,
      records: [
        createRecord({ timestampDelta: Number.MIN_SAFE_INTEGER + 10, offsetDelta: 0, attributes: -128 }),
        createRecord({ timestampDelta: -1, offsetDelta: 2_147_483_647, attributes: 127 }),
      ],
      lastOffsetDelta: 2_147_483_647,
    });
    assert.deepEqual(decodeRecordBatch(encodeRecordBatch(batch)), batch);
  });

  it('derives lastOffsetDelta and maxTimestamp when asked, and otherwise writes them as given', () => {
    const batch = createRecordBatch({
      baseTimestamp: 1000,
      lastOffsetDelta: 0,
      maxTimestamp: 0,
      records: [createRecord({ offsetDelta: 0, timestampDelta: 50 }), createRecord({ offsetDelta: 3, timestampDelta: -20 })],
    });
    const asGiven = decodeRecordBatch(encodeRecordBatch(batch));
    assert.equal(asGiven.lastOffsetDelta, 0);
    assert.equal(asGiven.maxTimestamp, 0);
    const derived = decodeRecordBatch(encodeRecordBatch(batch, { deriveLastOffsetDelta: true, deriveMaxTimestamp: true }));
    assert.equal(derived.lastOffsetDelta, 3);
    assert.equal(derived.maxTimestamp, 1050);
  });

  it('createRecordBatch defaults to no producer id, no leader epoch, no timestamp, and derives the rest', () => {
    const batch = createRecordBatch({ baseTimestamp: 10, records: [createRecord({ offsetDelta: 4, timestampDelta: 7 })] });
    assert.deepEqual(
      [batch.producerId, batch.producerEpoch, batch.baseSequence, batch.partitionLeaderEpoch, batch.compression, batch.timestampType],
      [-1, -1, -1, -1, CompressionCodec.none, 'create'],
    );
    assert.equal(batch.lastOffsetDelta, 4);
    assert.equal(batch.maxTimestamp, 17);
    assert.equal(createRecordBatch().baseTimestamp, -1);
  });

  it('returns keys and values of an uncompressed batch as views of the input, without copying', () => {
    const bytes = encodeRecordBatch(smallBatch());
    const value = decodeRecordBatch(bytes).records[0]?.value;
    assert.ok(value !== null && value !== undefined);
    assert.equal(value.buffer, bytes.buffer);
  });

  it('refuses with INVALID a batch whose fields the wire cannot carry', () => {
    const cases: [string, (b: RecordBatch) => void][] = [
      ['baseOffset beyond 2^53', (b) => (b.baseOffset = 2 ** 53)],
      ['offsetDelta beyond int32', (b) => ((b.records[0] ?? createRecord()).offsetDelta = 2 ** 31)],
      ['fractional timestampDelta', (b) => ((b.records[0] ?? createRecord()).timestampDelta = 1.5)],
      ['record attributes beyond int8', (b) => ((b.records[0] ?? createRecord()).attributes = 200)],
      ['producerEpoch beyond int16', (b) => (b.producerEpoch = 40_000)],
      ['baseSequence beyond int32', (b) => (b.baseSequence = 2 ** 31)],
      ['negative lastOffsetDelta', (b) => (b.lastOffsetDelta = -1)],
      ['codec 5', (b) => (b.compression = 5 as CompressionCodec)],
      ['reserved bits below bit 7', (b) => (b.reservedAttributeBits = 0x10)],
      ['a key that is not a Buffer', (b) => ((b.records[0] ?? createRecord()).key = 'text' as unknown as Buffer)],
    ];
    for (const [what, spoil] of cases) {
      const batch = smallBatch();
      spoil(batch);
      expectRecordsError(() => encodeRecordBatch(batch), RecordsErrorCode.INVALID, what);
    }
  });
});

describe('decoding one batch', () => {
  it('reports a CRC mismatch, and skips the check when told the bytes were verified', () => {
    const bytes = encodeRecordBatch(smallBatch());
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    expectRecordsError(() => decodeRecordBatch(bytes), RecordsErrorCode.CRC);
    assert.equal(decodeRecordBatch(bytes, { verifyCrc: false }).records.length, 3);
  });

  it('refuses bytes after the batch, which decodeRecordBatches would read as another batch', () => {
    const bytes = Buffer.concat([encodeRecordBatch(smallBatch()), Buffer.from([0])]);
    expectRecordsError(() => decodeRecordBatch(bytes), RecordsErrorCode.CORRUPT);
  });

  it('names a legacy MessageSet (magic 1) as unsupported even when it is shorter than a v2 header', () => {
    const legacy = Buffer.alloc(40);
    legacy.writeInt32BE(28, 8);
    legacy[16] = 1;
    expectRecordsError(() => decodeRecordBatch(legacy), RecordsErrorCode.UNSUPPORTED_MAGIC);
  });

  it('applies batchBytesMax and decompressedBytesMax', () => {
    const plain = encodeRecordBatch(smallBatch());
    expectRecordsError(() => decodeRecordBatch(plain, { batchBytesMax: plain.length - 1 }), RecordsErrorCode.TOO_LARGE);
    assert.equal(decodeRecordBatch(plain, { batchBytesMax: plain.length }).records.length, 3);
    const zipped = encodeRecordBatch(richBatch(CompressionCodec.gzip));
    expectRecordsError(() => decodeRecordBatch(zipped, { decompressedBytesMax: 60_000 }), RecordsErrorCode.TOO_LARGE);
  });

  it('refuses an unknown codec in the attributes with COMPRESSION', () => {
    const bytes = encodeRecordBatch(smallBatch(CompressionCodec.gzip));
    bytes.writeInt16BE(6, 21);
    writeBatchCrc(bytes, 0, bytes.length);
    expectRecordsError(() => decodeRecordBatch(bytes), RecordsErrorCode.COMPRESSION);
  });
});

describe('decoding concatenated batches', () => {
  const batches = [smallBatch(), richBatch(CompressionCodec.zstd), smallBatch(CompressionCodec.lz4)];
  const encoded = batches.map((b) => encodeRecordBatch(b));
  const whole = Buffer.concat(encoded);
  const options = { batchBytesMax: MiB };

  it('reads every batch in order', () => {
    assert.deepEqual(decodeRecordBatches(whole, options), { batches, trailingBytes: 0 });
    assert.deepEqual(decodeRecordBatches(Buffer.alloc(0)), { batches: [], trailingBytes: 0 });
  });

  it('reports a final batch cut short (as a fetch response has) in trailingBytes, at any cut', () => {
    const last = encoded[2] ?? Buffer.alloc(0);
    for (let cut = 1; cut < last.length; cut++) {
      const bytes = whole.subarray(0, whole.length - cut);
      const result = decodeRecordBatches(bytes, options);
      assert.equal(result.batches.length, 2, `cut ${cut}`);
      assert.equal(result.trailingBytes, last.length - cut, `cut ${cut}`);
    }
  });

  it('throws for a damaged batch in the middle, naming its position', () => {
    const bytes = Buffer.from(whole);
    const secondAt = encoded[0]?.length ?? 0;
    bytes[secondAt + 70] = (bytes[secondAt + 70] ?? 0) ^ 0x10;
    const err = expectRecordsError(() => decodeRecordBatches(bytes, options), RecordsErrorCode.CRC);
    assert.equal(err.position, secondAt);
  });
});
