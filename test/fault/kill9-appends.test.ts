// kill -9 in the middle of group-committed appends, many rounds on the same directory.
//
// Each round starts append-child.js on the log directory (flush policy `always`, several
// concurrent appenders, small segments so rolls happen), waits for its first acknowledgements,
// kills it with SIGKILL after a seeded random delay, then reopens the log here, so recovery runs,
// and checks:
//   - every batch ever acknowledged is at its acknowledged offsets, byte for byte as produced
//     (only baseOffset is the log's own), in this round and all earlier ones;
//   - reading from logStartOffset to logEndOffset yields only whole batches that pass their
//     checks and whose offsets are contiguous: no torn or foreign bytes are visible;
//   - the next child sees the log end where this process saw it.
// The next round appends to the recovered log, so recovery also runs on already-recovered logs.
//
// WHARF_CRASH_ROUNDS sets the number of rounds (default 20); WHARF_CRASH_SEED replays a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog, type RecoveryReport } from '../../src/log/partition-log.js';
import { checkBatchAt, describeBatchCheck } from '../../src/records/batch-check.js';
import { batchBaseOffset, batchLastOffsetDelta, batchStoredCrc, setBatchBaseOffset } from '../../src/records/batch-header.js';
import { ROUND_BATCH_IDS, batchIdAt, buildBatch, seededRandom } from './crash-batches.js';

const ROUNDS = envInt('WHARF_CRASH_ROUNDS', 20);
const SEED = envInt('WHARF_CRASH_SEED', Math.floor(Math.random() * 0x7fff_ffff));
const CHILD_SCRIPT = join(import.meta.dirname, 'append-child.js');
const APPENDERS = 6;
/** Small segments so that a round rolls a few of them and recovery crosses segment files. */
const SEGMENT_BYTES_MAX = 256 * 1024;
/** Upper bound of the kill delay after the first acknowledgement. */
const KILL_DELAY_MS_MAX = 150;
/** Share of rounds whose kill counts from the spawn instead, and its upper bound. */
const SPAWN_KILL_SHARE = 0.15;
const SPAWN_KILL_DELAY_MS_MAX = 400;
/** Share of rounds not verified here: the next child recovers the crashed log itself. */
const CHAINED_CRASH_SHARE = 0.25;
/** A child that is never killed stops after this many batches (it bounds the log's size). */
const BATCHES_PER_ROUND_MAX = 4000;
const READ_BYTES_MAX = 1024 * 1024;
const CHILD_TIMEOUT_MS = 20_000;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

interface Placement {
  baseOffset: number;
  lastOffset: number;
}

interface KnownBatch extends Placement {
  totalBytes: number;
  crc: number;
}

interface ChildRun {
  acks: Map<number, Placement>;
  readyLogEndOffset: number;
  ending: string;
}

function openLog(dir: string): Promise<PartitionLog> {
  return PartitionLog.open(dir, { segmentBytesMax: SEGMENT_BYTES_MAX, retentionMs: -1, flushPolicy: { kind: 'always' } });
}

/**
 * When a round kills its child: `first-ack` rounds wait for the first acknowledgement (the child
 * is appending), `spawn` rounds count from the spawn, so some kills land during Node's start,
 * the log's recovery or the first group commits.
 */
type KillMode = 'first-ack' | 'spawn';

