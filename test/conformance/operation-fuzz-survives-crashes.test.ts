// Seeded operation fuzzing of the partition log on MemoryFileIO (after redpanda's opfuzz and
// TigerBeetle's VOPR): random appends (several in flight), reads, rolls, truncations,
// DeleteRecords, retention, clean reopens and crashes in the middle of group commits, with torn
// unsynced tails. After every crash the log must hold every acknowledged batch byte for byte (for
// policy `always`; for `never`, every batch synced by a roll, truncate, flush or close) and show
// no partial batch. A failure prints its seed; WHARF_FUZZ_SEED=<seed> replays just that one, and
// WHARF_FUZZ_SEEDS=<n> runs more seeds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FdCache } from '../../src/log/fd-cache.js';
import { MemoryFileIO, seededRandom } from '../../src/log/memory-file-io.js';
import { PartitionLog, type PartitionLogConfig } from '../../src/log/partition-log.js';
import { isWharfError } from '../../src/util/wharf-error.js';
import { makeBatch } from '../helpers/make-batch.js';
import { readEverything, splitBatches, turns, type BatchView } from '../unit/log/support/log-fixtures.js';

const DIR = '/data/fuzz';
const OPERATIONS_PER_SEED = 200;

interface Stored {
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

class Fuzz {
  readonly seed: number;
  readonly random: () => number;
  readonly io: MemoryFileIO;
  readonly config: Partial<PartitionLogConfig>;
  log!: PartitionLog;
  /** What the log must hold from logStartOffset on: acknowledged batches, in order. */
  model: Stored[] = [];
  /** model[0..durableCount) is known to be on disk whatever happens. */
  durableCount = 0;
  logStartOffset = 0;
  clockMs = 1_000_000;
  step = 0;
  trace: string[] = [];

