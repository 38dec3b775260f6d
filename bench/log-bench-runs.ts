// The timed runs of bench:log: batch pools built in advance, appends by concurrent appenders
// that each await their own appends, read-back after a reopen, the raw writev baseline, and the
// group-commit runs. log-bench.ts decides what to run and reports.
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync, rmSync, writev } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, parseFlushPolicy } from '../src/log/partition-log.js';
import { batchBaseOffset, batchLastOffsetDelta, batchRecordsCount, batchTotalBytes } from '../src/records/batch-header.js';
import { makeBatch } from '../test/helpers/make-batch.js';
import { MIB, cpuText, mbps, progress, rate, syncDisks, timed, warmPageCache, type Timing } from './bench-report.js';

/** Every file or directory a run creates in the bench directory (each is removed after its run). */
export const BENCH_ENTRIES = ['wharf-bench-log', 'wharf-bench-group-commit', 'wharf-bench-raw-writev.tmp', 'wharf-bench-dd.tmp', 'wharf-bench-warm.tmp'];

/** What a run needs from the command line. */
export interface RunSettings {
  dir: string;
  /** Appends kept in flight in the throughput runs. */
  inflight: number;
  /** maxBytes of each read. */
  readBytes: number;
  /** Skip the page-cache warm-up. */
  cold: boolean;
}

// ---------------------------------------------------------------------------------------------
// Batches

/** A batch of `records` records of `valueBytes` incompressible bytes each. */
export function templateBatch(records: number, valueBytes: number): Buffer {
  const noise = randomBytes(Math.min(valueBytes + records, 2 * MIB));
  const window = noise.length - valueBytes + 1;
  return makeBatch({ records, valueBytes, fill: (i) => noise.subarray(i % window, (i % window) + valueBytes) });
}

/** A single-record batch of exactly `totalBytes` (the record framing is found by trying). */
export function templateBatchOfBytes(totalBytes: number): Buffer {
  let valueBytes = totalBytes - 128;
  for (let tries = 0; tries < 8; tries++) {
    const batch = templateBatch(1, valueBytes);
    if (batch.length === totalBytes) return batch;
    valueBytes += totalBytes - batch.length;
  }
  throw new Error(`cannot build a batch of exactly ${totalBytes} bytes`);
}

/** `count` private copies of `template`, allocated outside Node's shared pool. */
function batchPool(template: Buffer, count: number): Buffer[] {
  const pool: Buffer[] = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) {
    const copy = Buffer.allocUnsafeSlow(template.length);
    template.copy(copy);
    pool[i] = copy;
  }
  return pool;
}

/** Before a timed run: dirty pages written back and, unless --cold, the page cache warmed. */
export function prepareRun(o: RunSettings, bytes: number): void {
  syncDisks();
  if (!o.cold) warmPageCache(o.dir, bytes);
}

// ---------------------------------------------------------------------------------------------
// Log work

/** Appends every buffer of the pool with `appenders` appenders, each awaiting its own appends. */
async function appendPool(log: PartitionLog, pool: Buffer[], appenders: number): Promise<void> {
  let next = 0;
  const empty = Buffer.alloc(0);
  const appender = async (): Promise<void> => {
    while (next < pool.length) {
      const i = next++;
      const batch = pool[i] ?? empty;
      pool[i] = empty; // the log owns it now; drop our reference
      await log.append(batch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(appenders, pool.length) }, appender));
}