/** Runs one child until it is killed `killDelayMs` after `mode` (or stops by itself). */
function runChild(dir: string, round: number, mode: KillMode, killDelayMs: number): Promise<ChildRun> {
  const args = [CHILD_SCRIPT, dir, String(round * ROUND_BATCH_IDS), String(BATCHES_PER_ROUND_MAX), String(APPENDERS), String(SEGMENT_BYTES_MAX)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks = new Map<number, Placement>();
  let readyLogEndOffset = -1;
  let pending = '';
  let stderr = '';
  let killTimer: NodeJS.Timeout | undefined;
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  if (mode === 'spawn') killTimer = setTimeout(kill, killDelayMs);
  const guard = setTimeout(kill, CHILD_TIMEOUT_MS);

  const onLine = (line: string): void => {
    const parts = line.split(' ');
    if (parts[0] === 'ready') {
      readyLogEndOffset = Number(parts[2]);
    } else if (parts[0] === 'ack') {
      acks.set(Number(parts[1]), { baseOffset: Number(parts[2]), lastOffset: Number(parts[3]) });
      killTimer ??= setTimeout(kill, killDelayMs);
    } else {
      throw new Error(`unexpected line from append-child: ${line}`);
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // 'close' comes after 'exit' once stdout is drained, so every ack written before the kill is in.
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (killTimer !== undefined) clearTimeout(killTimer);
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`append-child exited with ${code ?? signal}: ${stderr}`));
        return;
      }
      if (readyLogEndOffset < 0 && mode === 'first-ack') {
        reject(new Error(`append-child was killed before it opened the log: ${stderr}`));
        return;
      }
      const ending = signal !== 'SIGKILL' ? 'finished' : readyLogEndOffset < 0 ? 'killed before the log was open' : 'killed';
      resolve({ acks, readyLogEndOffset, ending });
    });
  });
}

/** The produced bytes of batch `id` placed at `baseOffset`, as the log must return them. */
function expectedBytes(id: number, baseOffset: number): Buffer {
  const bytes = buildBatch(id);
  setBatchBaseOffset(bytes, 0, baseOffset);
  return bytes;
}

/**
 * Reads the whole log and checks every batch. Batches verified byte for byte in an earlier round
 * are compared by placement, size and CRC (checkBatchAt has verified the CRC against the bytes).
 */
async function verifyLog(log: PartitionLog, known: Map<number, KnownBatch>): Promise<{ batches: number; newBatches: number }> {
  const seen = new Set<number>();
  let offset = log.logStartOffset;
  let newBatches = 0;
  assert.equal(offset, 0, 'nothing is deleted by retention in this test');
  while (offset < log.logEndOffset) {
    const { bytes } = await log.read(offset, READ_BYTES_MAX);
    assert.ok(bytes.length > 0, `read(${offset}) returned no bytes below logEndOffset ${log.logEndOffset}`);
    let pos = 0;
    while (pos < bytes.length) {
      const total = checkBatchAt(bytes, pos, bytes.length, READ_BYTES_MAX);
      assert.ok(total > 0, `batch at offset ${offset} fails its check: ${describeBatchCheck(total)}`);
      const baseOffset = batchBaseOffset(bytes, pos);
      const lastOffset = baseOffset + batchLastOffsetDelta(bytes, pos);
      assert.equal(baseOffset, offset, 'offsets are contiguous');
      const id = batchIdAt(bytes, pos);
      assert.ok(!seen.has(id), `batch ${id} appears twice`);
      seen.add(id);
      const crc = batchStoredCrc(bytes, pos);
      const before = known.get(id);
      if (before === undefined) {
        const expected = expectedBytes(id, baseOffset);
        const stored = bytes.subarray(pos, pos + total);
        assert.ok(stored.equals(expected), `batch ${id} at offset ${baseOffset} differs from what was produced`);
        known.set(id, { baseOffset, lastOffset, totalBytes: total, crc });
        newBatches++;
      } else {
        assert.deepEqual({ baseOffset, lastOffset, totalBytes: total, crc }, before, `batch ${id} changed since it was verified`);
      }
      offset = lastOffset + 1;
      pos += total;
    }
  }
  assert.equal(offset, log.logEndOffset, 'the last batch ends at logEndOffset');
  assert.equal(log.highWatermark, log.logEndOffset, 'everything recovered is readable');
  for (const id of known.keys()) {
    if (!seen.has(id)) known.delete(id); // unacknowledged batches may go; acknowledged ones are checked by the caller
  }
  return { batches: seen.size, newBatches };
}

