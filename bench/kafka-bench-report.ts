// Tables, bottleneck reading and targets of the Kafka benchmark (bench/kafka-bench.ts).
import { MB, medianBy, table } from './bench-report.js';
import type { Row } from './kafka-bench-cases.js';
import type { GroupThroughputRow, RebalanceRow } from './kafka-bench-groups.js';
import type { CpuWindow, Measured } from './kafka-bench-processes.js';
import type { LoopbackResult } from './kafka-loopback.js';
import type { ProfileSummary } from './kafka-profile.js';

/** A thread at this share of one core or more is taken as saturated. */
const SATURATED_PERCENT = 85;
/** Other processes using this much of a core are a cause of their own on a 2-core machine. */
const OTHERS_NOTABLE_PERCENT = 30;

export const CLIENT_NAMES = { kcat: 'kcat (librdkafka)', 'confluent-kafka': 'confluent-kafka (librdkafka)', kafkajs: 'kafkajs' } as const;

function pct(cpuSeconds: number, seconds: number): number {
  return (cpuSeconds / seconds) * 100;
}

export function sizeName(recordBytes: number): string {
  return recordBytes % 1024 === 0 ? `${recordBytes / 1024} KiB` : `${recordBytes} B`;
}

export function recordsPerSecond(r: Row): number {
  return r.records / r.measured.seconds;
}

export function mbPerSecond(r: Row): number {
  return r.bytes / r.measured.seconds / MB;
}

/** "total (main thread)" of the broker, in % of one core. */
function brokerCpu(m: Measured): string {
  return `${pct(m.broker.totalSeconds, m.seconds).toFixed(0)} (main ${pct(m.broker.mainThreadSeconds, m.seconds).toFixed(0)})`;
}

/** "total (busiest thread)" of each client process, joined by " + ". */
function clientCpu(m: Measured): string {
  return m.clients
    .map((c) => {
      const total = pct(c.totalSeconds, m.seconds).toFixed(0);
      return Number.isNaN(c.busiestThreadSeconds) ? total : `${total} (${pct(c.busiestThreadSeconds, m.seconds).toFixed(0)})`;
    })
    .join(' + ');
}

/** CPU the rest of the machine used meanwhile (other jobs on the shared cores, the bench itself). */
export function othersPercent(m: Measured): number {
  const ours = m.broker.totalSeconds + m.clients.reduce((sum, c) => sum + c.totalSeconds, 0);
  return Math.max(0, pct(m.machineBusySeconds - ours, m.seconds));
}

function busiestClientPercent(m: Measured): number {
  // kcat's threads are not seen (bash's `times` gives its total), so its total stands in.
  const busiest = (c: CpuWindow): number => (Number.isNaN(c.busiestThreadSeconds) ? c.totalSeconds : c.busiestThreadSeconds);
  return Math.max(...m.clients.map((c) => pct(busiest(c), m.seconds)));
}

/**
 * Which side held the run back, from CPU alone. The broker runs its JavaScript on one thread, so
 * its main thread near a full core means the broker is CPU-bound; a client's busiest thread near
 * a full core means the client is. With neither, the run waited on something else: fdatasync
 * under flush policy `always`, round trips, or cores taken by other processes.
 */
export function bottleneck(m: Measured): 'broker' | 'client' | 'cores' | 'shared' | 'waits' {
  if (pct(m.broker.mainThreadSeconds, m.seconds) >= SATURATED_PERCENT) return 'broker';
  if (busiestClientPercent(m) >= SATURATED_PERCENT) return 'client';
  if (pct(m.machineBusySeconds, m.seconds) >= 2 * SATURATED_PERCENT) return othersPercent(m) >= OTHERS_NOTABLE_PERCENT ? 'shared' : 'cores';
  return 'waits';
}

const BOTTLENECK_TEXT = {
  broker: 'broker CPU (main thread)',
  client: 'client CPU',
  cores: 'both cores busy (broker + client)',
  shared: 'both cores busy, with other processes',
  waits: 'no thread saturated: waits (fdatasync, round trips)',
} as const;

/** CPU times come in 10 ms ticks: below a few ticks a per-MB figure means nothing. */
const CPU_SECONDS_MIN = 0.05;

function msPerMB(cpuSeconds: number, mb: number): string {
  return cpuSeconds < CPU_SECONDS_MIN ? '—' : ((cpuSeconds * 1000) / mb).toFixed(2);
}

/**
 * CPU milliseconds per MB carried: of the whole broker process (main thread, libuv pool, V8's
 * GC helpers), of its main thread alone, and of the client processes together. These move least
 * with other load on shared cores, since they count only the CPU each side got: a core carries
 * 1000 / (ms per MB) MB/s of what costs that much.
 */
function cpuPerMB(r: Row): string {
  const mb = r.bytes / MB;
  const m = r.measured;
  const client = m.clients.reduce((sum, c) => sum + c.totalSeconds, 0);
  return `${msPerMB(m.broker.totalSeconds, mb)} (${msPerMB(m.broker.mainThreadSeconds, mb)}) / ${msPerMB(client, mb)}`;
}

/** Runs of the same case (kind, client, processes, record size, acks) across rounds, in first-run order. */
export function groupRuns(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.kind}|${r.client}|${r.processes}|${r.recordBytes}|${r.acks}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [r]);
    else group.push(r);
  }
  return [...groups.values()];
}

/** The run with the median MB/s (the lower middle one of an even count). */
export function medianRun(runs: readonly Row[]): Row {
  return medianBy(runs, mbPerSecond);
}

