// The fdatasyncs run outside the appender's lane: under `always` the next group is written while
// the previous one is synced, and the `interval` timer's sync does not stop appends. An append is
// still acknowledged only by an fdatasync that started after its write, and roll, truncate, flush
// and close wait for the sync in flight on the segment they change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultyFileIO } from '../../../src/log/faulty-file-io.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { WRITE_GROUP_BYTES_MAX } from '../../../src/log/appender.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { CountingFileIO } from './support/counting-file-io.js';
import { GatedFileIO } from './support/gated-file-io.js';
import { openLog, readEverything, turns } from './support/log-fixtures.js';

const DIR = '/data/p';
const INTERVAL = { flushPolicy: { kind: 'interval', intervalMs: 1 } } as const;
const isLogIo = (err: unknown): boolean => isWharfError(err, 'WHARF_ERR_LOG_IO');
const small = (): Buffer => makeBatch({ records: 1, valueBytes: 10 });

/** A promise and whether it has settled yet. */
function watch<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  tracked.catch(() => undefined);
  return { promise: tracked, settled: () => done };
}

/**
 * Waits until `ready()`, in 1 ms steps that also keep the event loop alive for the (unref'd)
 * interval timer; bounded, so a broken log fails instead of hanging.
 */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(ready(), `timed out waiting until ${what}`);
}

/** Waits until the interval timer's fdatasync is held. */
const timerSyncHeld = (gated: GatedFileIO): Promise<void> => until(() => gated.heldCount >= 1, "the timer's fdatasync is held");

test('always: a write made during an fsync is not acknowledged when that fsync completes, only after the next', async () => {
  const memory = new MemoryFileIO();
  const gated = new GatedFileIO(memory, { holdAt: 'completion' });
  const io = new CountingFileIO(gated);
  const log = await openLog(io, DIR);
  io.reset();
  gated.hold('.log');
  const a = watch(log.append(small()));
  await gated.whenHeld();
  const b = watch(log.append(small()));
  await until(() => log.offsets.writtenOffset === 2, 'b is written');
  assert.equal(io.countSuffix('writev', '.log'), 2, 'b is written while the first fsync is in flight');
  assert.equal(io.countSuffix('datasync', '.log'), 1, 'at most one fsync of the file in flight');
  gated.releaseOne();
  await a.promise;
  await gated.whenHeld(); // the second fsync, started after b's write
  await turns(3);
  assert.equal(b.settled(), false, 'b is not acknowledged by the fsync that started before its write');
  assert.deepEqual(log.offsets, { appendedOffset: 2, writtenOffset: 2, durableOffset: 1 });
  assert.equal((await readEverything(log)).length, 1, 'readers see a only');
  gated.release();
  assert.deepEqual(await b.promise, { baseOffset: 1, lastOffset: 1 });
  assert.equal(log.highWatermark, 2);
  assert.equal(io.countSuffix('datasync', '.log'), 2);
  await log.close();
});

test('always: the bytes written during an fsync are not on disk when it completes (a crash then loses them)', async () => {
  const memory = new MemoryFileIO();
  const gated = new GatedFileIO(memory, { holdAt: 'completion' });
  const log = await openLog(gated, DIR);
  gated.hold('.log');
  void log.append(small()).catch(() => undefined);
  await gated.whenHeld();
  const b = watch(log.append(small()));
  await until(() => log.offsets.writtenOffset === 2, 'b is written');
  memory.crash({ unsynced: 'none' });
  gated.release();
  await assert.rejects(b.promise);
  const reopened = await openLog(memory, DIR);
  assert.equal(reopened.logEndOffset, 1, 'the fsync in flight covered a, not b');
  await reopened.close();
});

test('always: the rolled segment is synced, and its appends acknowledged, before anything in the new segment', async () => {
  const gated = new GatedFileIO(new MemoryFileIO(), { holdAt: 'completion' });
  const batch = (): Buffer => makeBatch({ records: 1, valueBytes: 700 });
  const log = await openLog(gated, DIR, { config: { segmentBytesMax: 1024 } });
  gated.hold('.log');
  const a = watch(log.append(batch()));
  await gated.whenHeld();
  const b = watch(log.append(batch())); // does not fit: rolls first, and the roll waits for a's fsync
  await turns(10);
  assert.equal(log.segmentCount, 1, 'the roll waits for the fsync in flight on the segment it seals');
  assert.equal(b.settled(), false);
  gated.releaseOne();
  await a.promise;
  await gated.whenHeld(); // b's fsync, in the new segment
  assert.equal(log.segmentCount, 2);
  assert.equal(b.settled(), false);
  assert.equal(log.highWatermark, 1);
  gated.release();
  await b.promise;
  assert.equal(log.highWatermark, 2);
  await log.close();
});

