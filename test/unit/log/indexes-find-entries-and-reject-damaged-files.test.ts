import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetIndex } from '../../../src/log/offset-index.js';
import { TimeIndex } from '../../../src/log/time-index.js';
import { writeInt64 } from '../../../src/records/int64.js';

function offsetIndexWith(entries: Array<[number, number]>, baseOffset = 100): OffsetIndex {
  const index = new OffsetIndex(baseOffset);
  for (const [offset, position] of entries) index.append(offset, position);
  return index;
}

function offsetIndexBytes(entries: Array<[number, number]>): Buffer {
  const buf = Buffer.alloc(entries.length * 8);
  entries.forEach(([relative, position], i) => {
    buf.writeUInt32BE(relative, i * 8);
    buf.writeUInt32BE(position, i * 8 + 4);
  });
  return buf;
}

function timeIndexBytes(entries: Array<[number, number]>): Buffer {
  const buf = Buffer.alloc(entries.length * 12);
  entries.forEach(([timestampMs, relative], i) => {
    writeInt64(buf, i * 12, timestampMs);
    buf.writeUInt32BE(relative, i * 12 + 8);
  });
  return buf;
}

test('offset index lookup returns the last entry at or below the offset', () => {
  const index = offsetIndexWith([[100, 0], [110, 4096], [125, 8200], [300, 20000]]);
  assert.equal(index.lookup(99), -1);
  assert.equal(index.lookup(100), 0);
  assert.equal(index.lookup(109), 0);
  assert.equal(index.lookup(110), 1);
  assert.equal(index.lookup(299), 2);
  assert.equal(index.lookup(1_000_000), 3);
  assert.equal(index.positionAt(index.lookup(130)), 8200);
  assert.equal(index.offsetAt(index.lookup(130)), 125);
});

test('offset index grows past its initial capacity and keeps every entry', () => {
  const index = new OffsetIndex(0);
  for (let i = 0; i < 10_000; i++) index.append(i * 3, i * 100);
  assert.equal(index.count, 10_000);
  for (let i = 0; i < 10_000; i += 997) assert.equal(index.positionAt(index.lookup(i * 3 + 2)), i * 100);
});

test('offset index refuses entries that do not increase (a broken invariant, not input)', () => {
  const index = offsetIndexWith([[100, 0], [110, 4096]]);
  assert.throws(() => index.append(110, 5000), /offsets must increase/);
  assert.throws(() => index.append(120, 4096), /positions must increase/);
});

test('offset index truncation drops entries at or after the cut position', () => {
  const index = offsetIndexWith([[100, 0], [110, 4096], [125, 8200]]);
  index.persistedCount = 3;
  index.truncateToPosition(4096);
  assert.equal(index.count, 1);
  assert.equal(index.persistedCount, 1);
  assert.equal(index.lookup(200), 0);
});

test('offset index round-trips through its file bytes', () => {
  const index = offsetIndexWith([[100, 0], [110, 4096], [125, 8200]]);
  const decoded = OffsetIndex.decode(index.encode(0), 100, 200, 9000);
  assert.ok(decoded instanceof OffsetIndex);
  assert.equal(decoded.count, 3);
  assert.equal(decoded.persistedCount, 3);
  assert.equal(decoded.positionAt(decoded.lookup(126)), 8200);
  assert.deepEqual(index.encode(1), offsetIndexBytes([[10, 4096], [25, 8200]]));
});

test('offset index sanity check rejects damaged files with the reason', () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ['partial entry', Buffer.concat([offsetIndexBytes([[0, 0]]), Buffer.alloc(3)]), /not a multiple of 8/],
    ['first entry not (0, 0)', offsetIndexBytes([[1, 0]]), /first entry/],
    ['trailing zero entries', Buffer.concat([offsetIndexBytes([[0, 0], [5, 100]]), Buffer.alloc(16)]), /does not increase/],
    ['offset past the segment', offsetIndexBytes([[0, 0], [100, 100]]), /past the segment/],
    ['position past the log file', offsetIndexBytes([[0, 0], [5, 9000]]), /past the log file/],
    ['empty index for data', Buffer.alloc(0), /empty index/],
  ];
  for (const [name, bytes, reason] of cases) {
    const result = OffsetIndex.decode(bytes, 100, 200, 9000);
    assert.equal(typeof result, 'string', name);
    assert.match(result as string, reason, name);
  }
  assert.ok(OffsetIndex.decode(Buffer.alloc(0), 100, 200, 0) instanceof OffsetIndex, 'empty index of an empty log is fine');
});

test('time index keeps only growing timestamps and finds the last entry before a time', () => {
  const index = new TimeIndex(100);
  index.maybeAppend(-1, 100); // no timestamp: ignored
  index.maybeAppend(1000, 100);
  index.maybeAppend(1000, 105); // not above the last: ignored
  index.maybeAppend(900, 107); // lower: ignored
  index.maybeAppend(2000, 110);
  index.maybeAppend(3000, 140);
  assert.equal(index.count, 3);
  assert.equal(index.lastTimestampMs, 3000);
  assert.equal(index.lookupBefore(1000), -1);
  assert.equal(index.lookupBefore(1001), 0);
  assert.equal(index.lookupBefore(2000), 0);
  assert.equal(index.lookupBefore(2500), 1);
  assert.equal(index.offsetAt(index.lookupBefore(9999)), 140);
  index.truncateToOffset(110);
  assert.equal(index.count, 1);
  assert.equal(index.lastTimestampMs, 1000);
});

test('time index round-trips and its sanity check rejects damaged files', () => {
  const index = new TimeIndex(100);
  index.maybeAppend(1000, 100);
  index.maybeAppend(2000, 110);
  const decoded = TimeIndex.decode(index.encode(0), 100, 200);
  assert.ok(decoded instanceof TimeIndex);
  assert.equal(decoded.lastTimestampMs, 2000);
  const cases: Array<[string, Buffer, RegExp]> = [
    ['partial entry', Buffer.alloc(13), /not a multiple of 12/],
    ['timestamps not increasing', timeIndexBytes([[2000, 0], [2000, 5]]), /timestamp does not increase/],
    ['offsets decreasing', timeIndexBytes([[1000, 5], [2000, 4]]), /offset decreases/],
    ['offset past the segment', timeIndexBytes([[1000, 100]]), /past the segment/],
  ];
  for (const [name, bytes, reason] of cases) {
    const result = TimeIndex.decode(bytes, 100, 200);
    assert.equal(typeof result, 'string', name);
    assert.match(result as string, reason, name);
  }
});
