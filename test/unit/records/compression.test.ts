import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { compressFrameSync } from 'lz4-napi';
import { compressSync as snappyRawCompress } from 'snappy';
import binding from 'zstd-napi/binding.js';
import {
  compress,
  CompressionCodec,
  compressionCodecFromName,
  compressionCodecName,
  decompress,
  isCompressionCodec,
} from '../../../src/records/compression/codec.js';
import { RecordsErrorCode } from '../../../src/records/records-error.js';
import { ALL_CODECS, expectRecordsError, recordsErrorOf, seededRandom } from './records-fixtures.js';

const COMPRESSED_CODECS = ALL_CODECS.filter((c) => c !== CompressionCodec.none);
const MiB = 1024 * 1024;

function samples(): [string, Buffer][] {
  const text = Buffer.from('the quick brown fox jumps over the lazy dog; '.repeat(5000));
  return [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from([42])],
    ['repetitive text spanning many blocks', text],
    ['incompressible random bytes', randomBytes(200_000)],
    ['4 MiB of zeros', Buffer.alloc(4 * MiB)],
  ];
}

describe('compression codecs', () => {
  for (const codec of ALL_CODECS) {
    const name = compressionCodecName(codec);
    for (const [what, data] of samples()) {
      it(`${name} round-trips ${what}`, () => {
        const packed = compress(codec, data);
        assert.ok(decompress(codec, packed, data.length).equals(data));
      });
    }

    it(`${name} accepts output exactly at the limit and refuses one byte more with TOO_LARGE`, () => {
      const data = Buffer.alloc(100_000, 'a');
      const packed = compress(codec, data);
      assert.equal(decompress(codec, packed, data.length).length, data.length);
      expectRecordsError(() => decompress(codec, packed, data.length - 1), RecordsErrorCode.TOO_LARGE);
      expectRecordsError(() => decompress(codec, packed, 0), RecordsErrorCode.TOO_LARGE);
      assert.equal(decompress(codec, packed, Infinity).length, data.length, 'no limit');
    });
  }

  for (const codec of COMPRESSED_CODECS) {
    const name = compressionCodecName(codec);
    it(`${name} stops a 64 MiB bomb at a 1 MiB limit`, () => {
      const bomb = compress(codec, Buffer.alloc(64 * MiB));
      expectRecordsError(() => decompress(codec, bomb, MiB), RecordsErrorCode.TOO_LARGE);
    });

    it(`${name}: every truncation and byte flip of a payload gives a RecordsError or the right bytes, never a crash`, () => {
      const data = Buffer.from('records '.repeat(200) + 'end');
      const packed = compress(codec, data);
      for (let length = 0; length < packed.length; length++) {
        const prefix = packed.subarray(0, length);
        const err = recordsErrorOf(() => decompress(codec, prefix, MiB), `(${name} prefix of ${length})`);
        if (err === undefined) {
          // Only a prefix ending at a chunk boundary (xerial snappy) can decode, to a prefix of the data.
          assert.equal(codec, CompressionCodec.snappy, `a ${length}-byte prefix decoded`);
          assert.ok(data.subarray(0, decompress(codec, prefix, MiB).length).equals(decompress(codec, prefix, MiB)));
        }
      }
      for (let pos = 0; pos < packed.length; pos++) {
        const flipped = Buffer.from(packed);
        flipped[pos] = (flipped[pos] ?? 0) ^ 0xff;
        recordsErrorOf(() => decompress(codec, flipped, MiB), `(${name} flip at ${pos})`);
      }
    });

    it(`${name}: 500 seeded random payloads give a RecordsError, never a crash`, () => {
      const random = seededRandom(0xc0dec + codec);
      for (let i = 0; i < 500; i++) {
        const garbage = Buffer.alloc(1 + Math.floor(random() * 200));
        for (let j = 0; j < garbage.length; j++) garbage[j] = Math.floor(random() * 256);
        // Keep the codec's magic so the garbage reaches past the first check.
        compress(codec, Buffer.from('x')).copy(garbage, 0, 0, Math.min(8, garbage.length));
        recordsErrorOf(() => decompress(codec, garbage, 64 * 1024), `(${name} garbage #${i})`);
      }
    });
  }

  it('refuses an unknown codec with COMPRESSION', () => {
    expectRecordsError(() => decompress(5 as CompressionCodec, Buffer.from('x'), 10), RecordsErrorCode.COMPRESSION);
    expectRecordsError(() => compress(7 as CompressionCodec, Buffer.from('x')), RecordsErrorCode.COMPRESSION);
  });

  it('maps codec names as in compression.type', () => {
    assert.equal(compressionCodecFromName('zstd'), CompressionCodec.zstd);
    assert.equal(compressionCodecFromName('producer'), undefined);
    assert.equal(compressionCodecFromName('toString'), undefined);
    assert.equal(compressionCodecName(CompressionCodec.lz4), 'lz4');
    assert.equal(isCompressionCodec(4), true);
    assert.equal(isCompressionCodec(5), false);
  });
});