test('always: an fsync error fails the appends written during the previous fsync, and nothing unsynced is acknowledged', async () => {
  const faulty = new FaultyFileIO(new MemoryFileIO());
  const gated = new GatedFileIO(faulty, { holdAt: 'completion' });
  const log = await openLog(gated, DIR);
  gated.hold('.log');
  const a = watch(log.append(small()));
  await gated.whenHeld();
  const b = watch(log.append(small()));
  await until(() => log.offsets.writtenOffset === 2, 'b is written');
  faulty.inject({ operation: 'datasync', code: 'EIO', pathIncludes: '.log' });
  gated.release();
  assert.deepEqual(await a.promise, { baseOffset: 0, lastOffset: 0 }, 'a was covered by the fsync that succeeded');
  await assert.rejects(b.promise, isLogIo);
  assert.equal(log.highWatermark, 1);
  assert.ok(log.failure !== null);
  await assert.rejects(log.append(small()), isLogIo);
  await log.close();
});

test('always: a write error while an fsync is in flight fails every append not yet acknowledged', async () => {
  const faulty = new FaultyFileIO(new MemoryFileIO());
  const gated = new GatedFileIO(faulty, { holdAt: 'completion' });
  const log = await openLog(gated, DIR);
  gated.hold('.log');
  const a = watch(log.append(small()));
  await gated.whenHeld();
  faulty.inject({ operation: 'writev', code: 'ENOSPC', pathIncludes: '.log' });
  const b = watch(log.append(small()));
  await assert.rejects(b.promise, isLogIo);
  gated.release();
  await assert.rejects(a.promise, isLogIo, 'the log failed before a was acknowledged');
  assert.equal(log.highWatermark, 0);
  await log.close();
});

test('interval: appends are written and acknowledged while the timer fdatasync is in flight', async () => {
  const gated = new GatedFileIO(new MemoryFileIO());
  const io = new CountingFileIO(gated);
  const log = await openLog(io, DIR, { config: INTERVAL });
  gated.hold('.log');
  await log.append(small());
  await timerSyncHeld(gated);
  const writes = io.countSuffix('writev', '.log');
  for (let i = 0; i < 5; i++) await log.append(small());
  assert.equal(io.countSuffix('writev', '.log'), writes + 5, 'each append was written while the sync was held');
  assert.equal(log.highWatermark, 6);
  assert.equal(gated.heldCount, 1, 'the timer starts no second sync while one is in flight');
  gated.release();
  await until(() => io.countSuffix('datasync', '.log') >= 2, 'the timer syncs the later appends');
  await log.close();
});

test('interval: an append whose write completes after the timer fdatasync failed is not acknowledged', async () => {
  const faulty = new FaultyFileIO(new MemoryFileIO());
  const gated = new GatedFileIO(faulty);
  const log = await openLog(gated, DIR, { config: INTERVAL });
  gated.hold('.log');
  await log.append(small());
  await timerSyncHeld(gated);
  faulty.inject({ operation: 'datasync', code: 'EIO', pathIncludes: '.log' });
  gated.beforeWritev = () => gated.release(); // the sync fails while this write is in flight
  await assert.rejects(log.append(small()), isLogIo);
  assert.equal(log.highWatermark, 1);
  assert.ok(log.failure !== null);
  await log.close();
});

test('interval: the timer starts no fdatasync while truncate replaces every segment', async () => {
  const gated = new GatedFileIO(new MemoryFileIO());
  const log = await openLog(gated, DIR, { config: INTERVAL });
  await log.append(small());
  await log.flush();
  const last = log.append(small()); // unsynced bytes for the timer to find
  await last;
  gated.hold(DIR, 'fsyncDir');
  const truncating = watch(log.truncate(0));
  await until(() => gated.heldCount >= 1, 'truncate is between removing the segments and creating the new one');
  await new Promise((resolve) => setTimeout(resolve, 20)); // the timer fires several times meanwhile
  gated.release();
  await truncating.promise;
  assert.deepEqual(log.offsets, { appendedOffset: 0, writtenOffset: 0, durableOffset: 0 });
  await log.append(small());
  await log.close();
});

