import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import type { RecoveryReport } from '../../../src/log/recovery.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { CountingFileIO } from './support/counting-file-io.js';
import { openLog, readEverything } from './support/log-fixtures.js';

const DIR = '/data/p';
const CONFIG = { segmentBytesMax: 4096, indexIntervalBytes: 256 };
const seg = (base: number, suffix: string): string => `${DIR}/${String(base).padStart(20, '0')}${suffix}`;

/** A log of `count` 2-record batches (about 3 per segment), all acknowledged; returns their bytes. */
async function filledLog(io: MemoryFileIO | CountingFileIO, count: number): Promise<{ log: PartitionLog; sent: Buffer[] }> {
  const log = await openLog(io, DIR, { config: CONFIG });
  const sent: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const batch = makeBatch({ records: 2, valueBytes: 600, timestampMs: 1_000_000 + i });
    await log.append(batch);
    sent.push(batch);
  }
  return { log, sent };
}

async function reopen(io: MemoryFileIO | CountingFileIO): Promise<{ log: PartitionLog; report: RecoveryReport }> {
  let report: RecoveryReport | undefined;
  const log = await openLog(io, DIR, { config: CONFIG, onRecovery: (r) => (report = r) });
  assert.ok(report !== undefined);
  assert.equal(report, log.recovery);
  return { log, report };
}

test('an empty directory becomes a new log', async () => {
  const { log, report } = await reopen(new MemoryFileIO());
  assert.equal(report.reason, 'new log');
  assert.equal(report.segmentsLoaded, 1);
  assert.equal(log.logEndOffset, 0);
});

test('a torn tail cut in the middle of a batch is truncated and reported; acknowledged batches survive', async () => {
  const io = new MemoryFileIO();
  const { log, sent } = await filledLog(io, 10);
  const active = seg(log.segmentBaseOffsets.at(-1) as number, '.log');
  const activeBefore = io.peek(active) as Buffer;
  io.crash();
  const extra = makeBatch({ records: 2, valueBytes: 600 });
  io.poke(active, Buffer.concat([activeBefore, extra.subarray(0, 100)]));
  const { log: recovered, report } = await reopen(io);
  assert.equal(report.cleanShutdown, false);
  assert.equal(report.truncations.length, 1);
  assert.deepEqual(report.truncations[0], {
    segmentBaseOffset: log.segmentBaseOffsets.at(-1), offset: 20, position: activeBefore.length, bytesTruncated: 100, reason: 'truncated batch',
  });
  assert.equal(report.bytesTruncated, 100);
  assert.deepEqual((await readEverything(recovered)).map((b) => b.bytes), sent);
  assert.deepEqual(await recovered.append(makeBatch({ records: 1, valueBytes: 1 })), { baseOffset: 20, lastOffset: 20 });
  assert.equal((await readEverything(recovered)).length, 11);
});

test('a flipped byte in the last batch fails its CRC: that batch is cut and reported', async () => {
  const io = new MemoryFileIO();
  const { log, sent } = await filledLog(io, 10);
  const active = seg(log.segmentBaseOffsets.at(-1) as number, '.log');
  const bytes = io.peek(active) as Buffer;
  const lastLength = (sent[9] as Buffer).length;
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0x01, bytes.length - 10);
  io.poke(active, bytes);
  io.crash();
  const { log: recovered, report } = await reopen(io);
  assert.equal(report.truncations[0]?.reason, 'CRC32C mismatch');
  assert.equal(report.truncations[0]?.offset, 18);
  assert.equal(report.bytesTruncated, lastLength);
  assert.equal(recovered.logEndOffset, 18);
  assert.deepEqual((await readEverything(recovered)).map((b) => b.bytes), sent.slice(0, 9));
});

test('after a crash with unsynced writes, whatever survives is whole batches (policy never, torn writes)', async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const io = new MemoryFileIO({ seed });
    const log = await openLog(io, DIR, { config: { ...CONFIG, flushPolicy: { kind: 'never' } } });
    const sent: Buffer[] = [];
    for (let i = 0; i < 4; i++) {
      const batch = makeBatch({ records: 1 + i, valueBytes: 300 });
      sent.push(batch);
      await log.append(batch);
    }
    io.crash({ unsynced: 'random-prefix' });
    const { log: recovered } = await reopen(io);
    const got = (await readEverything(recovered)).map((b) => b.bytes);
    assert.deepEqual(got, sent.slice(0, got.length), `seed ${seed}`);
  }
});

test('sealed segments with intact indexes are not re-read, after a crash or a clean close', async () => {
  const inner = new MemoryFileIO();
  const io = new CountingFileIO(inner);
  const { log } = await filledLog(io, 20);
  const bases = log.segmentBaseOffsets;
  assert.ok(bases.length >= 5);
  const activeLog = seg(bases.at(-1) as number, '.log');
  for (const clean of [false, true]) {
    if (clean) await (await reopen(io)).log.close();
    else inner.crash();
    io.reset();
    const { report } = await reopen(io);
    assert.equal(report.cleanShutdown, clean);
    for (const base of bases.slice(0, -1)) assert.equal(io.count('read', seg(base, '.log')), 0, `segment ${base} (clean=${clean})`);
    assert.ok(io.count('read', activeLog) > 0);
    assert.equal(report.segmentsScanned, 1);
    inner.crash();
  }
});