function describeRecovery(report: RecoveryReport): string {
  if (report.truncations.length === 0) return `nothing truncated (${report.bytesScanned} B scanned)`;
  return report.truncations.map((c) => `cut ${c.bytesTruncated} B at offset ${c.offset} (${c.reason})`).join('; ');
}

test(`kill -9 during group-committed appends loses no acknowledged batch (${ROUNDS} rounds)`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-kill9-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  t.diagnostic(`seed ${SEED} (replay with WHARF_CRASH_SEED=${SEED} WHARF_CRASH_ROUNDS=${ROUNDS})`);
  const random = seededRandom(SEED);
  const acked = new Map<number, Placement>();
  const known = new Map<number, KnownBatch>();
  /** logEndOffset seen by the last verification, or -1 when the last child was not followed by one. */
  let verifiedEnd = 0;
  let ackedEnd = 0;
  const totals = { kills: 0, acks: 0, verifications: 0, truncations: 0, bytesTruncated: 0 };
  const started = Date.now();

  for (let round = 0; round < ROUNDS; round++) {
    const mode: KillMode = random() < SPAWN_KILL_SHARE ? 'spawn' : 'first-ack';
    const killDelayMs = Math.floor(random() * ((mode === 'spawn' ? SPAWN_KILL_DELAY_MS_MAX : KILL_DELAY_MS_MAX) + 1));
    // Some rounds leave the crashed log to the next child, which recovers it and appends on top.
    const verify = round === ROUNDS - 1 || random() >= CHAINED_CRASH_SHARE;
    const where = `seed ${SEED}, round ${round}, kill ${killDelayMs} ms after ${mode}`;
    const run = await runChild(dir, round, mode, killDelayMs);
    if (run.ending === 'killed') totals.kills++;
    if (run.readyLogEndOffset >= 0) {
      if (verifiedEnd >= 0) assert.equal(run.readyLogEndOffset, verifiedEnd, `${where}: the child opened the log at the end this process saw`);
      else assert.ok(run.readyLogEndOffset >= ackedEnd, `${where}: the child opened the log below an acknowledged offset`);
    }
    for (const [id, placement] of run.acks) {
      acked.set(id, placement);
      ackedEnd = Math.max(ackedEnd, placement.lastOffset + 1);
    }
    totals.acks += run.acks.size;
    if (!verify) {
      if (run.readyLogEndOffset >= 0) verifiedEnd = -1;
      t.diagnostic(`round ${round}: ${run.ending} after ${killDelayMs} ms (${mode}), ${run.acks.size} acks; left for the next child to recover`);
      continue;
    }

    const log = await openLog(dir);
    try {
      const { batches, newBatches } = await verifyLog(log, known).catch((err: unknown) => {
        throw new Error(`${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      });
      for (const [id, placement] of acked) {
        const stored = known.get(id);
        assert.ok(stored !== undefined, `${where}: acknowledged batch ${id} at offset ${placement.baseOffset} is lost`);
        assert.deepEqual({ baseOffset: stored.baseOffset, lastOffset: stored.lastOffset }, placement, `${where}: batch ${id} moved`);
      }
      verifiedEnd = log.logEndOffset;
      totals.verifications++;
      totals.truncations += log.recovery.truncations.length;
      totals.bytesTruncated += log.recovery.bytesTruncated;
      t.diagnostic(
        `round ${round}: ${run.ending} after ${killDelayMs} ms (${mode}), ${run.acks.size} acks; ` +
          `log ${batches} batches / ${verifiedEnd} records (${newBatches} new since the last check); recovery: ${describeRecovery(log.recovery)}`,
      );
    } finally {
      await log.close();
    }
  }
  t.diagnostic(
    `${ROUNDS} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s: ${totals.kills} kills, ${totals.acks} acknowledged batches all found, ` +
      `${totals.verifications} verifications, ${totals.truncations} tail truncations (${totals.bytesTruncated} B)`,
  );
  assert.ok(acked.size > 0, 'the children acknowledged appends');
});
