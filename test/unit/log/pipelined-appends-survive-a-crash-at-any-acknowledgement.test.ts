// Seeded fuzz of the write/fdatasync pipeline on MemoryFileIO, with fdatasyncs that take a random
// number of turns: appends started over several turns (so groups are written while earlier ones
// are synced), rolls and flushes queued among them, reads of what is visible, and a power loss at
// a random acknowledgement. Under `always` every append acknowledged up to that instant must be on
// disk after recovery; under every policy what reads return and what survives must match what was
// acknowledged, contiguous and whole. A failure prints its seed; WHARF_FUZZ_SEED=<seed> replays
// it, WHARF_FUZZ_SEEDS=<n> runs more seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FdCache } from '../../../src/log/fd-cache.js';
import type { FileIO } from '../../../src/log/file-io.js';
import { MemoryFileIO, seededRandom } from '../../../src/log/memory-file-io.js';
import { PartitionLog, type FlushPolicy, type PartitionLogConfig } from '../../../src/log/partition-log.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { readEverything, splitBatches, turns } from './support/log-fixtures.js';
import { withWrappedHandles } from '../../helpers/wrapped-file-io.js';

const DIR = '/data/pipeline';
const ROUNDS = 6;
const POLICIES: FlushPolicy[] = [{ kind: 'always' }, { kind: 'always' }, { kind: 'interval', intervalMs: 1 }, { kind: 'never' }];

/**
 * `inner` with fdatasyncs that take a seeded random number of extra turns to complete (their effect
 * is immediate, as MemoryFileIO applies it at the call), so writes complete while a sync is in flight.
 */
function slowSyncs(inner: FileIO, random: () => number): FileIO {
  return withWrappedHandles(inner, (h) => ({
    path: h.path,
    read: (b, o, l, p) => h.read(b, o, l, p),
    writev: (buffers, position) => h.writev(buffers, position),
    datasync: async () => {
      const done = h.datasync();
      done.catch(() => undefined); // reported by the await below
      await turns(Math.floor(random() * 4));
      await done;
    },
    truncate: (n) => h.truncate(n),
    size: () => h.size(),
    close: () => h.close(),
  }));
}

class PipelineFuzz {
  readonly random: () => number;
  readonly memory: MemoryFileIO;
  /** Delays of the fdatasync completions, apart from the fuzz's own choices. */
  readonly syncRandom: () => number;
  readonly config: Partial<PartitionLogConfig>;
  log!: PartitionLog;
  /** baseOffset → bytes of every acknowledged batch still expected in the log. */
  acked = new Map<number, Buffer>();
  crashed = false;
  trace: string[] = [];

