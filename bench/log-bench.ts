// Benchmark of the partition log on the filesystem of its data directory (`npm run bench:log`).
//
//   1. appends of 100 B and 1 KiB records in batches of 1000 under each flush policy, then
//      reading everything back after a reopen;
//   2. 1 MiB batches under each flush policy, next to the raw sequential write bandwidth
//      (dd bs=1M conv=fdatasync into the bench directory) and a raw writev of the same buffers;
//   3. flush policy `always`: one appender awaiting each 1 KiB append (one fsync each) against
//      many concurrent appenders whose appends share group commits.
//
// Every case runs --repeat times, interleaved round by round, and the median run is reported.
// Batches are built before the clock starts: the log takes ownership of an appended buffer and
// patches its baseOffset in place, so each append gets its own copy from a pool made in advance
// (a buffer is never appended twice). Before each timed run dirty pages are written back and the
// page cache is warmed (see warmPageCache). Run with --help for the flags.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFlushPolicy } from '../src/log/partition-log.js';
import { batchRecordsCount } from '../src/records/batch-header.js';
import { MB, MIB, cpuText, machineFacts, mbps, medianBy, percent, progress, rate, runDd, table, type DdResult } from './bench-report.js';
import {
  BENCH_ENTRIES,
  groupCommitRun,
  prepareRun,
  rawWritevRun,
  templateBatch,
  templateBatchOfBytes,
  throughputRun,
  type GroupCommitRow,
  type RunSettings,
  type ThroughputRun,
  type Workload,
} from './log-bench-runs.js';

/** Row name of the baseline that writes the batches with fs.writev and no log. */
const RAW_WRITEV = 'raw writev, no log';
const DD = 'dd';

const FLAGS = {
  dir: { type: 'string', default: resolve(import.meta.dirname, '../../.wharf-bench'), help: 'bench directory on the filesystem to measure (created, then removed)' },
  repeat: { type: 'string', default: '3', help: 'rounds: runs of each case, interleaved; the median run is reported' },
  'dd-mb': { type: 'string', default: '1024', help: 'MiB written by the dd run of each 1 MiB round' },
  policies: { type: 'string', default: 'always,interval:100,never', help: 'flush policies, comma-separated' },
  'small-records': { type: 'string', default: '3000000', help: '100 B records appended per run' },
  'kib-records': { type: 'string', default: '500000', help: '1 KiB records appended per run' },
  'large-mb': { type: 'string', default: '1024', help: '1 MiB batches appended per run' },
  'records-per-batch': { type: 'string', default: '1000', help: 'records per batch of the 100 B and 1 KiB cases' },
  inflight: { type: 'string', default: '8', help: 'appends kept in flight in the throughput cases' },
  'read-bytes': { type: 'string', default: String(4 * MIB), help: 'maxBytes of each read' },
  'single-appends': { type: 'string', default: '3000', help: 'appends of the single awaiting appender (always)' },
  'concurrent-appends': { type: 'string', default: '100000', help: 'appends shared by the concurrent appenders (always)' },
  concurrency: { type: 'string', default: '64', help: 'concurrent appenders (always)' },
  cold: { type: 'boolean', default: false, help: 'skip the page-cache warm-up before each timed run' },
  keep: { type: 'boolean', default: false, help: 'keep the bench directory' },
  help: { type: 'boolean', default: false, help: 'print this help' },
} as const;

interface Options extends RunSettings {
  repeat: number;
  ddMiB: number;
  policies: string[];
  smallRecords: number;
  kibRecords: number;
  largeMiB: number;
  recordsPerBatch: number;
  singleAppends: number;
  concurrentAppends: number;
  concurrency: number;
  keep: boolean;
}

