// `npm run bench:prediction`: the prediction example (examples/prediction) under N concurrent
// simulated browsers, in its two modes:
//   poll: POST /jobs to the example server, then GET /jobs/:id every --poll-ms until done;
//   push: wharf/client request() over the gateway's WebSocket, answered on reply_to.
// Real processes throughout: a Wharf broker, the example's worker(s) (amqplib), its example server,
// and processes of simulated browsers (fetch / `ws` + wharf/client). Reports submit→result
// latency (p50/p99), requests the servers handled per result, and CPU of the broker, the example
// server and the workers; writes a JSON file and an SVG chart (docs/prediction-bench.svg).
//
//   npm run bench:prediction [-- --quick] [--browsers 10,100,1000] [--rounds 8] [--poll-ms 250]
//                            [--workers 1] [--work-ms 300] [--think-ms 250] [--svg FILE] [--json FILE]
// --work-ms: time each prediction takes on top of the model's own (well under a millisecond), to
// play the slow job the pattern is for; --work-ms 0 measures the bare model.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { machineFacts } from './bench-report.js';
import { REPO_ROOT, cpuSeconds, machineBusySeconds } from './kafka-bench-processes.js';
import { renderChart, type ChartRow } from './prediction-bench-chart.js';
import type { BenchMode, BrowsersConfig, BrowsersResult } from './prediction-bench-browsers.js';
import {
  forkBrowsers, startBroker, startExampleServer, startWorker,
  type BenchBroker, type ExampleServer, type RunningProcess,
} from './prediction-bench-processes.js';

interface Options {
  quick: boolean;
  browsers: number[];
  rounds: number;
  pollMs: number;
  workers: number;
  workMs: number;
  thinkMs: number;
  svg: string;
  json: string;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const outDir = join(REPO_ROOT, '.wharf-bench', 'prediction');
  return {
    quick,
    browsers: (value('--browsers') ?? (quick ? '10,100' : '10,100,1000')).split(',').map(Number).filter((n) => n > 0),
    rounds: Number(value('--rounds') ?? (quick ? 2 : 8)),
    pollMs: Number(value('--poll-ms') ?? 250),
    workers: Number(value('--workers') ?? 1),
    workMs: Number(value('--work-ms') ?? 300),
    thinkMs: Number(value('--think-ms') ?? 250),
    // A smoke run does not overwrite the chart of docs/.
    svg: value('--svg') ?? (quick ? join(outDir, 'prediction-bench.svg') : join(REPO_ROOT, 'docs', 'prediction-bench.svg')),
    json: value('--json') ?? join(outDir, quick ? 'results-quick.json' : 'results.json'),
  };
}