  constructor(seed: number) {
    this.seed = seed;
    this.random = seededRandom(seed);
    this.io = new MemoryFileIO({ seed: seed * 7919 + 1 });
    this.config = {
      segmentBytesMax: 1024 + this.int(6) * 1024,
      indexIntervalBytes: 32 << this.int(6),
      flushPolicy: this.random() < 0.75 ? { kind: 'always' } : { kind: 'never' },
      retentionMs: -1,
      retentionBytes: -1,
      segmentMs: 50_000,
    };
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  get endOffset(): number {
    const last = this.model[this.model.length - 1];
    return last === undefined ? this.logStartOffset : last.lastOffset + 1;
  }

  get always(): boolean {
    return this.config.flushPolicy?.kind === 'always';
  }

  async open(): Promise<void> {
    this.log = await PartitionLog.open(DIR, this.config, { fdCache: new FdCache(this.io.process(), 8), nowMs: () => this.clockMs });
  }

  newBatch(): Buffer {
    return makeBatch({ records: 1 + this.int(5), valueBytes: this.int(400), timestampMs: this.clockMs + this.int(100) });
  }

  /** Starts `count` appends; acknowledged ones enter the model in offset order when they resolve. */
  startAppends(count: number): Promise<void>[] {
    const acked: Stored[] = [];
    return Array.from({ length: count }, () => {
      const batch = this.newBatch();
      return this.log.append(batch).then(
        (r) => {
          acked.push({ baseOffset: r.baseOffset, lastOffset: r.lastOffset, bytes: Buffer.from(batch) });
          this.acknowledge(r.baseOffset, r.lastOffset, Buffer.from(batch));
        },
        () => undefined,
      );
    });
  }

  acknowledge(baseOffset: number, lastOffset: number, bytes: Buffer): void {
    assert.equal(baseOffset, this.endOffset, 'acknowledged offsets are contiguous and in order');
    this.model.push({ baseOffset, lastOffset, bytes });
    if (this.always) this.durableCount = this.model.length;
  }

  async append(): Promise<void> {
    this.clockMs += this.int(20_000);
    await Promise.all(this.startAppends(1 + this.int(6)));
    assert.equal(this.log.highWatermark, this.endOffset);
  }

  async read(): Promise<void> {
    const hw = this.log.highWatermark;
    const offset = this.logStartOffset + this.int(hw - this.logStartOffset + 1);
    const maxBytes = 1 + this.int(3000);
    const { bytes, highWatermark } = await this.log.read(offset, maxBytes);
    assert.equal(highWatermark, this.endOffset);
    if (offset === hw) return assert.equal(bytes.length, 0);
    const got = splitBatches(bytes);
    const first = this.model.findIndex((b) => b.lastOffset >= offset);
    assert.ok(got.length >= 1 && (bytes.length <= maxBytes || got.length === 1), 'whole batches within maxBytes, or one');
    got.forEach((b, i) => assert.deepEqual(b.bytes, this.model[first + i]?.bytes, `read(${offset}) batch ${i}`));
  }

  async truncate(): Promise<void> {
    const offset = this.logStartOffset + this.int(this.endOffset - this.logStartOffset + 3);
    await this.log.truncate(offset);
    const keep = this.model.findIndex((b) => b.lastOffset >= offset);
    if (keep >= 0) {
      // The whole batch containing `offset` goes; logStartOffset never passes the new end.
      this.logStartOffset = Math.min(this.logStartOffset, (this.model[keep] as Stored).baseOffset);
      this.model = this.model.slice(0, keep);
      this.durableCount = this.model.length; // the cut segment was synced, the ones before it were sealed
    }
    assert.equal(this.log.logEndOffset, this.endOffset);
    assert.equal(this.log.logStartOffset, this.logStartOffset);
  }

  async deleteRecordsBefore(): Promise<void> {
    const offset = this.logStartOffset + this.int(this.endOffset - this.logStartOffset + 1);
    this.logStartOffset = await this.log.deleteRecordsBefore(offset);
    assert.equal(this.logStartOffset, Math.max(offset, this.logStartOffset));
    this.dropBelowStart();
  }

  async retention(): Promise<void> {
    this.config.retentionBytes = this.int(8000);
    await this.reopen(true); // config is fixed per open
    await this.log.applyRetention(this.clockMs);
    this.logStartOffset = this.log.logStartOffset;
    this.dropBelowStart();
    this.config.retentionBytes = -1;
  }

  dropBelowStart(): void {
    const first = this.model.findIndex((b) => b.lastOffset >= this.logStartOffset);
    const dropped = first < 0 ? this.model.length : first;
    this.model = this.model.slice(dropped);
    this.durableCount = Math.max(0, this.durableCount - dropped);
  }

  async reopen(clean: boolean): Promise<void> {
    if (clean) {
      await this.log.close();
      this.durableCount = this.model.length;
    }
    await this.open();
  }

  /** Appends in flight, a crash after a few turns, then recovery must keep what was durable. */
  async crash(): Promise<void> {
    void this.startAppends(this.int(8));
    await turns(this.int(4));
    this.io.crash({ unsynced: this.random() < 0.7 ? 'random-prefix' : 'none' });
    await turns(2); // let the dead process's callbacks fail
    await this.open();
    await this.checkRecovered();
  }

  async checkRecovered(): Promise<void> {
    const lsoBefore = this.logStartOffset;
    const got: BatchView[] = await readEverything(this.log, 1 + this.int(5000));
    this.logStartOffset = this.log.logStartOffset;
    assert.ok(this.logStartOffset <= Math.max(lsoBefore, this.log.logEndOffset), 'logStartOffset never jumps ahead');
    if (this.logStartOffset < lsoBefore) {
      // DeleteRecords is durable (its checkpoint is fsynced), so this may only happen when the log was emptied by a crash.
      assert.equal(this.durableCount, 0);
    }
    const common = Math.min(got.length, this.model.length);
    for (let i = 0; i < common; i++) assert.deepEqual(got[i]?.bytes, this.model[i]?.bytes, `batch ${i} after recovery`);
    assert.ok(got.length >= this.durableCount, `recovered ${got.length} batches, ${this.durableCount} were durable`);
    for (let i = 1; i < got.length; i++) assert.equal(got[i]?.baseOffset, (got[i - 1]?.lastOffset ?? 0) + 1, 'contiguous');
    // What survived is on disk now: unacknowledged batches that made it become part of the log.
    this.model = got.map((b) => ({ baseOffset: b.baseOffset, lastOffset: b.lastOffset, bytes: Buffer.from(b.bytes) }));
    this.durableCount = this.model.length;
    assert.equal(this.log.logEndOffset, this.endOffset);
    assert.equal(this.log.highWatermark, this.endOffset);
  }

  async operation(): Promise<void> {
    const r = this.random();
    const name =
      r < 0.4 ? 'append' : r < 0.6 ? 'read' : r < 0.67 ? 'roll' : r < 0.74 ? 'truncate' : r < 0.79 ? 'deleteRecordsBefore'
        : r < 0.82 ? 'retention' : r < 0.87 ? 'flush' : r < 0.91 ? 'reopen' : 'crash';
    this.trace.push(name);
    switch (name) {
      case 'append': return this.append();
      case 'read': return this.read();
      case 'roll':
        await this.log.roll();
        this.durableCount = this.model.length;
        return;
      case 'truncate': return this.truncate();
      case 'deleteRecordsBefore': return this.deleteRecordsBefore();
      case 'retention': return this.retention();
      case 'flush':
        await this.log.flush();
        this.durableCount = this.model.length;
        return;
      case 'reopen': return this.reopen(true);
      default: return this.crash();
    }
  }

  checkOffsets(): void {
    const { appendedOffset, writtenOffset, durableOffset } = this.log.offsets;
    assert.ok(durableOffset <= writtenOffset && writtenOffset <= appendedOffset);
  }
}

async function runSeed(seed: number): Promise<void> {
  const fuzz = new Fuzz(seed);
  try {
    await fuzz.open();
    for (fuzz.step = 0; fuzz.step < OPERATIONS_PER_SEED; fuzz.step++) {
      await fuzz.operation();
      fuzz.checkOffsets();
    }
    await fuzz.crash();
    await fuzz.log.close();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const where = `seed ${seed} (policy ${fuzz.config.flushPolicy?.kind}) failed at operation ${fuzz.step}: ${fuzz.trace.slice(-8).join(' → ')}`;
    throw new Error(`${where}\n${message}\nreplay: WHARF_FUZZ_SEED=${seed} node --test dist/test/conformance/operation-fuzz-survives-crashes.test.js`, { cause: err });
  }
}

function seeds(): number[] {
  const one = process.env.WHARF_FUZZ_SEED;
  if (one !== undefined && one !== '') return [Number(one)];
  const count = Number(process.env.WHARF_FUZZ_SEEDS ?? '40');
  return Array.from({ length: count }, (_, i) => i + 1);
}

test('seeded operation fuzz: acknowledged batches survive crashes byte for byte, no partial batch is ever visible', async () => {
  for (const seed of seeds()) await runSeed(seed);
});

test('the fuzz notices a log that loses an acknowledged batch', async () => {
  const fuzz = new Fuzz(1);
  await fuzz.open();
  await fuzz.append();
  fuzz.model.push({ baseOffset: fuzz.endOffset, lastOffset: fuzz.endOffset, bytes: makeBatch({ records: 1, valueBytes: 1 }) });
  fuzz.durableCount = fuzz.model.length;
  await assert.rejects(fuzz.checkRecovered(), (err: unknown) => err instanceof assert.AssertionError || isWharfError(err));
});
