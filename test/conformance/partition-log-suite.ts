// The partition-log behaviour every FileIO must give the same way (the nats-server store_test /
// aedes-persistence abstract-suite pattern): each FileIO implementation's test file calls
// definePartitionLogSuite with a factory for a fresh directory.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FileIO } from '../../src/log/file-io.js';
import { FdCache } from '../../src/log/fd-cache.js';
import { PartitionLog, type PartitionLogConfig } from '../../src/log/partition-log.js';
import { isWharfError } from '../../src/util/wharf-error.js';
import { batchBaseOffset } from '../../src/records/batch-header.js';
import { makeBatch } from '../helpers/make-batch.js';
import { ManualClock, readEverything, splitBatches } from '../unit/log/support/log-fixtures.js';

export interface SuiteEnv {
  io: FileIO;
  /** A fresh, empty directory path (it may not exist yet). */
  dir: string;
}

export type EnvFactory = (t: TestContext) => Promise<SuiteEnv>;

function open(env: SuiteEnv, config: Partial<PartitionLogConfig> = {}, clock = new ManualClock()): Promise<PartitionLog> {
  return PartitionLog.open(env.dir, config, { fdCache: new FdCache(env.io, 16), nowMs: clock.now });
}

const batchOf = (records: number, valueBytes: number, timestampMs?: number): Buffer =>
  makeBatch({ records, valueBytes, ...(timestampMs === undefined ? {} : { timestampMs }), fill: (i) => Buffer.alloc(valueBytes, (records * 7 + i) & 0xff) });

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => isWharfError(err, code));
}

