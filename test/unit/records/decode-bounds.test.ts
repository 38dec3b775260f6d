// The decoders read bytes from clients and from disk. Whatever those bytes are, decoding either
// succeeds or throws a RecordsError; it never reads out of bounds, never throws anything else and
// never allocates by a size it has not checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CompressionCodec,
  compress,
  compressionCodecName,
  createRecordBatch,
  decodeRecordBatch,
  decodeRecordBatches,
  encodeRecordBatch,
  RecordsErrorCode,
  writeBatchCrc,
  writeUnsignedVarint,
  writeVarint,
  type RecordBatch,
} from '../../../src/records/index.js';
import { ALL_CODECS, expectRecordsError, fuzzSeed, recordsErrorOf, richBatch, seededRandom, smallBatch } from './records-fixtures.js';

const HEADER = 61;
const MiB = 1024 * 1024;

/** Rewrites batchLength to the buffer's length and recomputes the CRC, so damage reaches the records. */
function repairHeader(buf: Buffer): Buffer {
  if (buf.length >= 12) buf.writeInt32BE(buf.length - 12, 8);
  if (buf.length >= HEADER) writeBatchCrc(buf, 0, buf.length);
  return buf;
}

/** A valid header around hand-made records bytes, compressed with `codec` first if asked. */
function batchAround(records: Buffer, count: number, codec: CompressionCodec = CompressionCodec.none): Buffer {
  const header = encodeRecordBatch(createRecordBatch({ compression: codec }));
  const payload = codec === CompressionCodec.none ? records : compress(codec, records);
  const buf = Buffer.concat([header, payload]);
  buf.writeInt32BE(count, 57);
  return repairHeader(buf);
}

/** Varint-encoded bytes, for writing record fields by hand. */
function varints(...values: number[]): Buffer {
  const buf = Buffer.alloc(values.length * 5);
  let pos = 0;
  for (const v of values) pos = writeVarint(buf, pos, v);
  return buf.subarray(0, pos);
}

/** Decodes one way and, when it succeeds, checks the result re-encodes to an equal batch. */
function decodeOrRecordsError(buf: Buffer, context: string, verifyCrc = true): RecordBatch | undefined {
  let decoded: RecordBatch | undefined;
  recordsErrorOf(() => {
    decoded = decodeRecordBatch(buf, { verifyCrc, batchBytesMax: MiB, decompressedBytesMax: MiB });
  }, context);
  recordsErrorOf(() => decodeRecordBatches(buf, { verifyCrc, batchBytesMax: MiB, decompressedBytesMax: MiB }), `${context} (decodeRecordBatches)`);
  if (decoded !== undefined) {
    // Whatever decodes is representable: the encoder takes it and gives back the same model.
    assert.deepEqual(decodeRecordBatch(encodeRecordBatch(decoded), { batchBytesMax: 2 * MiB }), decoded, context);
  }
  return decoded;
}

describe('decoding truncated input', () => {
  const inputs: [string, Buffer][] = [
    ...ALL_CODECS.map((c): [string, Buffer] => [`small ${compressionCodecName(c)} batch`, encodeRecordBatch(smallBatch(c))]),
    ['rich uncompressed batch (70 KB)', encodeRecordBatch(richBatch())],
  ];
  for (const [name, bytes] of inputs) {
    it(`${name}: every prefix is TRUNCATED for one batch and trailing bytes for a run of batches`, () => {
      for (let length = 0; length < bytes.length; length++) {
        const prefix = bytes.subarray(0, length);
        expectRecordsError(() => decodeRecordBatch(prefix), RecordsErrorCode.TRUNCATED, `prefix ${length}`);
        const run = decodeRecordBatches(prefix);
        assert.equal(run.batches.length, 0);
        assert.equal(run.trailingBytes, length, `prefix ${length}`);
      }
    });
  }
});

describe('decoding single-byte damage', () => {
  for (const codec of ALL_CODECS) {
    it(`${compressionCodecName(codec)}: flipping any byte, with or without a repaired CRC, gives a RecordsError or a valid batch`, () => {
      const bytes = encodeRecordBatch(smallBatch(codec));
      for (let pos = 0; pos < bytes.length; pos++) {
        for (const mask of [0xff, 0x01, 0x80]) {
          const flipped = Buffer.from(bytes);
          flipped[pos] = (flipped[pos] ?? 0) ^ mask;
          const context = `(${compressionCodecName(codec)} byte ${pos} ^ ${mask})`;
          const asIs = decodeOrRecordsError(flipped, context);
          // The CRC covers bytes 21.. ; baseOffset, batchLength, leader epoch and magic are not.
          if (pos >= 21) assert.equal(asIs, undefined, `${context} decoded despite a CRC mismatch`);
          decodeOrRecordsError(flipped, `${context} without CRC check`, false);
          if (pos >= 12) decodeOrRecordsError(writeCrc(flipped), `${context} with repaired CRC`);
        }
      }
    });
  }
});

