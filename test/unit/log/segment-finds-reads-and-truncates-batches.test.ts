import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FdCache } from '../../../src/log/fd-cache.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { OffsetIndex } from '../../../src/log/offset-index.js';
import { Segment, type SegmentContext } from '../../../src/log/segment.js';
import { TimeIndex } from '../../../src/log/time-index.js';
import { batchLastOffsetDelta, batchMaxTimestamp, setBatchBaseOffset } from '../../../src/records/batch-header.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { splitBatches } from './support/log-fixtures.js';

interface Written {
  baseOffset: number;
  lastOffset: number;
  position: number;
  bytes: Buffer;
}

/** A segment at base 1000 holding `count` batches of 1-4 records with growing sizes and timestamps. */
async function segmentWithBatches(count: number, indexIntervalBytes = 512): Promise<{ segment: Segment; written: Written[]; io: MemoryFileIO }> {
  const io = new MemoryFileIO();
  await io.mkdirp('/p');
  const ctx: SegmentContext = { dir: '/p', fdCache: new FdCache(io), indexIntervalBytes };
  const segment = await Segment.create(ctx, 1000);
  await io.fsyncDir('/p');
  const written: Written[] = [];
  let next = 1000;
  for (let i = 0; i < count; i++) {
    const batch = makeBatch({ records: 1 + (i % 4), valueBytes: 20 + (i % 7) * 30, timestampMs: 10_000 + i * 10 });
    setBatchBaseOffset(batch, 0, next);
    const position = segment.sizeBytes;
    segment.onBatch(next, position, batch.length, batchMaxTimestamp(batch, 0));
    const lastOffset = next + batchLastOffsetDelta(batch, 0);
    await segment.write([batch], batch.length, lastOffset + 1);
    written.push({ baseOffset: next, lastOffset, position, bytes: batch });
    next = lastOffset + 1;
  }
  segment.committedBytes = segment.sizeBytes;
  return { segment, written, io };
}

test('findPosition returns the start of the batch containing each offset', async () => {
  const { segment, written } = await segmentWithBatches(60);
  assert.ok(segment.offsetIndex.count > 1 && segment.offsetIndex.count < 60, 'the index is sparse');
  for (const w of written) {
    for (let offset = w.baseOffset; offset <= w.lastOffset; offset++) {
      assert.equal(await segment.findPosition(offset, segment.committedBytes), w.position, `offset ${offset}`);
    }
  }
  assert.equal(await segment.findPosition(999, segment.committedBytes), -1);
  assert.equal(await segment.findPosition(segment.nextOffset, segment.committedBytes), -1);
});

test('findPosition ignores batches at or past the limit', async () => {
  const { segment, written } = await segmentWithBatches(10);
  const limit = (written[5] as Written).position;
  assert.equal(await segment.findPosition((written[6] as Written).baseOffset, limit), -1);
  assert.equal(await segment.findPosition((written[4] as Written).baseOffset, limit), (written[4] as Written).position);
});

test('read returns whole batches within maxBytes, and one whole batch when it is larger (KIP-74)', async () => {
  const { segment, written } = await segmentWithBatches(20);
  const first = written[0] as Written;
  const one = await segment.read(first.position, 1, segment.committedBytes);
  assert.deepEqual(one, first.bytes);
  const budget = (written[3] as Written).position + 10;
  const some = await segment.read(0, budget, segment.committedBytes);
  assert.deepEqual(splitBatches(some).map((b) => b.baseOffset), written.slice(0, 3).map((w) => w.baseOffset));
  const all = await segment.read(0, 1 << 20, segment.committedBytes);
  assert.deepEqual(all, Buffer.concat(written.map((w) => w.bytes)));
});

test('findByTimestamp returns the first batch whose max timestamp reaches the target', async () => {
  const { segment, written } = await segmentWithBatches(40);
  for (const [i, w] of written.entries()) {
    const ts = 10_000 + i * 10;
    assert.equal((await segment.findByTimestamp(ts, 1000, segment.committedBytes))?.baseOffset, w.baseOffset, `exact ${ts}`);
    assert.equal((await segment.findByTimestamp(ts - 5, 1000, segment.committedBytes))?.baseOffset, w.baseOffset, `before ${ts}`);
  }
  assert.equal(await segment.findByTimestamp(99_999, 1000, segment.committedBytes), null);
  const from = (written[30] as Written).baseOffset;
  assert.equal((await segment.findByTimestamp(0, from, segment.committedBytes))?.baseOffset, from, 'starts at fromOffset');
});

test('truncateTo drops the batch containing the offset and everything after, durably', async () => {
  const { segment, written, io } = await segmentWithBatches(30);
  const cut = written[17] as Written;
  const newEnd = await segment.truncateTo(cut.baseOffset + (cut.lastOffset > cut.baseOffset ? 1 : 0));
  assert.equal(newEnd, cut.baseOffset);
  assert.equal(segment.nextOffset, cut.baseOffset);
  assert.equal(segment.sizeBytes, cut.position);
  assert.equal(segment.maxTimestampMs, 10_000 + 16 * 10);
  assert.equal(io.peek(segment.logPath)?.length, cut.position);
  for (const w of written.slice(0, 17)) assert.equal(await segment.findPosition(w.lastOffset, segment.sizeBytes), w.position);
  io.crash();
  assert.equal(io.peek(segment.logPath)?.length, cut.position, 'the truncation was synced');
});

test('truncateTo at or before the base offset empties the segment', async () => {
  const { segment } = await segmentWithBatches(5);
  assert.equal(await segment.truncateTo(1000), 1000);
  assert.equal(segment.sizeBytes, 0);
  assert.equal(segment.offsetIndex.count, 0);
  assert.equal(segment.maxTimestampMs, -1);
  assert.equal(segment.firstAppendMs, -1);
});

test('seal writes both index files that pass the sanity check, and delete removes every file', async () => {
  const { segment, io } = await segmentWithBatches(50);
  await segment.seal();
  assert.equal(segment.sealed, true);
  const offsetIndex = OffsetIndex.decode(io.peek(segment.offsetIndexPath) as Buffer, 1000, segment.nextOffset, segment.sizeBytes);
  const timeIndex = TimeIndex.decode(io.peek(segment.timeIndexPath) as Buffer, 1000, segment.nextOffset);
  assert.ok(offsetIndex instanceof OffsetIndex);
  assert.ok(timeIndex instanceof TimeIndex);
  assert.equal(offsetIndex.count, segment.offsetIndex.count);
  assert.equal(timeIndex.lastTimestampMs, segment.maxTimestampMs, 'the last time entry is the maximum');
  await segment.delete();
  for (const path of [segment.logPath, segment.offsetIndexPath, segment.timeIndexPath]) assert.equal(await io.exists(path), false);
});