function parseOptions(): Options | undefined {
  const { values } = parseArgs({ options: FLAGS, strict: true });
  if (values.help) {
    console.log('usage: npm run bench:log -- [flags]\n');
    for (const [name, f] of Object.entries(FLAGS)) console.log(`  --${name.padEnd(20)} ${f.help} (default ${String(f.default)})`);
    return undefined;
  }
  const int = (name: keyof typeof FLAGS, min: number): number => {
    const v = Number(values[name]);
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${String(values[name])}`);
    return v;
  };
  const policies = values.policies.split(',').filter((p) => p !== '');
  for (const p of policies) parseFlushPolicy(p); // fail before any work on a bad name
  return {
    dir: resolve(values.dir),
    repeat: int('repeat', 1),
    ddMiB: int('dd-mb', 1),
    policies,
    smallRecords: int('small-records', 1),
    kibRecords: int('kib-records', 1),
    largeMiB: int('large-mb', 1),
    recordsPerBatch: int('records-per-batch', 1),
    inflight: int('inflight', 1),
    readBytes: int('read-bytes', 1024),
    singleAppends: int('single-appends', 1),
    concurrentAppends: int('concurrent-appends', 1),
    concurrency: int('concurrency', 1),
    cold: values.cold,
    keep: values.keep,
  };
}

// ---------------------------------------------------------------------------------------------
// Cases

function workloads(o: Options): Workload[] {
  const rpb = o.recordsPerBatch;
  return [
    { name: `100 B × ${rpb}/batch`, template: templateBatch(rpb, 100), batches: Math.ceil(o.smallRecords / rpb), large: false },
    { name: `1 KiB × ${rpb}/batch`, template: templateBatch(rpb, 1024), batches: Math.ceil(o.kibRecords / rpb), large: false },
    { name: '1 MiB batches, 1 record each', template: templateBatchOfBytes(MIB), batches: o.largeMiB, large: true },
  ];
}

interface ThroughputRow {
  policy: string;
  workload: Workload;
  records: number;
  bytes: number;
  runs: ThroughputRun[];
}

// ---------------------------------------------------------------------------------------------
// Report

function throughputTable(rows: ThroughputRow[], ddMBps: number): string {
  return table(
    ['policy', 'workload', 'MB', 'append records/s', 'append MB/s (runs)', 'CPU % user+sys', 'close ms', 'vs dd: append / durable', 'read records/s', 'read MB/s'],
    rows.map((r) => {
      const run = medianBy(r.runs, (x) => x.append.seconds);
      const read = medianBy(r.runs, (x) => x.read?.seconds ?? 0).read;
      const closeSeconds = medianBy(r.runs, (x) => x.closeSeconds).closeSeconds;
      const appendMBps = r.bytes / run.append.seconds / MB;
      const durableMBps = r.bytes / (run.append.seconds + run.closeSeconds) / MB;
      const all = r.runs.map((x) => mbps(r.bytes, x.append.seconds)).join(', ');
      return [
        r.policy,
        r.workload.name,
        (r.bytes / MB).toFixed(0),
        rate(r.records / run.append.seconds),
        `${appendMBps.toFixed(0)} (${all})`,
        cpuText(run.append),
        (closeSeconds * 1000).toFixed(0),
        r.workload.large ? `${percent(appendMBps, ddMBps)} / ${percent(durableMBps, ddMBps)}` : '',
        read === null ? '—' : rate(r.records / read.seconds),
        read === null ? '—' : mbps(r.bytes, read.seconds),
      ];
    }),
  );
}

function groupCommitTable(rows: GroupCommitRow[]): string {
  return table(
    ['appenders', 'appends', 'seconds', 'appends/s (runs)', 'CPU % user+sys'],
    rows.map((r) => {
      const t = medianBy(r.runs, (x) => x.seconds);
      const all = r.runs.map((x) => rate(r.appends / x.seconds)).join(', ');
      return [String(r.appenders), String(r.appends), t.seconds.toFixed(2), `${rate(r.appends / t.seconds)} (${all})`, cpuText(t)];
    }),
  );
}

function targetLines(rows: ThroughputRow[], ddMedian: number, ddBest: number, ratio: number, concurrency: number): string[] {
  const lines: string[] = [];
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  for (const r of rows) {
    if (r.policy === 'always' || r.policy === RAW_WRITEV) continue;
    const seconds = medianBy(r.runs, (x) => x.append.seconds).append.seconds;
    if (r.workload.large) {
      const appendMBps = r.bytes / seconds / MB;
      lines.push(
        `${r.policy}, 1 MiB batches ≥ 70 % of dd: ${appendMBps.toFixed(0)} MB/s = ${percent(appendMBps, ddMedian)} of dd's median ` +
          `(${percent(appendMBps, ddBest)} of its best) — ${verdict(appendMBps >= 0.7 * ddMedian)}`,
      );
    } else if (r.workload.name.startsWith('100 B')) {
      const perSecond = r.records / seconds;
      lines.push(`${r.policy}, 100 B records ≥ 1,000,000 records/s: ${rate(perSecond)} — ${verdict(perSecond >= 1_000_000)}`);
    }
  }
  lines.push(`always, ${concurrency} concurrent appenders ≥ 20× one awaiting appender: ${ratio.toFixed(1)}× — ${verdict(ratio >= 20)}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------

/** Runs of one row, filled round by round. */
function rowFor(rows: ThroughputRow[], policy: string, w: Workload): ThroughputRow {
  let row = rows.find((r) => r.policy === policy && r.workload === w);
  if (row === undefined) {
    row = { policy, workload: w, records: w.batches * batchRecordsCount(w.template, 0), bytes: w.template.length * w.batches, runs: [] };
    rows.push(row);
  }
  return row;
}

/**
 * Runs are interleaved: each round runs every policy once (and, for 1 MiB batches, dd and the raw
 * writev baseline too), so a slow spell of the machine hits all of them rather than one.
 */
async function runThroughput(o: Options, ws: Workload[], dd: DdResult[]): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const [k, w] of ws.entries()) {
    const mb = ((w.template.length * w.batches) / MB).toFixed(0);
    for (let round = 1; round <= o.repeat; round++) {
      const label = `[${k + 1}/${ws.length + 1}] ${w.name}, ${mb} MB, round ${round}/${o.repeat}`;
      const entries = w.large ? [DD, RAW_WRITEV, ...o.policies] : [...o.policies];
      // Each round starts with a different entry, so none always runs first after a cleanup.
      for (let e = 0; e < entries.length; e++) {
        const entry = entries[(e + round - 1) % entries.length] as string;
        if (entry === DD) {
          prepareRun(o, o.ddMiB * MIB);
          const r = runDd(o.dir, o.ddMiB);
          dd.push(r);
          progress(`${label} · dd ${o.ddMiB} MiB: ${r.ddMBps.toFixed(0)} MB/s by dd's clock (${r.ddSeconds} s), ${r.timedMBps.toFixed(0)} MB/s timed here`);
        } else if (entry === RAW_WRITEV) {
          rowFor(rows, RAW_WRITEV, w).runs.push(await rawWritevRun(o, w, `${label} · ${RAW_WRITEV}`));
        } else {
          rowFor(rows, entry, w).runs.push(await throughputRun(o, entry, w, `${label} · ${entry}`));
        }
      }
    }
  }
  return rows;
}