interface CaseResult {
  mode: BenchMode;
  browsers: number;
  processes: number;
  results: number;
  errors: number;
  errorSamples: string[];
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Poll: HTTP requests per result (client count); push: WebSocket messages per result. */
  perResult: number;
  /** Poll: requests the example server counted (GET /stats before and after). */
  serverHttpRequests: number;
  wsMessages: number;
  connections: number;
  wallSeconds: number;
  resultsPerSecond: number;
  brokerCpuPercent: number;
  serverCpuPercent: number;
  workerCpuPercent: number;
  browsersCpuPercent: number;
  /** Worst p99 event-loop delay among the browser processes: when high, the load generator lags. */
  browsersLoopDelayP99Ms: number;
  machineBusyPercent: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function cpuOf(pids: number[]): number {
  let s = 0;
  for (const pid of pids) {
    try {
      s += cpuSeconds(pid);
    } catch {
      // gone
    }
  }
  return s;
}

async function serverRequests(server: ExampleServer): Promise<number> {
  const r = await fetch(`${server.url}/stats`);
  return ((await r.json()) as { total: number }).total;
}

async function runCase(mode: BenchMode, browsers: number, o: Options, broker: BenchBroker, server: ExampleServer, workers: RunningProcess[]): Promise<CaseResult> {
  const processes = Math.min(4, Math.max(1, Math.ceil(browsers / 250)));
  const timeoutMs = 30_000;
  const configs: BrowsersConfig[] = Array.from({ length: processes }, (_, i) => ({
    mode,
    browsers: Math.floor(browsers / processes) + (i < browsers % processes ? 1 : 0),
    rounds: o.rounds, pollMs: o.pollMs, startSpreadMs: 500, thinkMs: o.thinkMs,
    serverUrl: server.url, gatewayUrl: broker.gatewayUrl, requestQueue: 'predict', timeoutMs, processIndex: i,
  }));
  const procs = await Promise.all(configs.map((c) => forkBrowsers(c, 120_000)));
  try {
    const http0 = await serverRequests(server);
    const cpu0 = {
      broker: cpuOf([broker.pid]), server: cpuOf([server.pid]), workers: cpuOf(workers.map((w) => w.pid)), machine: machineBusySeconds(),
    };
    const t0 = performance.now();
    for (const p of procs) p.go();
    const parts: BrowsersResult[] = await Promise.all(procs.map((p) => p.done));
    const wall = (performance.now() - t0) / 1000;
    const pct = (s: number): number => (s / wall) * 100;
    const cpu = {
      broker: pct(cpuOf([broker.pid]) - cpu0.broker), server: pct(cpuOf([server.pid]) - cpu0.server),
      workers: pct(cpuOf(workers.map((w) => w.pid)) - cpu0.workers), machine: pct(machineBusySeconds() - cpu0.machine),
    };
    // GET /stats does not count itself: the difference is what the browsers sent.
    const http1 = await serverRequests(server);
    const latencies = parts.flatMap((p) => p.latenciesMs).sort((a, b) => a - b);
    const results = parts.reduce((a, p) => a + p.results, 0);
    const httpRequests = parts.reduce((a, p) => a + p.httpRequests, 0);
    const wsMessages = parts.reduce((a, p) => a + p.wsSent + p.wsReceived, 0);
    return {
      mode, browsers, processes, results,
      errors: parts.reduce((a, p) => a + p.errorCount, 0),
      errorSamples: parts.flatMap((p) => p.errors).slice(0, 5),
      p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies.at(-1) ?? NaN,
      perResult: (mode === 'poll' ? httpRequests : wsMessages) / Math.max(1, results),
      serverHttpRequests: http1 - http0,
      wsMessages,
      connections: parts.reduce((a, p) => a + p.connections, 0),
      wallSeconds: wall,
      resultsPerSecond: results / wall,
      brokerCpuPercent: cpu.broker, serverCpuPercent: cpu.server, workerCpuPercent: cpu.workers,
      browsersCpuPercent: pct(parts.reduce((a, p) => a + p.cpuSeconds, 0)),
      browsersLoopDelayP99Ms: Math.max(...parts.map((p) => p.loopDelayP99Ms)), machineBusyPercent: cpu.machine,
    };
  } finally {
    for (const p of procs) p.kill();
  }
}

function busiest(r: CaseResult): string {
  const c: [string, number][] = [['broker', r.brokerCpuPercent], ['example server', r.serverCpuPercent], ['worker', r.workerCpuPercent]];
  c.sort((a, b) => b[1] - a[1]);
  const [name, v] = c[0] as [string, number];
  return `${name} ${v.toFixed(0)}%`;
}

function table(results: CaseResult[]): string {
  const lines = [
    '| mode | browsers | results | errors | p50 ms | p99 ms | requests / result | results/s | broker CPU | example server CPU | worker CPU | browsers CPU (loop delay p99) | machine busy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const per = r.mode === 'poll' ? `${r.perResult.toFixed(2)} HTTP` : `${r.perResult.toFixed(2)} WS msgs`;
    lines.push(`| ${r.mode === 'poll' ? 'HTTP + polling' : 'RPC + WS push'} | ${r.browsers} | ${r.results} | ${r.errors} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${per} | ${r.resultsPerSecond.toFixed(0)} | ${r.brokerCpuPercent.toFixed(0)}% | ${r.serverCpuPercent.toFixed(0)}% | ${r.workerCpuPercent.toFixed(0)}% | ${r.browsersCpuPercent.toFixed(0)}% (${r.browsersLoopDelayP99Ms.toFixed(0)} ms) | ${r.machineBusyPercent.toFixed(0)}% |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const rechart = process.argv.indexOf('--chart-from');
  if (rechart >= 0) {
    // Redraws the chart from a results file of an earlier run: --chart-from FILE [--svg FILE].
    const saved = JSON.parse(readFileSync(process.argv[rechart + 1] ?? '', 'utf8')) as { date: string; options: Options; machine: string[]; results: CaseResult[] };
    const so = saved.options;
    writeFileSync(o.svg, renderChart(saved.results, `${saved.date} · ${saved.machine[1] ?? ''}\n${so.rounds} predictions per browser, each taking ${so.workMs} ms + the model, polling every ${so.pollMs} ms, ${so.workers} worker; all processes on one machine`));
    process.stdout.write(`chart: ${relative(REPO_ROOT, o.svg)}\n`);
    return;
  }
  const clientIndex = join(REPO_ROOT, 'dist', 'src', 'client', 'web', 'index.js');
  if (!existsSync(clientIndex)) throw new Error(`${relative(REPO_ROOT, clientIndex)} is missing: run npm run build`);
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'wharf-prediction-bench-'));
  const facts = machineFacts(dataDir);
  process.stdout.write(`bench:prediction${o.quick ? ' --quick' : ''}: browsers ${o.browsers.join(', ')}, ${o.rounds} predictions each, poll every ${o.pollMs} ms, ${o.workers} worker(s), work ${o.workMs} ms\n${facts.map((f) => `  ${f}`).join('\n')}\n`);
  const running: RunningProcess[] = [];
  const results: CaseResult[] = [];
  try {
    const broker = await startBroker(dataDir);
    running.push(broker);
    const workers: RunningProcess[] = [];
    for (let i = 0; i < o.workers; i++) workers.push(await startWorker(i, broker.amqpUrl, o.workMs));
    running.push(...workers);
    const server = await startExampleServer(broker.amqpUrl, broker.gatewayUrl, o.pollMs);
    running.push(server);
    // One warm-up round of each mode so the first measured case does not pay for JIT and connections.
    for (const mode of ['poll', 'push'] as const) await runCase(mode, 10, { ...o, rounds: 2 }, broker, server, workers);
    for (const n of o.browsers) {
      for (const mode of ['poll', 'push'] as const) {
        const r = await runCase(mode, n, o, broker, server, workers);
        results.push(r);
        process.stdout.write(`  ${mode} × ${n}: p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.perResult.toFixed(2)} ${mode === 'poll' ? 'HTTP requests' : 'WS messages'}/result, ` +
          `${r.results} results (${r.errors} errors) in ${r.wallSeconds.toFixed(1)} s; CPU broker ${r.brokerCpuPercent.toFixed(0)}%, server ${r.serverCpuPercent.toFixed(0)}%, worker ${r.workerCpuPercent.toFixed(0)}%` +
          `${r.errorSamples.length > 0 ? `; first errors: ${r.errorSamples.join(' | ')}` : ''}\n`);
      }
    }
  } finally {
    for (const p of running.reverse()) await p.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const caption = `${date} · ${facts[1] ?? ''}\n${o.rounds} predictions per browser, each taking ${o.workMs} ms + the model, polling every ${o.pollMs} ms, ${o.workers} worker; all processes on one machine`;
  const rows: ChartRow[] = results.map((r) => ({ ...r }));
  mkdirSync(dirname(o.svg), { recursive: true });
  writeFileSync(o.svg, renderChart(rows, caption));
  mkdirSync(dirname(o.json), { recursive: true });
  writeFileSync(o.json, `${JSON.stringify({ date, options: o, machine: facts, results }, null, 2)}\n`);
  process.stdout.write(`\n${table(results)}\n\nbusiest process per case: ${results.map((r) => `${r.mode}×${r.browsers}: ${busiest(r)}`).join('; ')}\n`);
  process.stdout.write(`chart: ${relative(REPO_ROOT, o.svg)}; data: ${relative(REPO_ROOT, o.json)}; took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  const failed = results.filter((r) => r.results === 0 || r.errors > 0);
  if (failed.length > 0) {
    process.stderr.write(`bench:prediction: ${failed.length} case(s) had errors or no results\n`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:prediction: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