/** One line per case: the median run's figures, with every run's MB/s in brackets. */
export function throughputTable(rows: readonly Row[]): string {
  return table(
    ['client', 'procs', 'record', 'acks', 'records', 'records/s', 'MB/s (runs)', 'broker CPU % (main thread)', 'CPU ms per MB: broker (main thread) / client', 'client CPU % (busiest thread)', 'others CPU %', 'bottleneck'],
    groupRuns(rows).map((runs) => {
      const r = medianRun(runs);
      const all = runs.map((x) => mbPerSecond(x).toFixed(0)).join(', ');
      return [
        CLIENT_NAMES[r.client],
        String(r.processes),
        sizeName(r.recordBytes),
        r.acks,
        r.records.toLocaleString('en-US'),
        Math.round(recordsPerSecond(r)).toLocaleString('en-US'),
        runs.length === 1 ? all : `${mbPerSecond(r).toFixed(0)} (${all})`,
        brokerCpu(r.measured),
        cpuPerMB(r),
        clientCpu(r.measured),
        othersPercent(r.measured).toFixed(0),
        BOTTLENECK_TEXT[bottleneck(r.measured)],
      ];
    }),
  );
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export function latencyTable(rows: readonly Row[], rate: number): string {
  return table(
    ['round', 'client', 'record', 'acks', 'target rate', 'records', 'achieved records/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'send lag max ms', 'broker CPU % (main thread)', 'client CPU % (busiest thread)', 'others CPU %'],
    rows.map((r) => {
      const report = r.measured.reports[0];
      const sorted = [...(report?.latenciesMs ?? [])].sort((a, b) => a - b);
      const ms = (q: number): string => quantile(sorted, q).toFixed(2);
      return [
        String(r.round), CLIENT_NAMES[r.client], sizeName(r.recordBytes), r.acks, rate.toLocaleString('en-US'), sorted.length.toLocaleString('en-US'),
        Math.round(r.records / (report?.seconds ?? NaN)).toLocaleString('en-US'), ms(0.5), ms(0.99), ms(0.999), ms(1),
        (report?.sendLagMaxMs ?? NaN).toFixed(1), brokerCpu(r.measured), clientCpu(r.measured), othersPercent(r.measured).toFixed(0),
      ];
    }),
  );
}

export function loopbackLine(l: LoopbackResult): string {
  const mbps = l.bytes / l.seconds / MB;
  return `${(l.bytes / MB).toFixed(0)} MB in ${l.seconds.toFixed(2)} s = ${mbps.toFixed(0)} MB/s; sender CPU ${pct(l.senderCpuSeconds, l.seconds).toFixed(0)} %, sink CPU ${pct(l.sinkCpuSeconds, l.seconds).toFixed(0)} %`;
}

export function profileLines(p: ProfileSummary, top: number): string[] {
  const busy = p.sampledMs - p.idleMs;
  const lines = [`sampled ${(p.sampledMs / 1000).toFixed(1)} s, of which idle ${(p.idleMs / 1000).toFixed(1)} s; shares below are of the ${(busy / 1000).toFixed(1)} s not idle`];
  lines.push(table(
    ['self %', 'self ms', 'total %', 'frame'],
    p.frames.slice(0, top).map((f) => [((f.selfMs / busy) * 100).toFixed(1), f.selfMs.toFixed(0), ((f.totalMs / busy) * 100).toFixed(1), f.frame]),
  ));
  return lines;
}

/** Consumer-group throughput: one line per group size, the median run's figures and every run's MB/s. */
export function groupTable(rows: readonly GroupThroughputRow[]): string {
  const bySize = new Map<number, GroupThroughputRow[]>();
  for (const r of rows) bySize.set(r.consumers, [...(bySize.get(r.consumers) ?? []), r]);
  const mbps = (r: GroupThroughputRow): number => r.bytes / r.measured.seconds / MB;
  return table(
    ['members', 'partitions', 'records', 'records/s', 'MB/s (runs)', 'all assigned after s', 'MB/s once assigned', 'records delivered', 'broker CPU % (main thread)', 'CPU ms per MB: broker (main thread) / clients', 'client CPU % (busiest thread) each', 'others CPU %', 'bottleneck'],
    [...bySize.values()].map((runs) => {
      const r = medianBy(runs, mbps);
      const m = r.measured;
      const mb = r.bytes / MB;
      const clients = m.clients.reduce((sum, c) => sum + c.totalSeconds, 0);
      return [
        String(r.consumers), String(r.partitions), r.records.toLocaleString('en-US'),
        Math.round(r.records / m.seconds).toLocaleString('en-US'),
        `${mbps(r).toFixed(0)} (${runs.map((x) => mbps(x).toFixed(0)).join(', ')})`,
        r.assignedSeconds.toFixed(2), (r.bytes / (m.seconds - r.assignedSeconds) / MB).toFixed(0), r.delivered.toLocaleString('en-US'), brokerCpu(m),
        `${msPerMB(m.broker.totalSeconds, mb)} (${msPerMB(m.broker.mainThreadSeconds, mb)}) / ${msPerMB(clients, mb)}`,
        clientCpu(m), othersPercent(m).toFixed(0), BOTTLENECK_TEXT[bottleneck(m)],
      ];
    }),
  );
}

/** One line per rebalance run. */
export function rebalanceTable(rows: readonly RebalanceRow[]): string {
  return table(
    ['round', 'member', 'group', 'stream records/s', 'its partitions', 'read again after s (each)', 'all read again after s', 'survivors reassigned after s'],
    rows.map((r) => [
      String(r.round), r.how === 'leave' ? 'leaves (close)' : 'killed (kill -9)', String(r.consumers), r.rateRecordsPerSecond.toLocaleString('en-US'),
      r.departed.join(', '), r.resumeSeconds.map((x) => x.toFixed(2)).join(', '), Math.max(...r.resumeSeconds).toFixed(2), r.reassignedSeconds.toFixed(2),
    ]),
  );
}
