import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultyFileIO, type FaultOperation } from '../../../src/log/faulty-file-io.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { openLog, readEverything } from './support/log-fixtures.js';

const DIR = '/data/p';
const isLogIo = (err: unknown): boolean => isWharfError(err, 'WHARF_ERR_LOG_IO');

interface Outcome {
  acknowledged: Buffer[];
  rejected: number;
}

/** Appends `count` batches at once and sorts them into acknowledged and rejected. */
async function appendAll(log: PartitionLog, count: number): Promise<Outcome> {
  const batches = Array.from({ length: count }, (_, i) => makeBatch({ records: 1 + (i % 2), valueBytes: 200, timestampMs: 5000 + i }));
  const results = await Promise.allSettled(batches.map((b) => log.append(b)));
  const outcome: Outcome = { acknowledged: [], rejected: 0 };
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') outcome.acknowledged.push(batches[i] as Buffer);
    else {
      assert.ok(isLogIo(r.reason), String(r.reason));
      outcome.rejected++;
    }
  });
  return outcome;
}

for (const [operation, code] of [['writev', 'EIO'], ['writev', 'ENOSPC'], ['datasync', 'EIO']] as Array<[FaultOperation, string]>) {
  test(`${code} on ${operation}: pending appends fail, the log refuses appends, acknowledged data survives reopen`, async () => {
    const memory = new MemoryFileIO();
    const faulty = new FaultyFileIO(memory);
    const log = await openLog(faulty, DIR);
    const before = await appendAll(log, 5);
    assert.equal(before.rejected, 0);
    faulty.inject({ operation, code, pathIncludes: '.log' });
    const during = await appendAll(log, 8);
    assert.equal(during.acknowledged.length, 0, 'nothing is acknowledged after the fault');
    assert.equal(during.rejected, 8);
    assert.equal(log.highWatermark, 7, 'the high watermark stays at what was durable (5 batches, 7 records)');
    assert.ok(log.failure !== null);
    assert.match(log.failure.message, new RegExp(code));
    faulty.clear();
    await assert.rejects(log.append(makeBatch({ records: 1, valueBytes: 1 })), isLogIo, 'still refused once the disk recovers');
    await assert.rejects(log.roll(), isLogIo);
    assert.deepEqual((await readEverything(log)).map((b) => b.bytes), before.acknowledged, 'durable data is still readable');
    await log.close();
    assert.equal(await memory.exists(`${DIR}/clean-shutdown`), false, 'a failed log does not claim a clean shutdown');
    memory.crash({ unsynced: 'random-prefix' });
    const reopened = await openLog(memory, DIR);
    const got = (await readEverything(reopened)).map((b) => b.bytes);
    assert.deepEqual(got.slice(0, 5), before.acknowledged);
    assert.ok(got.length <= 13);
    await reopened.append(makeBatch({ records: 1, valueBytes: 1 }));
    await reopened.close();
  });
}

test('a fault while rolling to a new segment fails the appends that needed it', async () => {
  const memory = new MemoryFileIO();
  const faulty = new FaultyFileIO(memory);
  const log = await openLog(faulty, DIR, { config: { segmentBytesMax: 2048 } });
  const first = await appendAll(log, 4);
  assert.equal(first.rejected, 0);
  faulty.inject({ operation: 'open', code: 'ENOSPC', pathIncludes: '.log' });
  faulty.inject({ operation: 'fsyncDir', code: 'ENOSPC' });
  const more = await appendAll(log, 20);
  assert.ok(more.rejected > 0);
  assert.equal(log.highWatermark, [...first.acknowledged, ...more.acknowledged].reduce((n, b) => n + b.readInt32BE(23) + 1, 0));
  memory.crash();
  const reopened = await openLog(memory, DIR, { config: { segmentBytesMax: 2048 } });
  const got = (await readEverything(reopened)).map((b) => b.bytes);
  assert.deepEqual(got.slice(0, first.acknowledged.length + more.acknowledged.length), [...first.acknowledged, ...more.acknowledged]);
});

test('an fdatasync failure of the interval timer puts the log in the failed state', async () => {
  const faulty = new FaultyFileIO(new MemoryFileIO());
  const log = await openLog(faulty, DIR, { config: { flushPolicy: { kind: 'interval', intervalMs: 1 } } });
  faulty.inject({ operation: 'datasync', code: 'EIO' });
  await log.append(makeBatch({ records: 1, valueBytes: 1 }));
  // Waits for the timer's event; bounded so a broken timer fails instead of hanging.
  for (let i = 0; i < 10_000 && log.failure === null; i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(log.failure !== null);
  await assert.rejects(log.append(makeBatch({ records: 1, valueBytes: 1 })), isLogIo);
  await log.close();
});

test('a read error fails that read but not the log', async () => {
  const faulty = new FaultyFileIO(new MemoryFileIO());
  const log = await openLog(faulty, DIR);
  await log.append(makeBatch({ records: 1, valueBytes: 1 }));
  faulty.inject({ operation: 'read', code: 'EIO', times: 1 });
  await assert.rejects(log.read(0, 100), isLogIo);
  assert.equal(log.failure, null);
  assert.equal((await log.read(0, 100)).bytes.length > 0, true);
  await log.append(makeBatch({ records: 1, valueBytes: 1 }));
  await log.close();
});