describe('gzip', () => {
  it('reads concatenated gzip members as one stream', () => {
    const packed = Buffer.concat([gzipSync(Buffer.from('ab')), gzipSync(Buffer.from('cd'))]);
    assert.equal(decompress(CompressionCodec.gzip, packed, 10).toString(), 'abcd');
  });
});

describe('snappy', () => {
  it('writes the xerial framing Java clients read: magic, version 1, compatible version 1, chunks', () => {
    const data = Buffer.alloc(80 * 1024, 'z');
    const packed = compress(CompressionCodec.snappy, data);
    assert.deepEqual([...packed.subarray(0, 8)], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
    assert.equal(packed.readInt32BE(8), 1);
    assert.equal(packed.readInt32BE(12), 1);
    // 80 KiB in 32 KiB chunks: three [int32 length][block] chunks that exactly fill the payload.
    let pos = 16;
    let chunks = 0;
    while (pos < packed.length) {
      pos += 4 + packed.readInt32BE(pos);
      chunks++;
    }
    assert.equal(pos, packed.length);
    assert.equal(chunks, 3);
  });

  it('reads a raw snappy block (no xerial framing)', () => {
    const data = Buffer.from('raw raw raw raw raw');
    assert.ok(decompress(CompressionCodec.snappy, snappyRawCompress(data), 100).equals(data));
  });

  it('refuses a block whose preamble claims 4 GiB with TOO_LARGE, before inflating', () => {
    const claim = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expectRecordsError(() => decompress(CompressionCodec.snappy, claim, MiB), RecordsErrorCode.TOO_LARGE);
  });

  it('refuses a xerial chunk whose length overruns the payload', () => {
    const packed = compress(CompressionCodec.snappy, Buffer.from('hello'));
    packed.writeInt32BE(1000, 16);
    expectRecordsError(() => decompress(CompressionCodec.snappy, packed, MiB), RecordsErrorCode.COMPRESSION);
  });

  it('counts the limit across xerial chunks', () => {
    const packed = compress(CompressionCodec.snappy, Buffer.alloc(100 * 1024, 1));
    expectRecordsError(() => decompress(CompressionCodec.snappy, packed, 40 * 1024), RecordsErrorCode.TOO_LARGE);
  });
});

describe('lz4', () => {
  const FRAME_HEADER = [0x04, 0x22, 0x4d, 0x18];

  it('writes a standard frame with independent blocks, which Kafka requires', () => {
    const packed = compress(CompressionCodec.lz4, Buffer.from('hello hello hello'));
    assert.deepEqual([...packed.subarray(0, 4)], FRAME_HEADER);
    assert.equal((packed[4] ?? 0) & 0x20, 0x20);
  });

  it('reads frames with block and content checksums', () => {
    const data = Buffer.from('checksummed '.repeat(10_000));
    const packed = compressFrameSync(data, { blockChecksums: true, contentChecksum: true });
    assert.ok(decompress(CompressionCodec.lz4, packed, data.length).equals(data));
  });

  it('reads stored (uncompressed) blocks and a declared content size', () => {
    // magic | FLG: v01, independent, content size | BD: 64 KiB | size u64 | HC | block | EndMark
    const frame = Buffer.from([...FRAME_HEADER, 0x68, 0x40, 3, 0, 0, 0, 0, 0, 0, 0, 0x00, 3, 0, 0, 0x80, 0x61, 0x62, 0x63, 0, 0, 0, 0]);
    assert.equal(decompress(CompressionCodec.lz4, frame, 3).toString(), 'abc');
    expectRecordsError(() => decompress(CompressionCodec.lz4, frame, 2), RecordsErrorCode.TOO_LARGE);
    frame[6] = 4; // content size no longer matches the blocks
    expectRecordsError(() => decompress(CompressionCodec.lz4, frame, 10), RecordsErrorCode.COMPRESSION);
  });

  it('refuses a declared content size above the limit before inflating', () => {
    const frame = Buffer.from([...FRAME_HEADER, 0x68, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0x00, 0, 0, 0, 0]);
    expectRecordsError(() => decompress(CompressionCodec.lz4, frame, MiB), RecordsErrorCode.TOO_LARGE);
  });

  it('refuses dependent blocks, dictionaries and unknown versions with COMPRESSION', () => {
    const packed = compress(CompressionCodec.lz4, Buffer.from('x'.repeat(1000)));
    for (const flg of [(packed[4] ?? 0) & ~0x20, (packed[4] ?? 0) | 0x01, ((packed[4] ?? 0) & 0x3f) | 0x80]) {
      const changed = Buffer.from(packed);
      changed[4] = flg;
      expectRecordsError(() => decompress(CompressionCodec.lz4, changed, MiB), RecordsErrorCode.COMPRESSION, `FLG ${flg}`);
    }
  });
});

describe('zstd', () => {
  function zstdWithoutContentSize(data: Buffer): Buffer {
    const cctx = new binding.CCtx();
    cctx.setParameter(binding.CParameter.contentSizeFlag, 0);
    const out = Buffer.alloc(binding.compressBound(data.length) + 64);
    const [remaining, produced, consumed] = cctx.compressStream2(out, data, binding.EndDirective.end);
    assert.equal(remaining, 0);
    assert.equal(consumed, data.length);
    return out.subarray(0, produced);
  }

  it('bounds a frame that does not declare its size', () => {
    const packed = zstdWithoutContentSize(Buffer.alloc(8 * MiB, 9));
    assert.equal(binding.getFrameContentSize(packed), null);
    expectRecordsError(() => decompress(CompressionCodec.zstd, packed, MiB), RecordsErrorCode.TOO_LARGE);
    assert.equal(decompress(CompressionCodec.zstd, packed, 8 * MiB).length, 8 * MiB);
  });

  it('refuses a declared size above the limit before inflating', () => {
    const packed = compress(CompressionCodec.zstd, Buffer.alloc(2 * MiB));
    expectRecordsError(() => decompress(CompressionCodec.zstd, packed, MiB), RecordsErrorCode.TOO_LARGE);
  });

  it('reads concatenated frames and refuses trailing garbage', () => {
    const packed = Buffer.concat([compress(CompressionCodec.zstd, Buffer.from('ab')), zstdWithoutContentSize(Buffer.from('cd'))]);
    assert.equal(decompress(CompressionCodec.zstd, packed, 10).toString(), 'abcd');
    expectRecordsError(() => decompress(CompressionCodec.zstd, Buffer.concat([packed, Buffer.from([1, 2, 3])]), 10), RecordsErrorCode.COMPRESSION);
  });

  it('recovers after a failed call: the shared decoder starts each payload clean', () => {
    const packed = compress(CompressionCodec.zstd, Buffer.from('fine'));
    expectRecordsError(() => decompress(CompressionCodec.zstd, packed.subarray(0, packed.length - 2), 10), RecordsErrorCode.COMPRESSION);
    assert.equal(decompress(CompressionCodec.zstd, packed, 10).toString(), 'fine');
  });
});