  constructor(seed: number) {
    this.random = seededRandom(seed);
    this.memory = new MemoryFileIO({ seed: seed * 31 + 7 });
    this.syncRandom = seededRandom(seed * 17 + 3);
    this.config = {
      segmentBytesMax: 1024 * (1 + this.int(8)),
      indexIntervalBytes: 64 << this.int(4),
      flushPolicy: POLICIES[this.int(POLICIES.length)] as FlushPolicy,
      retentionMs: -1,
      retentionBytes: -1,
    };
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  get always(): boolean {
    return this.config.flushPolicy?.kind === 'always';
  }

  async open(): Promise<void> {
    this.log = await PartitionLog.open(DIR, this.config, { fdCache: new FdCache(slowSyncs(this.memory.process(), this.syncRandom), 8), nowMs: () => 1_700_000_000_000 });
    this.crashed = false;
  }

  crash(): void {
    if (this.crashed) return;
    this.crashed = true;
    this.trace.push('crash');
    this.memory.crash({ unsynced: this.random() < 0.5 ? 'none' : 'random-prefix' });
  }

  append(inflight: Promise<unknown>[], crashAt: { acks: number }): void {
    const log = this.log;
    const batch = makeBatch({ records: 1 + this.int(4), valueBytes: this.int(600), timestampMs: 1_700_000_000_000 + this.int(1000) });
    inflight.push(
      log.append(batch).then(
        (r) => {
          assert.ok(log.highWatermark > r.lastOffset, 'acknowledged below the high watermark');
          this.acked.set(r.baseOffset, Buffer.from(batch));
          if (--crashAt.acks === 0) this.crash();
        },
        () => undefined,
      ),
    );
  }

  /** Whatever a read returns is whole batches that match what was acknowledged. */
  async read(): Promise<void> {
    const log = this.log;
    const hw = log.highWatermark;
    if (hw === log.logStartOffset) return;
    const offset = log.logStartOffset + this.int(hw - log.logStartOffset);
    let bytes: Buffer;
    try {
      ({ bytes } = await log.read(offset, 1 + this.int(4000)));
    } catch (err) {
      if (this.crashed) return;
      throw err;
    }
    for (const b of splitBatches(bytes)) {
      const expected = this.acked.get(b.baseOffset);
      if (expected !== undefined) assert.deepEqual(b.bytes, expected, `read(${offset}) batch at ${b.baseOffset}`);
    }
  }

  async round(): Promise<void> {
    const inflight: Promise<unknown>[] = [];
    const crashAt = { acks: 1 + this.int(40) };
    const steps = 5 + this.int(30);
    for (let s = 0; s < steps && !this.crashed; s++) {
      for (let n = this.int(5); n > 0; n--) this.append(inflight, crashAt);
      const r = this.random();
      const swallow = (): undefined => undefined;
      if (r < 0.08) inflight.push(this.log.roll().catch(swallow));
      else if (r < 0.16) inflight.push(this.log.flush().catch(swallow));
      else if (r < 0.4) inflight.push(this.read());
      const { appendedOffset, writtenOffset, durableOffset } = this.log.offsets;
      assert.ok(durableOffset <= writtenOffset && writtenOffset <= appendedOffset, 'durable ≤ written ≤ appended');
      await turns(this.int(3));
    }
    this.crash();
    await Promise.all(inflight);
    // The dead process's log: closing it stops its interval timer (its disk calls all fail).
    await this.log.close().catch(() => undefined);
    await this.open();
    await this.checkRecovered();
  }

  async checkRecovered(): Promise<void> {
    const got = await readEverything(this.log, 1 + this.int(5000));
    const byOffset = new Map(got.map((b) => [b.baseOffset, b.bytes]));
    for (let i = 1; i < got.length; i++) assert.equal(got[i]?.baseOffset, (got[i - 1]?.lastOffset ?? 0) + 1, 'contiguous');
    for (const [offset, bytes] of this.acked) {
      const found = byOffset.get(offset);
      if (found !== undefined) assert.deepEqual(found, bytes, `batch at ${offset} after recovery`);
      else if (this.always) assert.fail(`acknowledged batch at ${offset} was lost (log end ${this.log.logEndOffset})`);
      else assert.ok(offset >= this.log.logEndOffset, `batch at ${offset} lost from the middle of the log`);
    }
    // What survived is the log now, acknowledged or not.
    this.acked = new Map(got.map((b) => [b.baseOffset, Buffer.from(b.bytes)]));
    assert.equal(this.log.highWatermark, this.log.logEndOffset);
  }
}

async function runSeed(seed: number): Promise<void> {
  const fuzz = new PipelineFuzz(seed);
  try {
    await fuzz.open();
    for (let round = 0; round < ROUNDS; round++) {
      fuzz.trace.push(`round ${round}`);
      await fuzz.round();
    }
    await fuzz.log.close();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const policy = JSON.stringify(fuzz.config.flushPolicy);
    throw new Error(`seed ${seed} (policy ${policy}) failed: ${fuzz.trace.slice(-4).join(' → ')}\n${message}\nreplay: WHARF_FUZZ_SEED=${seed}`, { cause: err });
  }
}

function seeds(): number[] {
  const one = process.env.WHARF_FUZZ_SEED;
  if (one !== undefined && one !== '') return [Number(one)];
  const count = Number(process.env.WHARF_FUZZ_SEEDS ?? '40');
  return Array.from({ length: count }, (_, i) => i + 1);
}

test('pipelined group commits: a crash at any acknowledgement keeps every acknowledged append (always) and never a partial or divergent batch', async () => {
  for (const seed of seeds()) await runSeed(seed);
});
