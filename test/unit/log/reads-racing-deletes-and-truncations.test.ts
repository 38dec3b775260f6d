import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { openLog, splitBatches } from './support/log-fixtures.js';

const outOfRange = (err: unknown): boolean => isWharfError(err, 'WHARF_ERR_OFFSET_OUT_OF_RANGE');

test('a read racing retention returns its batch or OFFSET_OUT_OF_RANGE, never a disk error', async () => {
  for (let delayTurns = 0; delayTurns < 6; delayTurns++) {
    const log = await openLog(new MemoryFileIO(), '/data/p', { config: { segmentBytesMax: 1024, retentionBytes: 0, retentionMs: -1 } });
    for (let i = 0; i < 6; i++) await log.append(makeBatch({ records: 1, valueBytes: 400 }));
    const read = log.read(0, 100).then((r) => splitBatches(r.bytes)[0]?.baseOffset, (err: unknown) => (outOfRange(err) ? 'out of range' : err));
    for (let i = 0; i < delayTurns; i++) await new Promise((r) => setImmediate(r));
    await log.applyRetention(0);
    const outcome = await read;
    assert.ok(outcome === 0 || outcome === 'out of range', `turns ${delayTurns}: ${String(outcome)}`);
    await log.close();
  }
});

test('a read racing a truncation returns the log before it or after it, never a mix or stray bytes', async () => {
  for (let delayTurns = 0; delayTurns < 6; delayTurns++) {
    const log = await openLog(new MemoryFileIO(), '/data/p');
    for (let i = 0; i < 6; i++) await log.append(makeBatch({ records: 1, valueBytes: 400 }));
    const read = log.read(2, 1 << 20).then((r) => ({ offsets: splitBatches(r.bytes).map((b) => b.baseOffset), highWatermark: r.highWatermark }));
    for (let i = 0; i < delayTurns; i++) await new Promise((r) => setImmediate(r));
    await log.truncate(4);
    await log.append(makeBatch({ records: 1, valueBytes: 10 }));
    const { offsets, highWatermark } = await read;
    const before = highWatermark === 6 && offsets.join() === '2,3,4,5';
    const after = highWatermark >= 4 && offsets.join() === (highWatermark === 4 ? '2,3' : '2,3,4');
    assert.ok(before || after, `turns ${delayTurns}: ${offsets.join()} below ${highWatermark}`);
    await log.close();
  }
});