async function runGroupCommit(o: Options, step: string): Promise<GroupCommitRow[]> {
  const rows: GroupCommitRow[] = [
    { appenders: 1, appends: o.singleAppends, runs: [] },
    { appenders: o.concurrency, appends: o.concurrentAppends, runs: [] },
  ];
  for (let round = 1; round <= o.repeat; round++) {
    for (const r of rows) {
      const what = `${step} always · 1 KiB single-record batches, round ${round}/${o.repeat} · ${r.appenders} appender(s), ${r.appends} appends`;
      r.runs.push(await groupCommitRun(o, r.appenders, r.appends, what));
    }
  }
  return rows;
}

function printReport(o: Options, dd: DdResult[], rows: ThroughputRow[], groupRows: GroupCommitRow[]): void {
  const ddMedian = medianBy(dd, (r) => r.ddMBps).ddMBps;
  const ddBest = Math.max(...dd.map((r) => r.ddMBps));
  console.log('\nRaw sequential write (dd if=/dev/zero bs=1M conv=fdatasync), one run per 1 MiB round:');
  console.log(
    table(
      ['run', 'MiB', "dd's seconds", "MB/s (dd's figure)", 'MB/s (timed here)'],
      dd.map((r, i) => [String(i + 1), String(r.bytes / MIB), r.ddSeconds.toFixed(3), r.ddMBps.toFixed(0), r.timedMBps.toFixed(0)]),
    ),
  );
  console.log(`median ${ddMedian.toFixed(0)} MB/s, best ${ddBest.toFixed(0)} MB/s; "vs dd" below compares with the median.\n`);
  console.log(
    `Append and read-back throughput, median of ${o.repeat} runs (MB = 10^6 bytes; ${o.inflight} appends in flight; ` +
      `durable = bytes / (append + close); reads of ${o.readBytes} B after a reopen, from the page cache):`,
  );
  console.log(throughputTable(rows, ddMedian));
  console.log('\nGroup commit, flush policy always, 1 KiB single-record batches, each appender awaiting its own appends:');
  console.log(groupCommitTable(groupRows));
  const perSecond = (r: GroupCommitRow | undefined): number => (r === undefined ? 0 : r.appends / medianBy(r.runs, (x) => x.seconds).seconds);
  const ratio = perSecond(groupRows[1]) / perSecond(groupRows[0]);
  console.log(`ratio ${o.concurrency} appenders / 1 appender: ${ratio.toFixed(1)}×\n`);
  console.log('Targets:');
  for (const line of targetLines(rows, ddMedian, ddBest, ratio, o.concurrency)) console.log(`  ${line}`);
}

/** Removes the bench directory when this run created it, else only the entries runs create. */
function cleanUp(dir: string, created: boolean): void {
  if (created) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  for (const name of BENCH_ENTRIES) rmSync(join(dir, name), { recursive: true, force: true });
}

async function main(): Promise<void> {
  const o = parseOptions();
  if (o === undefined) return;
  // A directory that existed before is left in place; only what the runs create in it is removed.
  const created = !existsSync(o.dir);
  mkdirSync(o.dir, { recursive: true });
  const started = performance.now();
  console.log(`Wharf log benchmark (bench:log), ${new Date().toISOString()}`);
  for (const fact of machineFacts(o.dir)) console.log(`  ${fact}`);
  console.log(
    `  plan: ${o.repeat} rounds of: ${o.smallRecords} × 100 B and ${o.kibRecords} × 1 KiB records (${o.recordsPerBatch}/batch), ` +
      `${o.largeMiB} × 1 MiB batches (with dd ${o.ddMiB} MiB and a raw writev baseline), under ${o.policies.join(', ')}, ` +
      `${o.inflight} appends in flight; group commit (always): ${o.singleAppends} appends by 1 appender vs ${o.concurrentAppends} by ${o.concurrency}; ` +
      `page cache ${o.cold ? 'not warmed (--cold)' : 'warmed before each timed run'}`,
  );
  try {
    const dd: DdResult[] = [];
    const ws = workloads(o);
    const rows = await runThroughput(o, ws, dd);
    const groupRows = await runGroupCommit(o, `[${ws.length + 1}/${ws.length + 1}]`);
    printReport(o, dd, rows, groupRows);
    console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    if (!o.keep) cleanUp(o.dir, created);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