/** Reads the whole log; returns the bytes read. */
async function readAll(log: PartitionLog, readBytes: number): Promise<number> {
  let bytes = 0;
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) {
    const r = await log.read(offset, readBytes);
    if (r.bytes.length === 0) throw new Error(`read(${offset}) returned nothing before logEndOffset ${end}`);
    bytes += r.bytes.length;
    for (let pos = 0; pos < r.bytes.length; pos += batchTotalBytes(r.bytes, pos)) {
      offset = batchBaseOffset(r.bytes, pos) + batchLastOffsetDelta(r.bytes, pos) + 1;
    }
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------
// Cases

export interface Workload {
  name: string;
  template: Buffer;
  batches: number;
  large: boolean;
}


export interface ThroughputRun {
  append: Timing;
  /** close(): queued writes, index files, a final fdatasync and the clean-shutdown marker. */
  closeSeconds: number;
  /** null for the raw writev baseline, which reads nothing back. */
  read: Timing | null;
}


export async function throughputRun(o: RunSettings, policy: string, w: Workload, what: string): Promise<ThroughputRun> {
  const dir = join(o.dir, 'wharf-bench-log');
  rmSync(dir, { recursive: true, force: true });
  const expectedRecords = w.batches * batchRecordsCount(w.template, 0);
  const bytes = w.template.length * w.batches;
  let pool = batchPool(w.template, w.batches);
  prepareRun(o, bytes);
  const flushPolicy = parseFlushPolicy(policy);
  const log = await PartitionLog.open(dir, { flushPolicy });
  const append = await timed(() => appendPool(log, pool, o.inflight));
  pool = [];
  if (log.logEndOffset !== expectedRecords) throw new Error(`logEndOffset ${log.logEndOffset}, expected ${expectedRecords}`);
  const c0 = performance.now();
  await log.close();
  const closeSeconds = (performance.now() - c0) / 1000;
  const reader = await PartitionLog.open(dir, { flushPolicy });
  const read = await timed(async () => {
    const got = await readAll(reader, o.readBytes);
    if (got !== bytes) throw new Error(`read back ${got} bytes, appended ${bytes}`);
  });
  await reader.close();
  rmSync(dir, { recursive: true, force: true });
  progress(
    `${what}: append ${rate(expectedRecords / append.seconds)} records/s, ${mbps(bytes, append.seconds)} MB/s (CPU ${cpuText(append)} %), ` +
      `close ${(closeSeconds * 1000).toFixed(0)} ms; read ${rate(expectedRecords / read.seconds)} records/s, ${mbps(bytes, read.seconds)} MB/s`,
  );
  return { append, closeSeconds, read };
}

/**
 * The same pool written without the log: fs.writev of `inflight` buffers at a time, one after the
 * other (what the group commit does), then one fdatasync, counted like close(). No reads.
 */
export async function rawWritevRun(o: RunSettings, w: Workload, what: string): Promise<ThroughputRun> {
  const file = join(o.dir, 'wharf-bench-raw-writev.tmp');
  let pool = batchPool(w.template, w.batches);
  const bytes = w.template.length * w.batches;
  prepareRun(o, bytes);
  const fd = openSync(file, 'w');
  try {
    const append = await timed(async () => {
      let position = 0;
      for (let i = 0; i < pool.length; i += o.inflight) {
        const group = pool.slice(i, i + o.inflight);
        position += await new Promise<number>((res, rej) => writev(fd, group, position, (err, n) => (err ? rej(err) : res(n))));
      }
      if (position !== bytes) throw new Error(`raw writev wrote ${position} of ${bytes} bytes`);
    });
    pool = [];
    const c0 = performance.now();
    fdatasyncSync(fd);
    const closeSeconds = (performance.now() - c0) / 1000;
    progress(`${what}: ${mbps(bytes, append.seconds)} MB/s (CPU ${cpuText(append)} %), fdatasync ${(closeSeconds * 1000).toFixed(0)} ms`);
    return { append, closeSeconds, read: null };
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

export interface GroupCommitRow {
  appenders: number;
  appends: number;
  runs: Timing[];
}

export async function groupCommitRun(o: RunSettings, appenders: number, appends: number, what: string): Promise<Timing> {
  const dir = join(o.dir, 'wharf-bench-group-commit');
  rmSync(dir, { recursive: true, force: true });
  const pool = batchPool(templateBatch(1, 1024), appends);
  syncDisks();
  const log = await PartitionLog.open(dir, { flushPolicy: { kind: 'always' } });
  const timing = await timed(() => appendPool(log, pool, appenders));
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  progress(`${what}: ${rate(appends / timing.seconds)} appends/s (CPU ${cpuText(timing)} %)`);
  return timing;
}
