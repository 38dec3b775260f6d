import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaCodecError, KafkaCodecErrorCode } from '../../../../src/protocols/kafka/codec/codec-error.js';
import { KafkaReader } from '../../../../src/protocols/kafka/codec/reader.js';
import { EncodedSize, KafkaWriter, RECORDS_COPY_BYTES_MAX, sizeOfUvarint, sizeOfVarint } from '../../../../src/protocols/kafka/codec/writer.js';
import { encodeResponse } from '../../../../src/protocols/kafka/messages.js';
import { fetchSchema } from '../../../../src/protocols/kafka/schema/fetch.js';
import { metadataSchema } from '../../../../src/protocols/kafka/schema/metadata.js';
import { produceSchema } from '../../../../src/protocols/kafka/schema/produce.js';

const isMalformed = (err: unknown): boolean => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.MALFORMED;
const isUnencodable = (err: unknown): boolean => err instanceof KafkaCodecError && err.code === KafkaCodecErrorCode.UNENCODABLE;

function written(size: number, write: (w: KafkaWriter) => void): Buffer {
  const w = new KafkaWriter(size);
  write(w);
  return Buffer.concat(w.finish());
}

test('unsigned varints: sizes, boundaries and Kafka byte layout', () => {
  const cases: [number, string][] = [[0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [16383, 'ff7f'], [16384, '808001'], [0xffff_ffff, 'ffffffff0f']];
  for (const [value, hex] of cases) {
    const bytes = written(sizeOfUvarint(value), (w) => w.uvarint(value));
    assert.equal(bytes.toString('hex'), hex, `uvarint ${value}`);
    assert.equal(new KafkaReader(bytes).uvarint(), value);
  }
});

test('signed varints use zig-zag and cover int32', () => {
  for (const value of [0, -1, 1, -64, 63, -65, 64, 2147483647, -2147483648]) {
    const bytes = written(sizeOfVarint(value), (w) => w.varint(value));
    assert.equal(new KafkaReader(bytes).varint(), value, `varint ${value}`);
  }
  assert.equal(written(1, (w) => w.varint(-1)).toString('hex'), '01');
});

test('varints longer than 32 bits or truncated are malformed', () => {
  assert.throws(() => new KafkaReader(Buffer.from('ffffffff1f', 'hex')).uvarint(), isMalformed, '5th byte above 0x0f');
  assert.throws(() => new KafkaReader(Buffer.from('ffffffffff01', 'hex')).uvarint(), isMalformed, 'six bytes');
  assert.throws(() => new KafkaReader(Buffer.from('ff', 'hex')).uvarint(), isMalformed, 'continuation bit at the end');
});

test('int64 is a safe number; values beyond 2^53 are refused both ways', () => {
  for (const value of [0, -1, -2, 2 ** 53 - 1, -(2 ** 53 - 1), 1_700_000_000_000]) {
    assert.equal(new KafkaReader(written(8, (w) => w.int64(value))).int64(), value);
  }
  assert.throws(() => new KafkaReader(Buffer.from('7fffffffffffffff', 'hex')).int64(), isMalformed, 'Long.MAX_VALUE');
  assert.throws(() => written(8, (w) => w.int64(2 ** 60)), isUnencodable);
  assert.throws(() => written(8, (w) => w.int64(1.5)), isUnencodable);
});

test('strings: lengths are checked before reading, null only where nullable', () => {
  assert.throws(() => new KafkaReader(Buffer.from('0005616263', 'hex')).string(), isMalformed, 'length beyond the end');
  assert.throws(() => new KafkaReader(Buffer.from('ffff', 'hex')).string(), isMalformed, 'null where required');
  assert.throws(() => new KafkaReader(Buffer.from('fffe', 'hex')).nullableString(), isMalformed, 'length -2');
  assert.equal(new KafkaReader(Buffer.from('ffff', 'hex')).nullableString(), null);
  assert.equal(new KafkaReader(Buffer.from('00', 'hex')).compactNullableString(), null);
  assert.throws(() => new KafkaReader(Buffer.from('00', 'hex')).compactString(), isMalformed);
  assert.equal(new KafkaReader(Buffer.from('04616263', 'hex')).compactString(), 'abc');
  // A compact length above Kafka's 32767-byte cap is refused even when the bytes are there.
  const long = Buffer.concat([Buffer.from('818002', 'hex'), Buffer.alloc(32768, 0x61)]);
  assert.throws(() => new KafkaReader(long).compactString(), isMalformed);
  assert.throws(() => written(40000, (w) => w.string('x'.repeat(32768))), isUnencodable);
  const utf8 = 'é€😀';
  assert.equal(new KafkaReader(written(2 + Buffer.byteLength(utf8), (w) => w.string(utf8))).string(), utf8);
});

test('bytes come back as views into the frame', () => {
  const frame = Buffer.from('00000003aabbcc', 'hex');
  const b = new KafkaReader(frame).bytes();
  assert.equal(b.buffer, frame.buffer);
  assert.equal(b.toString('hex'), 'aabbcc');
  assert.equal(new KafkaReader(Buffer.from('ffffffff', 'hex')).nullableBytes(), null);
  assert.throws(() => new KafkaReader(Buffer.from('ffffffff', 'hex')).bytes(), isMalformed);
  assert.throws(() => new KafkaReader(Buffer.from('7fffffff00', 'hex')).bytes(), isMalformed);
  assert.equal(new KafkaReader(Buffer.from('03aabb', 'hex')).compactBytes().toString('hex'), 'aabb');
});

test('array counts are checked against the bytes left before any element is read', () => {
  let reads = 0;
  const readInt32 = (r: KafkaReader): number => { reads += 1; return r.int32(); };
  // 2^31-1 elements of at least 4 bytes in 8 bytes: refused at once, nothing allocated or read.
  assert.throws(() => new KafkaReader(Buffer.from('7fffffff0000000000000000', 'hex')).array(readInt32, 4), isMalformed);
  assert.equal(reads, 0);
  // 3 elements of 4 bytes do not fit in 8 bytes either.
  assert.throws(() => new KafkaReader(Buffer.from('000000030000000100000002', 'hex')).array(readInt32, 4), isMalformed);
  assert.equal(reads, 0);
  assert.deepEqual(new KafkaReader(Buffer.from('000000020000000100000002', 'hex')).array(readInt32, 4), [1, 2]);
  assert.equal(new KafkaReader(Buffer.from('ffffffff', 'hex')).nullableArray(readInt32, 4), null);
  assert.throws(() => new KafkaReader(Buffer.from('ffffffff', 'hex')).array(readInt32, 4), isMalformed);
  assert.throws(() => new KafkaReader(Buffer.from('fffffffe', 'hex')).nullableArray(readInt32, 4), isMalformed);
  assert.deepEqual(new KafkaReader(Buffer.from('0300000001 00000002'.replace(' ', ''), 'hex')).compactArray(readInt32, 4), [1, 2]);
  assert.equal(new KafkaReader(Buffer.from('00', 'hex')).compactNullableArray(readInt32, 4), null);
  assert.throws(() => new KafkaReader(Buffer.from('ffffffff0f', 'hex')).compactArray(readInt32, 1), isMalformed);
});

test('tagged fields: unknown tags are skipped, known ones must use exactly their bytes', () => {
  // 2 fields: tag 1 size 2 (0x0102), tag 5 size 1 (0x09); then a trailing int8.
  const bytes = Buffer.from('02' + '01020102' + '050109' + '7f', 'hex');
  const seen: number[] = [];
  const r = new KafkaReader(bytes);
  r.taggedFields((tag, field) => {
    if (tag !== 5) return false;
    seen.push(field.int8());
    return true;
  });
  assert.deepEqual(seen, [9]);
  assert.equal(r.int8(), 0x7f);
  assert.throws(() => new KafkaReader(bytes).taggedFields((tag) => tag === 1), isMalformed, 'known tag left bytes unread');
  assert.throws(() => new KafkaReader(Buffer.from('7f0000', 'hex')).taggedFields(), isMalformed, 'count cannot fit');
  assert.throws(() => new KafkaReader(Buffer.from('010105aa', 'hex')).taggedFields(), isMalformed, 'size beyond the end');
});

test('uuids are 16 bytes printed as unpadded base64url, like kafka-topics shows them', () => {
  const raw = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const id = new KafkaReader(raw).uuid();
  assert.equal(id, raw.toString('base64url'));
  assert.equal(id.length, 22);
  assert.deepEqual(written(16, (w) => w.uuid(id)), raw);
  assert.throws(() => written(16, (w) => w.uuid('short')), isUnencodable);
});

test('the writer refuses to finish when the computed size was wrong', () => {
  const w = new KafkaWriter(4);
  w.int16(1);
  assert.throws(() => w.finish(), assert.AssertionError);
});

test('large record data is passed through as the same Buffer, small data is copied', () => {
  const big = Buffer.alloc(RECORDS_COPY_BYTES_MAX, 7);
  const small = Buffer.alloc(10, 8);
  const size = new EncodedSize();
  size.add(8);
  size.addRecords([big, small]);
  assert.equal(size.externalBytes, big.length);
  const w = new KafkaWriter(size.inlineBytes);
  w.records([big, small], false);
  w.int32(-1);
  const out = w.finish();
  assert.equal(out.length, 3);
  assert.equal(out[1], big, 'the caller\'s buffer itself, not a copy');
  assert.equal(Buffer.concat(out).readInt32BE(0), big.length + small.length, 'length prefix covers all slices');
  assert.deepEqual(Buffer.concat(out).subarray(4 + big.length, 4 + big.length + 10), small);
});

test('a Fetch response hands segment slices through untouched, with a correct frame size', () => {
  const slices = [Buffer.alloc(5000, 1), Buffer.alloc(6000, 2)];
  const body = {
    responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10, records: slices }] }],
  };
  // v11: records are the last bytes, so the frame is [everything before, slice, slice].
  // v12 (flexible) ends with tagged-field counts after them, from the same single allocation.
  for (const [version, parts] of [[11, 3], [12, 4]] as const) {
    const frame = encodeResponse(fetchSchema, version, 42, body);
    assert.equal(frame.length, parts, `v${version}`);
    assert.ok(frame[1] === slices[0] && frame[2] === slices[1], 'the slices themselves, not copies');
    if (parts === 4) assert.ok(frame[0]?.buffer === frame[3]?.buffer, 'one allocation for all inline bytes');
    const total = frame.reduce((n, b) => n + b.length, 0);
    assert.equal(frame[0]?.readInt32BE(0), total - 4);
  }
});

test('a value the version cannot carry is refused before anything is written', () => {
  // A response topic name is never null at these versions.
  assert.throws(() => encodeResponse(metadataSchema, 0, 1, { brokers: [], topics: [{ errorCode: 0, name: null as unknown as string, partitions: [] }] }), isUnencodable);
  // Fields absent from a version are not written: a Produce v2 response is responses + throttle_time_ms.
  const v2 = encodeResponse(produceSchema, 2, 1, { responses: [] });
  assert.equal(Buffer.concat(v2).length, 4 + 4 + 4 + 4);
});