function writeCrc(buf: Buffer): Buffer {
  writeBatchCrc(buf, 0, buf.length);
  return buf;
}

describe('seeded fuzzing', () => {
  it('3,000 mutated batches decode or throw a RecordsError (replay with WHARF_FUZZ_SEED)', () => {
    const seed = fuzzSeed();
    const random = seededRandom(seed);
    const int = (n: number): number => Math.floor(random() * n);
    const bases = ALL_CODECS.map((c) => encodeRecordBatch(smallBatch(c)));
    const plainRecords = encodeRecordBatch(smallBatch()).subarray(HEADER);
    let decodedCount = 0;
    for (let i = 0; i < 3000; i++) {
      let buf: Buffer;
      const mode = int(3);
      if (mode === 2) {
        // Damage the records before compressing them, so a valid payload carries bad records.
        const records = mutate(Buffer.from(plainRecords), int, random);
        buf = batchAround(records, int(5), ALL_CODECS[1 + int(4)] ?? CompressionCodec.gzip);
      } else {
        buf = mutate(Buffer.from(bases[int(bases.length)] ?? Buffer.alloc(0)), int, random);
        if (mode === 1) repairHeader(buf);
      }
      if (decodeOrRecordsError(buf, `(seed ${seed}, case ${i}, mode ${mode}, input ${buf.toString('hex')})`) !== undefined) decodedCount++;
    }
    // Some mutations must survive (e.g. a changed value byte under a repaired CRC), or the fuzz
    // only exercised the CRC check.
    assert.ok(decodedCount > 0, `seed ${seed}: no mutated batch decoded`);
  });
});

function mutate(buf: Buffer, int: (n: number) => number, random: () => number): Buffer {
  const steps = 1 + int(4);
  for (let s = 0; s < steps && buf.length > 0; s++) {
    const at = int(buf.length);
    switch (int(6)) {
      case 0:
        buf[at] = int(256);
        break;
      case 1:
        buf[at] = (buf[at] ?? 0) ^ (1 << int(8));
        break;
      case 2: {
        const inserted = Buffer.alloc(1 + int(8));
        for (let j = 0; j < inserted.length; j++) inserted[j] = random() < 0.5 ? 0xff : int(256);
        buf = Buffer.concat([buf.subarray(0, at), inserted, buf.subarray(at)]);
        break;
      }
      case 3:
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + int(8)))]);
        break;
      case 4: {
        // A huge varint where a length or count might be.
        const big = Buffer.alloc(5);
        writeUnsignedVarint(big, 0, 0xffff_fff0 + int(15));
        big.copy(buf, at);
        break;
      }
      default:
        buf.writeInt32BE(int(2) === 0 ? 0x7fff_ffff : -0x8000_0000 + int(3), Math.min(at, Math.max(0, buf.length - 4)));
    }
  }
  return buf;
}