const operations: Array<[string, (log: PartitionLog) => Promise<unknown>]> = [
  ['roll', (log) => log.roll()],
  ['truncate', (log) => log.truncate(1)],
  ['flush', (log) => log.flush()],
  ['close', (log) => log.close()],
];

for (const [name, operation] of operations) {
  test(`interval: ${name} waits for the timer's fdatasync in flight on the active segment`, async () => {
    const memory = new MemoryFileIO();
    const gated = new GatedFileIO(memory);
    const io = new CountingFileIO(gated);
    const log = await openLog(io, DIR, { config: INTERVAL });
    gated.hold('.log');
    await log.append(small());
    await log.append(small());
    await timerSyncHeld(gated);
    io.reset();
    const op = watch(operation(log));
    await turns(10);
    assert.equal(op.settled(), false, `${name} is waiting`);
    assert.equal(io.countSuffix('truncate', '.log'), 0, 'nothing cut under the sync');
    assert.equal(io.countSuffix('close', '.log'), 0, 'nothing closed under the sync');
    assert.equal(log.segmentCount, 1, 'nothing sealed under the sync');
    gated.release();
    await op.promise;
    if (name !== 'close') {
      await log.append(small());
      await log.close();
    }
    memory.crash();
    const reopened = await openLog(memory, DIR);
    // Two appends; truncate(1) cut one, close appended none, and the others one more.
    assert.equal(reopened.logEndOffset, name === 'truncate' || name === 'close' ? 2 : 3);
    await reopened.close();
  });
}

test(`a group larger than ${WRITE_GROUP_BYTES_MAX} bytes is written in several writevs, in offset order`, async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, DIR);
  io.reset();
  const batches = Array.from({ length: 40 }, (_, i) => makeBatch({ records: 1 + (i % 3), valueBytes: 256 * 1024 }));
  const bytes = batches.reduce((n, b) => n + b.length, 0);
  const results = await Promise.all(batches.map((b) => log.append(b)));
  const writes = io.countSuffix('writev', '.log');
  assert.ok(writes >= Math.ceil(bytes / WRITE_GROUP_BYTES_MAX) && writes < batches.length, `${writes} writevs for ${bytes} bytes`);
  assert.ok(io.countSuffix('datasync', '.log') <= writes);
  let expected = 0;
  for (const r of results) {
    assert.equal(r.baseOffset, expected);
    expected = r.lastOffset + 1;
  }
  const got = await readEverything(log, 8 * 1024 * 1024);
  assert.deepEqual(got.map((b) => b.bytes), batches, 'every batch, byte for byte (base offsets patched in place)');
  await log.close();
});

test('one append larger than the writev cap is written whole', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, DIR);
  io.reset();
  const big = makeBatch({ records: 2, valueBytes: WRITE_GROUP_BYTES_MAX });
  assert.deepEqual(await log.append(big), { baseOffset: 0, lastOffset: 1 });
  assert.equal(io.countSuffix('writev', '.log'), 1);
  await log.close();
});

test('never: a written run is acknowledged once the next writev is issued, so the next appends are checked during it', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, DIR, { config: { flushPolicy: { kind: 'never' } } });
  io.reset();
  const size = Math.ceil((WRITE_GROUP_BYTES_MAX * 3) / 4);
  const writesSeenAtAck: number[] = [];
  const appends = [0, 1, 2].map(() =>
    log.append(makeBatch({ records: 1, valueBytes: size })).then((r) => {
      writesSeenAtAck.push(io.countSuffix('writev', '.log'));
      return r;
    }),
  );
  await Promise.all(appends);
  assert.deepEqual(writesSeenAtAck, [2, 3, 3], 'run 1 acknowledged with run 2 in flight, run 2 with run 3; run 3 when the flush ends');
  assert.equal(log.highWatermark, 3);
  await log.close();
});