export function definePartitionLogSuite(name: string, makeEnv: EnvFactory): void {
  describe(`partition log on ${name}`, () => {
    test('appends get contiguous offsets and read back byte for byte', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env);
      const sent: Buffer[] = [];
      for (let i = 1; i <= 20; i++) {
        const batch = batchOf(i, 50);
        const result = await log.append(batch);
        assert.equal(result.lastOffset - result.baseOffset, i - 1);
        assert.equal(batchBaseOffset(batch, 0), result.baseOffset, 'baseOffset patched in place');
        sent.push(batch);
      }
      assert.equal(log.logEndOffset, 210);
      assert.equal(log.highWatermark, 210);
      const got = await readEverything(log, 300);
      assert.deepEqual(got.map((b) => b.bytes), sent);
      await log.close();
    });

    test('a read returns the batch containing the offset, within maxBytes but at least one batch', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env);
      const a = batchOf(5, 100);
      const b = batchOf(5, 100);
      const c = batchOf(5, 2000);
      await log.append(a);
      await log.append(b);
      await log.append(c);
      assert.deepEqual((await log.read(7, a.length + b.length)).bytes, Buffer.concat([b]));
      assert.deepEqual((await log.read(0, a.length + b.length)).bytes, Buffer.concat([a, b]));
      assert.deepEqual((await log.read(12, 10)).bytes, c, 'a batch larger than maxBytes is returned whole');
      const atEnd = await log.read(15, 1000);
      assert.equal(atEnd.bytes.length, 0);
      assert.equal(atEnd.highWatermark, 15);
      assert.equal(atEnd.logStartOffset, 0);
      await rejectsWith(log.read(16, 1000), 'WHARF_ERR_OFFSET_OUT_OF_RANGE');
      await rejectsWith(log.read(-1, 1000), 'WHARF_ERR_OFFSET_OUT_OF_RANGE');
      await log.close();
    });

    test('an invalid append is rejected whole and appends nothing', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { batchBytesMax: 4096 });
      await log.append(batchOf(2, 10));
      const good = batchOf(1, 10);
      const corrupt = batchOf(3, 10);
      corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
      await rejectsWith(log.append(Buffer.concat([good, corrupt])), 'WHARF_ERR_CORRUPT_BATCH');
      await rejectsWith(log.append(good.subarray(0, good.length - 1)), 'WHARF_ERR_CORRUPT_BATCH');
      await rejectsWith(log.append(Buffer.alloc(0)), 'WHARF_ERR_CORRUPT_BATCH');
      await rejectsWith(log.append(batchOf(1, 5000)), 'WHARF_ERR_BATCH_TOO_LARGE');
      assert.equal(log.logEndOffset, 2);
      const result = await log.append(Buffer.concat([batchOf(1, 10), batchOf(4, 10)]));
      assert.deepEqual(result, { baseOffset: 2, lastOffset: 6 }, 'one append may hold several batches');
      await log.close();
    });

    test('segments roll before they would pass segmentBytesMax, and reads continue across them', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { segmentBytesMax: 4096 });
      const batches: Buffer[] = [];
      for (let i = 0; i < 40; i++) {
        const batch = batchOf(3, 300);
        batches.push(batch);
        await log.append(batch);
      }
      assert.ok(log.segmentCount >= 10, `rolled into ${log.segmentCount} segments`);
      assert.equal(log.sizeBytes, batches.reduce((n, b) => n + b.length, 0));
      assert.deepEqual((await readEverything(log, 1 << 20)).map((b) => b.bytes), batches);
      await log.close();
      const reopened = await open(env, { segmentBytesMax: 4096 });
      assert.equal(reopened.segmentCount, log.segmentCount);
      assert.equal(reopened.recovery.cleanShutdown, true);
      assert.deepEqual((await readEverything(reopened, 5000)).map((b) => b.bytes), batches);
      await reopened.close();
    });

    test('segments roll by age: segmentMs after their first append', async (t) => {
      const env = await makeEnv(t);
      const clock = new ManualClock();
      const log = await open(env, { segmentMs: 60_000 }, clock);
      clock.advance(120_000);
      await log.append(batchOf(1, 10)); // an empty segment never rolls by age
      assert.equal(log.segmentCount, 1);
      clock.advance(59_999);
      await log.append(batchOf(1, 10));
      assert.equal(log.segmentCount, 1);
      clock.advance(1);
      await log.append(batchOf(1, 10));
      assert.equal(log.segmentCount, 2);
      await log.roll();
      assert.equal(log.segmentCount, 3);
      await log.roll(); // the new one is empty: nothing to roll
      assert.equal(log.segmentCount, 3);
      assert.equal((await readEverything(log)).length, 3);
      await log.close();
    });

    test('truncate removes the batch containing the offset and all later ones, across segments and reopen', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { segmentBytesMax: 2048 });
      for (let i = 0; i < 30; i++) await log.append(batchOf(4, 100)); // 4 offsets per batch
      const segmentsBefore = log.segmentCount;
      await log.truncate(41); // inside batch 40..43
      assert.equal(log.logEndOffset, 40);
      assert.equal(log.highWatermark, 40);
      assert.ok(log.segmentCount < segmentsBefore);
      assert.deepEqual(await log.append(batchOf(2, 10)), { baseOffset: 40, lastOffset: 41 });
      await log.truncate(1000); // past the end: nothing happens
      assert.equal(log.logEndOffset, 42);
      await log.close();
      const reopened = await open(env, { segmentBytesMax: 2048 });
      assert.equal(reopened.logEndOffset, 42);
      const batches = await readEverything(reopened);
      assert.equal(batches.length, 11);
      assert.equal(batches[10]?.baseOffset, 40);
      await reopened.truncate(0);
      assert.equal(reopened.logEndOffset, 0);
      assert.equal(reopened.segmentCount, 1);
      await reopened.close();
    });

    test('deleteRecordsBefore moves logStartOffset, deletes covered segments and survives reopen', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { segmentBytesMax: 2048 });
      for (let i = 0; i < 20; i++) await log.append(batchOf(2, 300));
      const segmentsBefore = log.segmentCount;
      assert.equal(await log.deleteRecordsBefore(15), 15);
      assert.equal(log.logStartOffset, 15);
      assert.ok(log.segmentCount < segmentsBefore, 'segments wholly below 15 are gone');
      await rejectsWith(log.read(14, 100), 'WHARF_ERR_OFFSET_OUT_OF_RANGE');
      const first = splitBatches((await log.read(15, 1)).bytes)[0];
      assert.equal(first?.baseOffset, 14, 'the batch containing logStartOffset is returned whole');
      assert.equal(await log.deleteRecordsBefore(3), 15, 'moving back is a no-op');
      await rejectsWith(log.deleteRecordsBefore(41), 'WHARF_ERR_OFFSET_OUT_OF_RANGE');
      await log.close();
      const reopened = await open(env, { segmentBytesMax: 2048 });
      assert.equal(reopened.logStartOffset, 15);
      assert.equal(reopened.logEndOffset, 40);
      await reopened.close();
    });

    test('retention deletes old sealed segments by time and by size, never the active one', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { segmentBytesMax: 1024, retentionMs: 1000, retentionBytes: -1 });
      for (let i = 0; i < 12; i++) await log.append(batchOf(1, 400, 10_000 + i * 100)); // 2 batches per segment
      assert.equal(log.segmentCount, 6);
      assert.deepEqual(await log.applyRetention(10_000 + 900), { deletedSegments: 0, deletedBytes: 0 });
      const deleted = await log.applyRetention(10_000 + 1000 + 301); // segments whose newest batch is older than 1000 ms
      assert.equal(deleted.deletedSegments, 2);
      assert.equal(log.logStartOffset, 4);
      assert.deepEqual(await log.applyRetention(1e12), { deletedSegments: 5 - 2 + 0, deletedBytes: deleted.deletedBytes / 2 * 3 });
      assert.equal(log.segmentCount, 1, 'the active segment stays');
      await log.close();
    });

    test('retention by bytes keeps at least retentionBytes', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { segmentBytesMax: 1024, retentionMs: -1, retentionBytes: 2500 });
      for (let i = 0; i < 12; i++) await log.append(batchOf(1, 400));
      const result = await log.applyRetention(0);
      assert.ok(result.deletedSegments > 0);
      assert.ok(log.sizeBytes >= 2500, `kept ${log.sizeBytes} bytes`);
      assert.ok(log.sizeBytes - 1024 < 2500, 'and not a whole segment more');
      await log.close();
    });

    test('offsetForTimestamp finds the first batch whose max timestamp reaches the target', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env, { segmentBytesMax: 1024, indexIntervalBytes: 100 });
      const timestamps = [100, 200, 150, 300, 300, 400, 500, 450, 600, 700];
      for (const ts of timestamps) await log.append(batchOf(2, 200, ts));
      const cases: Array<[number, number | null]> = [[0, 0], [100, 0], [101, 2], [200, 2], [201, 6], [300, 6], [400, 10], [450, 12], [500, 12], [501, 16], [700, 18], [701, null]];
      for (const [ts, offset] of cases) {
        const found = await log.offsetForTimestamp(ts);
        assert.equal(found === null ? null : found.offset, offset, `timestamp ${ts}`);
      }
      assert.equal((await log.offsetForTimestamp(250))?.timestampMs, 300);
      await log.deleteRecordsBefore(5);
      assert.equal((await log.offsetForTimestamp(0))?.offset, 5, 'never before logStartOffset');
      await log.close();
    });

    test('the high watermark is watched, and a closed log refuses work', async (t) => {
      const env = await makeEnv(t);
      const log = await open(env);
      const seen: number[] = [];
      const stop = log.watch((hw) => seen.push(hw));
      await log.append(batchOf(3, 10));
      await log.append(batchOf(2, 10));
      stop();
      await log.append(batchOf(1, 10));
      assert.deepEqual(seen, [3, 5]);
      await log.close();
      await log.close(); // idempotent
      await rejectsWith(log.append(batchOf(1, 10)), 'WHARF_ERR_LOG_CLOSED');
      await rejectsWith(log.read(0, 100), 'WHARF_ERR_LOG_CLOSED');
    });

    test('policies never and interval acknowledge after the write; flush() syncs', async (t) => {
      for (const flushPolicy of [{ kind: 'never' } as const, { kind: 'interval', intervalMs: 3_600_000 } as const]) {
        const env = await makeEnv(t);
        const log = await open(env, { flushPolicy });
        await log.append(batchOf(2, 10));
        assert.equal(log.highWatermark, 2, flushPolicy.kind);
        await log.flush();
        await log.close();
      }
    });
  });
}
