// The table of `npm run bench:amqp`: one line per scenario, body size and broker (the median
// round by msgs/s, or by p99 for RPC, with every round's figure in brackets), with CPU per side,
// the likely bottleneck and Wharf/RabbitMQ.
import { MB, medianBy, table } from './bench-report.js';
import { SCENARIO_TEXT, type Row, type Scenario } from './amqp-bench-cases.js';
import type { Measured } from './kafka-bench-processes.js';

/** A thread at this share of one core or more is taken as saturated. */
const SATURATED_PERCENT = 85;

function pct(cpuSeconds: number, seconds: number): number {
  return (cpuSeconds / seconds) * 100;
}

export function sizeName(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

export function msgsPerSecond(r: Row): number {
  return r.messages / r.measured.seconds;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export function p99(r: Row): number {
  return quantile(r.latenciesMs, 0.99);
}

function clientsPercent(m: Measured): number {
  return pct(m.clients.reduce((sum, c) => sum + c.totalSeconds, 0), m.seconds);
}

/**
 * CPU time per message consumed (RPC: per call), in µs. Other jobs on the cores move it much
 * less than msgs/s, so it is the figure to compare across noisy runs (/proc counts 10 ms ticks).
 */
function microsPerMessage(cpuSeconds: number, r: Row): string {
  return r.messages === 0 ? '—' : ((cpuSeconds / r.messages) * 1e6).toFixed(1);
}

function othersPercent(m: Measured): number {
  const ours = m.broker.totalSeconds + m.clients.reduce((sum, c) => sum + c.totalSeconds, 0);
  return Math.max(0, pct(m.machineBusySeconds - ours, m.seconds));
}

/**
 * Which side held the run back, from CPU alone: Wharf runs its JavaScript on one thread, so its
 * main thread is the one to watch; RabbitMQ's schedulers spread over every core, so its total is.
 */
export function bottleneck(r: Row, cores: number): string {
  const m = r.measured;
  const brokerBusy = r.broker === 'wharf' ? pct(m.broker.mainThreadSeconds, m.seconds) : pct(m.broker.totalSeconds, m.seconds) / cores;
  const clientBusy = Math.max(...m.clients.map((c) => pct(c.busiestThreadSeconds, m.seconds)));
  const machine = pct(m.machineBusySeconds, m.seconds);
  const causes: string[] = [];
  if (brokerBusy >= SATURATED_PERCENT) causes.push('broker CPU');
  if (clientBusy >= SATURATED_PERCENT) causes.push('client CPU');
  if (causes.length === 0 && machine >= SATURATED_PERCENT * cores) causes.push(othersPercent(m) >= 30 ? 'cores, with other jobs' : 'cores');
  if (causes.length === 0) causes.push(r.scenario === 'durable' || r.scenario === 'stream' ? 'latency (fsync, round trips)' : 'round trips');
  return causes.join(' + ');
}

/** The rows of one scenario, size and broker; the median by msgs/s (RPC: by p99). */
function median(rows: readonly Row[]): Row {
  return rows[0]?.scenario === 'rpc' ? medianBy(rows, p99) : medianBy(rows, msgsPerSecond);
}

function groupKey(r: Row): string {
  return `${r.scenario}|${r.bodyBytes}|${r.broker}`;
}

export function resultTable(rows: readonly Row[], cores: number): string {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(groupKey(r), [...(groups.get(groupKey(r)) ?? []), r]);
  const medians = new Map([...groups].map(([k, g]) => [k, median(g)]));
  const out: string[][] = [];
  for (const [key, r] of medians) {
    const m = r.measured;
    const all = groups.get(key) ?? [];
    const rpc = r.scenario === 'rpc';
    const rates = all.length < 2 ? '' : rpc
      ? ` (p99 ${all.map((x) => p99(x).toFixed(3)).join(', ')})`
      : ` (${all.map((x) => Math.round(msgsPerSecond(x)).toLocaleString('en-US')).join(', ')})`;
    const brokerCpu = r.broker === 'wharf'
      ? `${pct(m.broker.totalSeconds, m.seconds).toFixed(0)} (main ${pct(m.broker.mainThreadSeconds, m.seconds).toFixed(0)})`
      : pct(m.broker.totalSeconds, m.seconds).toFixed(0);
    const perConsumer = r.scenario === 'fanout' ? ` (${(msgsPerSecond(r) / (m.reports.length - 1)).toLocaleString('en-US', { maximumFractionDigits: 0 })} each)` : '';
    out.push([
      SCENARIO_TEXT[r.scenario], sizeName(r.bodyBytes), r.broker,
      `${Math.round(msgsPerSecond(r)).toLocaleString('en-US')}${perConsumer}${rates}`,
      ((msgsPerSecond(r) * r.bodyBytes) / MB).toFixed(1),
      rpc ? `${quantile(r.latenciesMs, 0.5).toFixed(3)} / ${p99(r).toFixed(3)}` : '',
      brokerCpu, clientsPercent(m).toFixed(0), othersPercent(m).toFixed(0),
      `${microsPerMessage(m.broker.totalSeconds, r)} / ${microsPerMessage(m.clients.reduce((sum, c) => sum + c.totalSeconds, 0), r)}`,
      bottleneck(r, cores),
      r.broker === 'wharf' ? ratio(r, medians.get(`${r.scenario}|${r.bodyBytes}|rabbitmq`)) : '',
    ]);
  }
  return table(['scenario', 'body', 'broker', 'msgs/s (rounds)', 'MB/s', 'p50 / p99 ms', 'broker CPU %', 'client CPU %', 'others CPU %', 'CPU µs/msg broker / client', 'bottleneck', 'Wharf/RabbitMQ'], out);
}

function ratio(wharf: Row, rabbit: Row | undefined): string {
  if (rabbit === undefined) return '';
  const rate = `${(msgsPerSecond(wharf) / msgsPerSecond(rabbit)).toFixed(2)}×`;
  return wharf.scenario === 'rpc' ? `${rate}; p99 ${(p99(wharf) / p99(rabbit)).toFixed(2)}×` : rate;
}

/** The targets, for the median rows of each size. */
export function targetLines(rows: readonly Row[]): string[] {
  const pick = (scenario: Scenario, bytes: number, broker: Row['broker']): Row | undefined => {
    const g = rows.filter((r) => r.scenario === scenario && r.bodyBytes === bytes && r.broker === broker);
    return g.length === 0 ? undefined : median(g);
  };
  const lines: string[] = [];
  const sizes = [...new Set(rows.map((r) => r.bodyBytes))];
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  for (const bytes of sizes) {
    for (const [scenario, want] of [['durable', 2], ['transient', 1.5]] as const) {
      const w = pick(scenario, bytes, 'wharf');
      const r = pick(scenario, bytes, 'rabbitmq');
      if (w === undefined || r === undefined) continue;
      const x = msgsPerSecond(w) / msgsPerSecond(r);
      // Rounded down, so a ratio just short of the target never prints as the target itself.
      lines.push(`${SCENARIO_TEXT[scenario]}, ${sizeName(bytes)}: Wharf ${(Math.floor(x * 100) / 100).toFixed(2)}× RabbitMQ; ≥ ${want}× wanted — ${verdict(x >= want)}`);
    }
    const w = pick('rpc', bytes, 'wharf');
    const r = pick('rpc', bytes, 'rabbitmq');
    if (w !== undefined && r !== undefined) {
      lines.push(`RPC p99, ${sizeName(bytes)}: Wharf ${p99(w).toFixed(3)} ms, RabbitMQ ${p99(r).toFixed(3)} ms; ≤ half wanted — ${verdict(p99(w) <= p99(r) / 2)}`);
    }
  }
  return lines;
}
