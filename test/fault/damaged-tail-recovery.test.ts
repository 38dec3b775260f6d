// Damage done to a closed log's files on the real disk (NodeFileIO), then a reopen: the damaged
// batch and everything after it is truncated, the recovery report says where and how much, the
// batches before it read back byte for byte, and appends continue at the cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PartitionLog } from '../../src/log/partition-log.js';
import { CLEAN_SHUTDOWN_FILE, LOG_SUFFIX } from '../../src/log/layout.js';
import {
  ATTRIBUTES_POS,
  BATCH_LENGTH_POS,
  CRC_POS,
  MAGIC_POS,
  RECORDS_COUNT_POS,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchTotalBytes,
} from '../../src/records/batch-header.js';
import { buildBatch } from './crash-batches.js';

/** Small segments so the log has sealed segments before the damaged active one. */
const SEGMENT_BYTES_MAX = 32 * 1024;
const BATCHES = 30;
const CONFIG = { segmentBytesMax: SEGMENT_BYTES_MAX, retentionMs: -1, flushPolicy: { kind: 'always' } } as const;

interface Written {
  dir: string;
  /** Each batch as stored (base offset patched), in offset order. */
  batches: Buffer[];
  logEndOffset: number;
}

/** A log of BATCHES batches, closed cleanly. */
async function writeClosedLog(t: TestContext): Promise<Written> {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-damage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = await PartitionLog.open(dir, CONFIG);
  const batches: Buffer[] = [];
  for (let id = 0; id < BATCHES; id++) {
    const batch = buildBatch(id);
    await log.append(batch);
    batches.push(Buffer.from(batch)); // the log patched its baseOffset in place
  }
  const logEndOffset = log.logEndOffset;
  await log.close();
  return { dir, batches, logEndOffset };
}

interface Tail {
  path: string;
  /** File position of the last batch in the active segment. */
  position: number;
  totalBytes: number;
  baseOffset: number;
  fileBytes: number;
}

/** The active (newest) segment file and its last batch, found by walking the batch lengths. */
function tailOf(dir: string): Tail {
  const logs = readdirSync(dir).filter((n) => n.endsWith(LOG_SUFFIX)).sort();
  const name = logs[logs.length - 1];
  assert.ok(name !== undefined && logs.length > 1, 'the log has sealed segments and an active one');
  const path = join(dir, name);
  const bytes = readFileSync(path);
  let position = 0;
  let last = -1;
  while (position < bytes.length) {
    last = position;
    position += batchTotalBytes(bytes, position);
  }
  assert.equal(position, bytes.length, 'the closed segment holds whole batches');
  assert.ok(last > 0, 'the active segment holds at least two batches');
  return { path, position: last, totalBytes: batchTotalBytes(bytes, last), baseOffset: batchBaseOffset(bytes, last), fileBytes: bytes.length };
}

function flipByte(path: string, position: number): void {
  const bytes = readFileSync(path);
  bytes[position] = (bytes[position] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
}

/** Reads the whole log back and compares it with the first `count` batches written. */
async function assertBatches(log: PartitionLog, written: Buffer[], count: number): Promise<void> {
  const expected = Buffer.concat(written.slice(0, count));
  const parts: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { bytes } = await log.read(offset, 1024 * 1024);
    assert.ok(bytes.length > 0, `read(${offset}) returned nothing`);
    parts.push(bytes);
    let pos = 0;
    while (pos < bytes.length) {
      offset = batchBaseOffset(bytes, pos) + batchLastOffsetDelta(bytes, pos) + 1;
      pos += batchTotalBytes(bytes, pos);
    }
  }
  assert.ok(Buffer.concat(parts).equals(expected), `the log holds exactly the first ${count} batches, byte for byte`);
}

/**
 * Reopens after the damage and checks the cut: at `tail.position` of the active segment, the
 * report naming it, earlier batches intact, and the next append taking the first dropped offset.
 */
async function assertCutAtTail(w: Written, tail: Tail, bytesAfterDamage: number, reason: RegExp): Promise<void> {
  const log = await PartitionLog.open(w.dir, CONFIG);
  try {
    const report = log.recovery;
    assert.equal(report.truncations.length, 1, `one truncation reported: ${JSON.stringify(report)}`);
    const cut = report.truncations[0];
    assert.ok(cut !== undefined);
    assert.equal(cut.offset, tail.baseOffset, 'the first dropped offset is the damaged batch');
    assert.equal(cut.position, tail.position, 'the file is cut where the damaged batch starts');
    assert.equal(cut.bytesTruncated, bytesAfterDamage - tail.position);
    assert.equal(report.bytesTruncated, bytesAfterDamage - tail.position);
    assert.match(cut.reason, reason);
    assert.equal(report.logEndOffset, tail.baseOffset);
    assert.equal(log.logEndOffset, tail.baseOffset);
    assert.equal(log.highWatermark, tail.baseOffset);
    assert.equal(statSync(tail.path).size, tail.position, 'the damaged bytes are gone from the file');
    await assertBatches(log, w.batches, BATCHES - 1);
    const next = await log.append(buildBatch(BATCHES));
    assert.equal(next.baseOffset, tail.baseOffset, 'appends continue at the cut');
  } finally {
    await log.close();
  }
}

