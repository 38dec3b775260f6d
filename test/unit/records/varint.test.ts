import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  unsignedVarintBytes,
  VarintStatus,
  varintBytes,
  varlongBytes,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
  type VarintRead,
} from '../../../src/records/varint.js';
import { KafkajsDecoder, KafkajsEncoder, KafkajsLong } from './kafkajs-protocol.js';
import { seededRandom } from './records-fixtures.js';

type Reader = (buf: Uint8Array, pos: number, end: number, out: VarintRead) => number;
type Writer = (buf: Uint8Array, pos: number, value: number) => number;

function encode(write: Writer, size: (v: number) => number, value: number): Buffer {
  const buf = Buffer.alloc(size(value));
  assert.equal(write(buf, 0, value), buf.length, `size of ${value} disagrees with the bytes written`);
  return buf;
}

function decode(read: Reader, bytes: number[] | Buffer): { next: number; value: number } {
  const out = { value: NaN };
  const buf = Buffer.from(bytes);
  const next = read(buf, 0, buf.length, out);
  return { next, value: out.value };
}

describe('zigzag varint (int32)', () => {
  const known: [number, number[]][] = [
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [300, [0xd8, 0x04]],
    [0x7fff_ffff, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-0x8000_0000, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [value, bytes] of known) {
    it(`encodes ${value} as ${Buffer.from(bytes).toString('hex')} and decodes it back`, () => {
      assert.deepEqual([...encode(writeVarint, varintBytes, value)], bytes);
      assert.deepEqual(decode(readVarint, bytes), { next: bytes.length, value });
    });
  }

  it('matches kafkajs byte for byte on 5,000 random int32 values', () => {
    const random = seededRandom(1);
    for (let i = 0; i < 5000; i++) {
      const value = ((random() * 0x1_0000_0000) | 0) >> Math.floor(random() * 32);
      const theirs = new KafkajsEncoder().writeVarInt(value).buffer;
      assert.deepEqual(encode(writeVarint, varintBytes, value), theirs, `value ${value}`);
      assert.equal(decode(readVarint, theirs).value, value);
    }
  });

  it('reports a sixth byte and bits beyond 32 in the fifth byte as overflow', () => {
    assert.equal(decode(readVarint, [0xff, 0xff, 0xff, 0xff, 0x1f]).next, VarintStatus.OVERFLOW);
    assert.equal(decode(readVarint, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).next, VarintStatus.OVERFLOW);
  });
});

describe('zigzag varlong (int64 as a safe integer)', () => {
  const edge = [0, -1, 1, 63, -64, 64, 2 ** 31, -(2 ** 31) - 1, 2 ** 35 + 5, -(2 ** 49), 2 ** 52 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  it('round-trips the edges of every byte length, up to ±(2^53 - 1)', () => {
    for (const value of edge) {
      const bytes = encode(writeVarlong, varlongBytes, value);
      assert.deepEqual(decode(readVarlong, bytes), { next: bytes.length, value }, `value ${value}`);
    }
  });

  it('matches kafkajs byte for byte on 5,000 random safe integers', () => {
    const random = seededRandom(2);
    for (let i = 0; i < 5000; i++) {
      const magnitude = Math.floor(random() * 2 ** Math.floor(random() * 54));
      const value = Math.min(magnitude, Number.MAX_SAFE_INTEGER) * (random() < 0.5 ? -1 : 1) + 0; // + 0 turns -0 into 0
      const theirs = new KafkajsEncoder().writeVarLong(KafkajsLong.fromValue(BigInt(value))).buffer;
      assert.deepEqual(encode(writeVarlong, varlongBytes, value), theirs, `value ${value}`);
      assert.equal(decode(readVarlong, theirs).value, value);
      assert.equal(new KafkajsDecoder(encode(writeVarlong, varlongBytes, value)).readVarLong().toString(), String(value));
    }
  });

  it('refuses values beyond ±(2^53 - 1) instead of rounding them', () => {
    for (const big of [2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)]) {
      const bytes = new KafkajsEncoder().writeVarLong(KafkajsLong.fromValue(big)).buffer;
      assert.equal(decode(readVarlong, bytes).next, VarintStatus.OVERFLOW, `value ${big}`);
    }
  });

  it('refuses more than 10 bytes', () => {
    assert.equal(decode(readVarlong, [...Array<number>(10).fill(0x80), 0x00]).next, VarintStatus.OVERFLOW);
  });

  it('accepts a non-minimal encoding (Kafka readers do)', () => {
    assert.deepEqual(decode(readVarlong, [0x82, 0x80, 0x00]), { next: 3, value: 1 });
  });
});

describe('unsigned varint', () => {
  it('round-trips 0, 127, 128, 2^28 and 2^32 - 1 and matches kafkajs', () => {
    for (const value of [0, 127, 128, 16_383, 16_384, 2 ** 28, 2 ** 32 - 1]) {
      const bytes = encode(writeUnsignedVarint, unsignedVarintBytes, value);
      assert.deepEqual(bytes, new KafkajsEncoder().writeUVarInt(value).buffer, `value ${value}`);
      assert.deepEqual(decode(readUnsignedVarint, bytes), { next: bytes.length, value });
    }
  });
});

describe('bounded reading', () => {
  const cases: [string, Reader, Buffer][] = [
    ['varint', readVarint, encode(writeVarint, varintBytes, -0x8000_0000)],
    ['varlong', readVarlong, encode(writeVarlong, varlongBytes, Number.MIN_SAFE_INTEGER)],
    ['unsigned varint', readUnsignedVarint, encode(writeUnsignedVarint, unsignedVarintBytes, 2 ** 32 - 1)],
  ];
  for (const [name, read, bytes] of cases) {
    it(`${name}: every end short of the last byte reports TRUNCATED, even when the buffer goes on`, () => {
      // The buffer continues with bytes that would complete the value: only `end` may stop the read.
      const padded = Buffer.concat([bytes, Buffer.from([0x00, 0x00])]);
      for (let end = 0; end < bytes.length; end++) {
        const out = { value: 42 };
        assert.equal(read(padded, 0, end, out), VarintStatus.TRUNCATED, `end ${end}`);
        assert.equal(read(padded.subarray(0, end), 0, 1000, out), VarintStatus.TRUNCATED, `buffer of ${end} bytes with a larger end`);
      }
      assert.equal(read(padded, 0, bytes.length, { value: 0 }), bytes.length);
    });

    it(`${name}: reads at an offset inside a larger buffer`, () => {
      const buf = Buffer.concat([Buffer.from([0xff, 0xff]), bytes]);
      const atOffset = { value: 0 };
      const alone = { value: 1 };
      assert.equal(read(buf, 2, buf.length, atOffset), buf.length);
      assert.equal(read(bytes, 0, bytes.length, alone), bytes.length);
      assert.equal(atOffset.value, alone.value);
    });
  }
});