test('after a clean close only the batches after the last index entry are checked', async () => {
  const io = new MemoryFileIO();
  const { log } = await filledLog(io, 20);
  await log.close();
  const { report, log: reopened } = await reopen(io);
  assert.match(report.reason, /^clean shutdown/);
  const activeSize = (io.peek(seg(reopened.segmentBaseOffsets.at(-1) as number, '.log')) as Buffer).length;
  assert.ok(report.bytesScanned < activeSize || activeSize <= CONFIG.indexIntervalBytes, `${report.bytesScanned} of ${activeSize}`);
  assert.equal(reopened.logEndOffset, 40);
  assert.equal(await io.exists(`${DIR}/clean-shutdown`), false, 'the marker is removed before appends');
});

for (const [damage, apply] of [
  ['is missing', (io: MemoryFileIO, path: string) => void io.unlink(path)],
  ['holds garbage', (io: MemoryFileIO, path: string) => io.poke(path, Buffer.from('not an index at all'))],
  ['is longer than its valid entries', (io: MemoryFileIO, path: string) => io.poke(path, Buffer.concat([io.peek(path) as Buffer, Buffer.alloc(64)]))],
] as const) {
  test(`a sealed segment whose offset index ${damage} is scanned and its indexes rebuilt`, async () => {
    const io = new MemoryFileIO();
    const { log, sent } = await filledLog(io, 20);
    await log.close();
    const base = log.segmentBaseOffsets[1] as number;
    apply(io, seg(base, '.index'));
    await new Promise((r) => setImmediate(r));
    const counting = new CountingFileIO(io);
    const { log: recovered, report } = await reopen(counting);
    assert.equal(report.indexesRebuilt, 1);
    assert.equal(report.truncations.length, 0);
    assert.ok(counting.count('read', seg(base, '.log')) > 0, 'the damaged segment was read');
    assert.equal(counting.count('read', seg(log.segmentBaseOffsets[0] as number, '.log')), 0, 'its neighbour was not');
    assert.ok((io.peek(seg(base, '.index')) as Buffer).length % 8 === 0);
    assert.deepEqual((await readEverything(recovered, 700)).map((b) => b.bytes), sent);
    await recovered.close();
    const again = await reopen(io);
    assert.equal(again.report.indexesRebuilt, 0, 'the rebuilt index is trusted next time');
  });
}

test('a corrupt batch inside a sealed segment whose index is gone cuts the log there and drops later segments', async () => {
  const io = new MemoryFileIO();
  const { log, sent } = await filledLog(io, 20);
  await log.close();
  const bases = log.segmentBaseOffsets;
  const victim = seg(bases[1] as number, '.log');
  const bytes = io.peek(victim) as Buffer;
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  io.poke(victim, bytes);
  await io.unlink(seg(bases[1] as number, '.index'));
  const { log: recovered, report } = await reopen(io);
  assert.equal(report.truncations[0]?.reason, 'CRC32C mismatch');
  assert.equal(recovered.segmentCount, 2);
  assert.ok(report.removedFiles.includes(seg(bases[2] as number, '.log')));
  const got = (await readEverything(recovered)).map((b) => b.bytes);
  assert.deepEqual(got, sent.slice(0, got.length));
  assert.equal(recovered.logEndOffset, got.length * 2);
});

test('leftovers are cleaned: temporary files, orphan indexes, empty sealed segments', async () => {
  const io = new MemoryFileIO();
  const { log, sent } = await filledLog(io, 10);
  await log.close();
  const bases = log.segmentBaseOffsets;
  await io.writeFileDurable(`${DIR}/partition.meta.tmp`, Buffer.from('half'));
  await io.writeFileDurable(seg(99_999, '.index'), Buffer.alloc(8));
  await io.writeFileDurable(seg((bases[1] as number) - 1, '.log'), Buffer.alloc(0)); // empty, between two segments
  const { log: recovered, report } = await reopen(io);
  assert.deepEqual(
    [...report.removedFiles].sort(),
    [`${DIR}/partition.meta.tmp`, seg(99_999, '.index'), seg((bases[1] as number) - 1, '.log')].sort(),
  );
  assert.deepEqual(recovered.segmentBaseOffsets, bases);
  assert.deepEqual((await readEverything(recovered)).map((b) => b.bytes), sent);
});

test('an empty active segment left by a roll is kept as the active segment', async () => {
  const io = new MemoryFileIO();
  const { log } = await filledLog(io, 4);
  await log.roll();
  const bases = log.segmentBaseOffsets;
  io.crash();
  const { log: recovered } = await reopen(io);
  assert.deepEqual(recovered.segmentBaseOffsets, bases);
  assert.equal(recovered.logEndOffset, 8);
  assert.deepEqual(await recovered.append(makeBatch({ records: 1, valueBytes: 1 })), { baseOffset: 8, lastOffset: 8 });
});

test('a directory written by a newer format is refused with WHARF_ERR_LOG_FORMAT', async () => {
  const io = new MemoryFileIO();
  await io.mkdirp(DIR);
  await io.writeFileDurable(`${DIR}/partition.meta`, Buffer.from('magic=wharf-partition-log\nformatVersion=99\n'));
  await assert.rejects(openLog(io, DIR), (err: unknown) => isWharfError(err, 'WHARF_ERR_LOG_FORMAT') && /format 99/.test((err as Error).message));
});

test('a damaged log-start-offset file is ignored and reported', async () => {
  const io = new MemoryFileIO();
  const { log } = await filledLog(io, 4);
  await log.deleteRecordsBefore(3);
  await log.close();
  io.poke(`${DIR}/log-start-offset`, Buffer.from('x'));
  const { log: recovered, report } = await reopen(io);
  assert.equal(recovered.logStartOffset, 0);
  assert.ok(report.removedFiles.includes(`${DIR}/log-start-offset`));
});