/** Byte positions inside a batch worth damaging, with the check that must catch each. */
const FLIPS: ReadonlyArray<{ field: string; at: (totalBytes: number) => number; reason: RegExp }> = [
  { field: 'baseOffset', at: () => 7, reason: /offset discontinuity/ },
  { field: 'batchLength, high byte', at: () => BATCH_LENGTH_POS + 1, reason: /truncated|length/ },
  { field: 'batchLength, low byte', at: () => BATCH_LENGTH_POS + 3, reason: /CRC|truncated|length/ },
  { field: 'magic', at: () => MAGIC_POS, reason: /magic/ },
  { field: 'crc', at: () => CRC_POS + 2, reason: /CRC/ },
  { field: 'attributes', at: () => ATTRIBUTES_POS + 1, reason: /CRC/ },
  { field: 'recordsCount', at: () => RECORDS_COUNT_POS + 3, reason: /CRC|count/ },
  { field: 'a record value', at: (total) => Math.floor(total * 0.6), reason: /CRC/ },
  { field: 'the last byte', at: (total) => total - 1, reason: /CRC/ },
];

for (const flip of FLIPS) {
  test(`one flipped byte in the tail batch (${flip.field}) of a closed log: that batch is truncated and reported`, async (t) => {
    const w = await writeClosedLog(t);
    const tail = tailOf(w.dir);
    flipByte(tail.path, tail.position + flip.at(tail.totalBytes));
    await assertCutAtTail(w, tail, tail.fileBytes, flip.reason);
  });
}

test('a segment cut in the middle of its tail batch: the torn batch is truncated and reported', async (t) => {
  const w = await writeClosedLog(t);
  const tail = tailOf(w.dir);
  const cutAt = tail.position + Math.floor(tail.totalBytes / 2);
  truncateSync(tail.path, cutAt);
  await assertCutAtTail(w, tail, cutAt, /truncated/);
});

test('a segment cut inside the tail batch header: the torn batch is truncated and reported', async (t) => {
  const w = await writeClosedLog(t);
  const tail = tailOf(w.dir);
  const cutAt = tail.position + 20;
  truncateSync(tail.path, cutAt);
  await assertCutAtTail(w, tail, cutAt, /truncated/);
});

test('after a crash, a corrupt batch in the middle of the active segment is truncated with everything after it', async (t) => {
  const w = await writeClosedLog(t);
  // A crash leaves no clean-shutdown marker, so recovery checks every batch of the active segment.
  unlinkSync(join(w.dir, CLEAN_SHUTDOWN_FILE));
  const tail = tailOf(w.dir);
  const bytes = readFileSync(tail.path);
  const positions: number[] = [];
  for (let pos = 0; pos < bytes.length; pos += batchTotalBytes(bytes, pos)) positions.push(pos);
  assert.ok(positions.length >= 3, 'the active segment holds at least three batches');
  const damaged = positions[1] as number;
  const damagedBase = batchBaseOffset(bytes, damaged);
  flipByte(tail.path, damaged + batchTotalBytes(bytes, damaged) - 10);

  const log = await PartitionLog.open(w.dir, CONFIG);
  try {
    const report = log.recovery;
    assert.equal(report.cleanShutdown, false);
    assert.equal(report.truncations.length, 1, JSON.stringify(report));
    assert.deepEqual(
      { offset: report.truncations[0]?.offset, position: report.truncations[0]?.position, bytesTruncated: report.bytesTruncated },
      { offset: damagedBase, position: damaged, bytesTruncated: bytes.length - damaged },
    );
    assert.match(report.truncations[0]?.reason ?? '', /CRC/);
    assert.equal(log.logEndOffset, damagedBase);
    const kept = w.batches.findIndex((b) => batchBaseOffset(b, 0) === damagedBase);
    assert.ok(kept > 0);
    await assertBatches(log, w.batches, kept);
  } finally {
    await log.close();
  }
});

test('a cleanly closed log reopens with nothing truncated', async (t) => {
  const w = await writeClosedLog(t);
  const log = await PartitionLog.open(w.dir, CONFIG);
  try {
    assert.equal(log.recovery.cleanShutdown, true);
    assert.deepEqual(log.recovery.truncations, []);
    assert.equal(log.recovery.bytesTruncated, 0);
    assert.equal(log.logEndOffset, w.logEndOffset);
    await assertBatches(log, w.batches, BATCHES);
  } finally {
    await log.close();
  }
});