describe('declared sizes are checked before anything is allocated', () => {
  it('a batch length of 2 GiB is TOO_LARGE under the limit and TRUNCATED without one', () => {
    const buf = encodeRecordBatch(createRecordBatch());
    buf.writeInt32BE(0x7fff_ffff, 8);
    expectRecordsError(() => decodeRecordBatch(buf), RecordsErrorCode.TOO_LARGE);
    expectRecordsError(() => decodeRecordBatch(buf, { batchBytesMax: Infinity }), RecordsErrorCode.TRUNCATED);
  });

  it('a record count beyond the bytes is refused by the count check, compressed or not', () => {
    const plain = batchAround(varints(6, 0, 0, 0, -1, -1, 0), 0x7fff_ffff);
    assert.match(expectRecordsError(() => decodeRecordBatch(plain), RecordsErrorCode.CORRUPT).message, /count/);
    const zipped = batchAround(varints(6, 0, 0, 0, -1, -1, 0), 0x7fff_ffff, CompressionCodec.gzip);
    assert.match(expectRecordsError(() => decodeRecordBatch(zipped), RecordsErrorCode.CORRUPT).message, /recordsCount/);
  });

  // Each case names the check that must catch it, so a case caught by accident further on fails.
  const corruptRecords: [string, Buffer, RegExp][] = [
    ['record length of 2^31 - 1', varints(0x7fff_ffff, 0, 0, 0, -1, -1, 0), /record length 2147483647 does not fit/],
    ['negative record length', varints(-5, 0, 0, 0, -1, -1, 0), /record length -5 does not fit/],
    ['key length of 2^31 - 1', varints(6, 0, 0, 0, 0x7fff_ffff, -1, 0), /record key varint runs past/],
    ['key longer than the record', varints(6, 0, 0, 0, 10, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), /record key needs 10 bytes but only 2 remain/],
    ['key length -2', varints(6, 0, 0, 0, -2, -1, 0), /record key has negative length -2/],
    ['value length of 2^31 - 1', varints(6, 0, 0, 0, -1, 0x7fff_ffff, 0), /record value varint runs past/],
    ['header count of 2^31 - 1', varints(6, 0, 0, 0, -1, -1, 0x7fff_ffff), /record header count varint runs past/],
    ['header count beyond the record', varints(6, 0, 0, 0, -1, -1, 3), /record header count 3 does not fit/],
    ['negative header count', varints(6, 0, 0, 0, -1, -1, -1), /record header count -1 does not fit/],
    ['header key length of 2^31 - 1', varints(8, 0, 0, 0, -1, -1, 1, 0x7fff_ffff, -1), /header key length varint runs past/],
    ['null header key', varints(8, 0, 0, 0, -1, -1, 1, -1, -1), /header key length -1 is negative/],
    ['header value length of 2^31 - 1', varints(8, 0, 0, 0, -1, -1, 1, 0, 0x7fff_ffff), /header value varint runs past/],
    ['record length longer than its fields', varints(7, 0, 0, 0, -1, -1, 0, 0), /fields end 1 bytes early/],
    ['record length shorter than its fields', varints(5, 0, 0, 0, -1, -1, 0), /record header count varint runs past/],
    ['bytes after the last record', varints(6, 0, 0, 0, -1, -1, 0, 0), /1 bytes follow the last of 1 records/],
    ['an offsetDelta varint of six bytes', Buffer.from([0x16, 0x00, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01, 0x01, 0x00]), /record offsetDelta varint is too long/],
    ['a timestampDelta beyond 2^53', Buffer.concat([varints(14, 0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), varints(0, -1, -1, 0)]), /record timestampDelta varint is too long or out of range/],
  ];
  for (const codec of [CompressionCodec.none, CompressionCodec.snappy]) {
    for (const [what, records, reason] of corruptRecords) {
      it(`${compressionCodecName(codec)}: a record with ${what} is CORRUPT`, () => {
        const err = expectRecordsError(() => decodeRecordBatch(batchAround(records, 1, codec)), RecordsErrorCode.CORRUPT, what);
        assert.match(err.message, reason);
      });
    }
  }

  it('the hand-made record the cases above damage is itself valid', () => {
    const records = decodeRecordBatch(batchAround(varints(8, 0, 0, 0, -1, -1, 1, 0, -1), 1)).records;
    assert.deepEqual(records, [{ attributes: 0, timestampDelta: 0, offsetDelta: 0, key: null, value: null, headers: [{ key: '', value: null }] }]);
  });

  it('a compressed payload claiming more than the limit is TOO_LARGE before it is inflated', () => {
    const snappyClaim = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]); // raw snappy block declaring 4 GiB
    const header = encodeRecordBatch(createRecordBatch({ compression: CompressionCodec.snappy }));
    const buf = repairHeader(Buffer.concat([header, snappyClaim]));
    buf.writeInt32BE(1, 57);
    writeBatchCrc(buf, 0, buf.length);
    expectRecordsError(() => decodeRecordBatch(buf), RecordsErrorCode.TOO_LARGE);
    const zstdBomb = batchAround(Buffer.alloc(8 * MiB), 1, CompressionCodec.zstd);
    expectRecordsError(() => decodeRecordBatch(zstdBomb, { decompressedBytesMax: MiB }), RecordsErrorCode.TOO_LARGE);
  });

  it('an int64 field beyond ±2^53 is CORRUPT rather than rounded', () => {
    const buf = encodeRecordBatch(smallBatch());
    buf.writeInt32BE(0x7fff_ffff, 43); // producerId high half
    writeBatchCrc(buf, 0, buf.length);
    expectRecordsError(() => decodeRecordBatch(buf), RecordsErrorCode.CORRUPT);
  });
});
