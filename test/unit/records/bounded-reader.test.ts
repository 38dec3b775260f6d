import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedReader } from '../../../src/records/bounded-reader.js';
import { RecordsErrorCode } from '../../../src/records/records-error.js';
import { expectRecordsError } from './records-fixtures.js';

describe('BoundedReader', () => {
  // Eight bytes of data followed by bytes the reader must never see.
  const buf = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);

  const reads: [string, number, (r: BoundedReader) => unknown][] = [
    ['int8', 1, (r) => r.int8('f')],
    ['int16', 2, (r) => r.int16('f')],
    ['uint16', 2, (r) => r.uint16('f')],
    ['int32', 4, (r) => r.int32('f')],
    ['uint32', 4, (r) => r.uint32('f')],
    ['int64', 8, (r) => r.int64('f')],
    ['bytes(3)', 3, (r) => r.bytes(3, 'f')],
    ['utf8(3)', 3, (r) => r.utf8(3, 'f')],
  ];
  for (const [name, size, read] of reads) {
    it(`${name} stops at end, not at the buffer's end, with the reader's short code`, () => {
      for (let start = 8 - size + 1; start <= 8; start++) {
        const truncated = new BoundedReader(buf, start, 8, RecordsErrorCode.TRUNCATED);
        const err = expectRecordsError(() => read(truncated), RecordsErrorCode.TRUNCATED, `${name} at ${start}`);
        assert.equal(err.position, start);
        assert.equal(truncated.pos, start, 'a failed read does not move the cursor');
        expectRecordsError(() => read(new BoundedReader(buf, start, 8, RecordsErrorCode.CORRUPT)), RecordsErrorCode.CORRUPT);
      }
      const whole = new BoundedReader(buf, 8 - size, 8, RecordsErrorCode.TRUNCATED);
      read(whole);
      assert.equal(whole.pos, 8);
    });
  }

  it('clamps an end beyond the buffer to its length', () => {
    const r = new BoundedReader(buf.subarray(0, 4), 0, 100, RecordsErrorCode.TRUNCATED);
    assert.equal(r.remaining(), 4);
    expectRecordsError(() => r.int64('f'), RecordsErrorCode.TRUNCATED);
  });

  it('reads null, empty and sized nullable bytes, refusing lengths below -1', () => {
    const r = new BoundedReader(Buffer.from([0x01, 0x00, 0x04, 0x61, 0x62, 0x03]), 0, 6, RecordsErrorCode.CORRUPT);
    assert.equal(r.nullableBytes('a'), null);
    assert.equal(r.nullableBytes('b')?.length, 0);
    assert.equal(r.nullableBytes('c')?.toString(), 'ab');
    expectRecordsError(() => r.nullableBytes('d'), RecordsErrorCode.CORRUPT);
  });

  it('returns views of the input for bytes, and refuses negative lengths', () => {
    const r = new BoundedReader(buf, 0, 8, RecordsErrorCode.CORRUPT);
    const view = r.bytes(2, 'f');
    assert.equal(view.buffer, buf.buffer);
    assert.deepEqual([...view], [0, 1]);
    expectRecordsError(() => r.bytes(-1, 'f'), RecordsErrorCode.CORRUPT);
    expectRecordsError(() => r.utf8(-1, 'f'), RecordsErrorCode.CORRUPT);
  });

  it('refuses an int64 beyond ±2^53 and a varint running past end', () => {
    const big = Buffer.from([0x00, 0x40, 0, 0, 0, 0, 0, 0]);
    expectRecordsError(() => new BoundedReader(big, 0, 8, RecordsErrorCode.TRUNCATED).int64('f'), RecordsErrorCode.CORRUPT);
    const varint = Buffer.from([0x80, 0x80, 0x01]);
    expectRecordsError(() => new BoundedReader(varint, 0, 2, RecordsErrorCode.TRUNCATED).varint('f'), RecordsErrorCode.TRUNCATED);
    assert.equal(new BoundedReader(varint, 0, 3, RecordsErrorCode.TRUNCATED).unsignedVarint('f'), 16384);
  });
});
