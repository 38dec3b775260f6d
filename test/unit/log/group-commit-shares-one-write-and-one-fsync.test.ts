import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { CountingFileIO } from './support/counting-file-io.js';
import { GatedFileIO } from './support/gated-file-io.js';
import { openLog, readEverything, turns } from './support/log-fixtures.js';

test('64 appends in one tick share one writev and one fdatasync (policy always)', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, '/data/p');
  await log.append(makeBatch({ records: 1, valueBytes: 10 }));
  io.reset();
  const appends = Array.from({ length: 64 }, (_, i) => log.append(makeBatch({ records: 1 + (i % 3), valueBytes: 1024 })));
  const results = await Promise.all(appends);
  assert.equal(io.countSuffix('writev', '.log'), 1);
  assert.equal(io.countSuffix('datasync', '.log'), 1);
  let expected = 1;
  for (const [i, r] of results.entries()) {
    assert.equal(r.baseOffset, expected, `append ${i} gets offsets in call order`);
    expected = r.lastOffset + 1;
  }
  assert.equal(log.highWatermark, expected);
  assert.equal((await readEverything(log)).length, 65);
  await log.close();
});

test('appends that arrive during an fsync are written at once but acknowledged only after the next fsync, which they share', async () => {
  const gated = new GatedFileIO(new MemoryFileIO(), { holdAt: 'completion' });
  const io = new CountingFileIO(gated);
  const log = await openLog(io, '/data/p');
  io.reset();
  gated.hold();
  const first = log.append(makeBatch({ records: 1, valueBytes: 10 }));
  await gated.whenHeld();
  assert.deepEqual(log.offsets, { appendedOffset: 1, writtenOffset: 1, durableOffset: 0 });
  assert.equal(log.highWatermark, 0, 'written but not durable: not visible');
  assert.equal((await log.read(0, 100)).bytes.length, 0);
  let laterDone = false;
  const later = Promise.all(Array.from({ length: 10 }, () => log.append(makeBatch({ records: 1, valueBytes: 10 })))).then(() => {
    laterDone = true;
  });
  for (let i = 0; i < 100 && log.offsets.writtenOffset < 11; i++) await turns(1);
  assert.equal(io.countSuffix('writev', '.log'), 2, 'later appends are written while the first fsync is in flight, in one writev');
  assert.equal(io.countSuffix('datasync', '.log'), 1, 'one fsync in flight at a time');
  assert.deepEqual(log.offsets, { appendedOffset: 11, writtenOffset: 11, durableOffset: 0 });
  gated.releaseOne();
  await first;
  await gated.whenHeld();
  assert.equal(laterDone, false, 'the first fsync started before their write: it does not cover them');
  assert.deepEqual(log.offsets, { appendedOffset: 11, writtenOffset: 11, durableOffset: 1 });
  gated.release();
  await later;
  assert.equal(io.countSuffix('writev', '.log'), 2);
  assert.equal(io.countSuffix('datasync', '.log'), 2);
  assert.deepEqual(log.offsets, { appendedOffset: 11, writtenOffset: 11, durableOffset: 11 });
  await log.close();
});

test('concurrent appends that overflow the segment are split across a roll, in order', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, '/data/p', { config: { segmentBytesMax: 8 * 1024 } });
  const batch = (): Buffer => makeBatch({ records: 2, valueBytes: 1000 });
  const size = batch().length;
  const results = await Promise.all(Array.from({ length: 20 }, () => log.append(batch())));
  const perSegment = Math.floor((8 * 1024) / size);
  assert.equal(log.segmentCount, Math.ceil(20 / perSegment));
  results.forEach((r, i) => assert.deepEqual(r, { baseOffset: i * 2, lastOffset: i * 2 + 1 }));
  assert.equal((await readEverything(log)).length, 20);
  await log.close();
});

test('policy never acknowledges after the write without any fdatasync', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, '/data/p', { config: { flushPolicy: { kind: 'never' } } });
  io.reset();
  await Promise.all(Array.from({ length: 8 }, () => log.append(makeBatch({ records: 1, valueBytes: 10 }))));
  assert.equal(io.countSuffix('datasync', '.log'), 0);
  assert.equal(log.highWatermark, 8, 'written counts as durable under this policy');
  await log.flush();
  assert.equal(io.countSuffix('datasync', '.log'), 1);
  await log.close();
});

test('policy interval fdatasyncs from its timer', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, '/data/p', { config: { flushPolicy: { kind: 'interval', intervalMs: 1 } } });
  io.reset();
  await log.append(makeBatch({ records: 1, valueBytes: 10 }));
  assert.equal(log.highWatermark, 1);
  // Waits for the timer's event; bounded so a broken timer fails instead of hanging.
  for (let i = 0; i < 10_000 && io.countSuffix('datasync', '.log') === 0; i++) await new Promise((r) => setTimeout(r, 1));
  assert.equal(io.countSuffix('datasync', '.log'), 1);
  await log.close();
});
