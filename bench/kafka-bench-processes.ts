// Processes of the Kafka benchmark: the Wharf broker under test, client processes that follow
// the ready/go/done line protocol (bench/clients/kafka-confluent-client.py,
// bench/kafka-kafkajs-client.ts), and CPU accounting from /proc. kcat runs: kafka-kcat.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const WHARF_BIN = join(REPO_ROOT, 'bin', 'wharf.js');
/** Debian's python3 has confluent-kafka and kafka-python; the first python3 on PATH may not. */
export const PYTHON = '/usr/bin/python3';
export const CONFLUENT_CLIENT = join(REPO_ROOT, 'bench', 'clients', 'kafka-confluent-client.py');
export const KAFKAJS_CLIENT = join(REPO_ROOT, 'dist', 'bench', 'kafka-kafkajs-client.js');

/**
 * CPU pinning (`--pin`): the broker on one set of cores and every client on another, through
 * taskset (which execs the command, so pids stay the ones measured). Null: no pinning.
 */
const pinning: { broker: string | null; clients: string | null } = { broker: null, clients: null };

export function setCpuPinning(broker: string | null, clients: string | null): void {
  pinning.broker = broker;
  pinning.clients = clients;
}

/** `command args` as spawned for the broker or a client, under taskset when pinned. */
export function pinnedCommand(side: 'broker' | 'clients', command: string, args: string[]): [string, string[]] {
  const cpus = pinning[side];
  return cpus === null ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a living process, all its threads included. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

function statCpuSeconds(stat: string): number {
  // Fields after the command name, which may itself hold spaces, start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5); fields[0] here is field 3 (state).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds of each thread of a living process, by thread id (threads gone by now are absent). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      out.set(Number(tid), statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

/** CPU time of one process over a window: in total, on its busiest thread and on its main thread. */
export interface CpuWindow {
  totalSeconds: number;
  busiestThreadSeconds: number;
  mainThreadSeconds: number;
}

/** Samples a living process's threads when made; `end()` gives the window up to now. */
export class CpuProbe {
  private readonly pid: number;
  private readonly threads0: Map<number, number>;
  private readonly total0: number;

  constructor(pid: number) {
    this.pid = pid;
    this.threads0 = threadCpuSeconds(pid);
    this.total0 = cpuSeconds(pid);
  }

  end(): CpuWindow {
    const threads = threadCpuSeconds(this.pid);
    let busiest = 0;
    for (const [tid, s] of threads) busiest = Math.max(busiest, s - (this.threads0.get(tid) ?? 0));
    return {
      totalSeconds: cpuSeconds(this.pid) - this.total0,
      busiestThreadSeconds: busiest,
      mainThreadSeconds: (threads.get(this.pid) ?? 0) - (this.threads0.get(this.pid) ?? 0),
    };
  }
}

/** Busy CPU seconds of the whole machine (every core; /proc/stat less idle and iowait). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...ticks] = line.trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / TICKS_PER_SECOND;
}

/**
 * On a shared machine, waits up to `maxSeconds` for a one-second window in which the machine
 * was busy less than `percentMax` % of one core (the broker idles between runs, so that is other
 * processes). Returns the busy % of the last window.
 */
export async function waitForQuiet(maxSeconds: number, percentMax: number): Promise<number> {
  const deadline = performance.now() + maxSeconds * 1000;
  let busy = NaN;
  while (performance.now() < deadline) {
    const b0 = machineBusySeconds();
    const t0 = performance.now();
    await new Promise((res) => setTimeout(res, 1000));
    busy = ((machineBusySeconds() - b0) / ((performance.now() - t0) / 1000)) * 100;
    if (busy < percentMax) break;
  }
  return busy;
}

export interface Broker {
  readonly pid: number;
  readonly port: number;
  readonly bootstrap: string;
  readonly dataDir: string;
  stop(): Promise<number | string>;
}

export interface BrokerOptions {
  dataDir: string;
  flushPolicy: string;
  /** Directory for `node --cpu-prof` output, or null for no profile. */
  profileDir: string | null;
}

/** Starts `wharf serve` on a free Kafka port (AMQP and HTTP on free ports too). */
export async function startBroker(o: BrokerOptions): Promise<Broker> {
  const nodeOptions = o.profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`];
  const args = [
    ...nodeOptions, WHARF_BIN, 'serve', '--data-dir', o.dataDir, '--log-format', 'json',
    '--kafka-port', '0', '--amqp-port', '0', '--http-port', '0', '--flush-policy', o.flushPolicy,
  ];
  const [command, argv] = pinnedCommand('broker', process.execPath, args);
  const proc = spawn(command, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const exited = new Promise<number | string>((res) => proc.on('exit', (code, signal) => res(code ?? signal ?? -1)));
  const port = await new Promise<number>((res, rej) => {
    const lines = createInterface({ input: proc.stdout });
    const timer = setTimeout(() => rej(new Error(`the broker did not start within 15 s; stderr: ${stderr}`)), 15_000);
    lines.on('line', (line) => {
      const parsed = parseJson(line);
      if (parsed?.msg === 'kafka listener ready' && typeof parsed.port === 'number') {
        clearTimeout(timer);
        res(parsed.port);
      }
    });
    void exited.then((code) => rej(new Error(`the broker exited (${String(code)}) before listening; stderr: ${stderr}`)));
  });
  const pid = proc.pid;
  if (pid === undefined) throw new Error('the broker has no pid');
  return {
    pid, port, bootstrap: `127.0.0.1:${port}`, dataDir: o.dataDir,
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What a client reported in its done line. */
export interface ClientReport {
  records: number;
  bytes: number;
  /** The client's own clock over its timed part. */
  seconds: number;
  failed?: number;
  firstError?: string | null;
  latenciesMs?: number[];
  sendLagMaxMs?: number;
}

/**
 * One measured window: wall time, and the CPU time of the broker and of each client process.
 * kcat's CPU comes from bash's `times` (its total only), so its thread figures are NaN.
 */
export interface Measured {
  seconds: number;
  /** CPU seconds the whole machine was busy, every process included. */
  machineBusySeconds: number;
  broker: CpuWindow;
  clients: CpuWindow[];
  reports: ClientReport[];
}

export interface ClientCommand {
  command: string;
  args: string[];
}

interface ProtocolClient {
  proc: ChildProcess;
  pid: number;
  ready: Promise<void>;
  done: Promise<ClientReport>;
  stderr: () => string;
}

function startProtocolClient(c: ClientCommand, timeoutMs: number): ProtocolClient {
  const [command, argv] = pinnedCommand('clients', c.command, c.args);
  const proc = spawn(command, argv, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  proc.stdin?.on('error', () => undefined);
  const what = `${c.command} ${c.args.join(' ')}`;
  const exited = new Promise<never>((_, rej) => proc.on('exit', (code) => rej(new Error(`${what} exited (${String(code)}) early; stderr: ${stderr.slice(-2000)}`))));
  exited.catch(() => undefined);
  const events = new Map<string, (fields: Record<string, unknown>) => void>();
  const waitFor = (event: string): Promise<Record<string, unknown>> =>
    Promise.race([exited, new Promise<Record<string, unknown>>((res) => events.set(event, res)), timeout(timeoutMs, `${what}: no ${event} line`)]);
  const ready = waitFor('ready').then(() => undefined);
  const done = waitFor('done').then((f) => f as unknown as ClientReport);
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const parsed = parseJson(line);
    if (typeof parsed?.event === 'string') events.get(parsed.event)?.(parsed);
  });
  if (proc.pid === undefined) throw new Error(`${what}: no pid`);
  return { proc, pid: proc.pid, ready, done, stderr: () => stderr };
}

function timeout(ms: number, message: string): Promise<never> {
  return new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`${message} within ${ms} ms`)), ms).unref());
}

/**
 * Runs clients that follow the ready/go/done protocol side by side: starts them all, waits until
 * each is ready, reads the CPU counters, says go to every one, and reads the counters of each
 * client as its done line arrives (the client then waits for stdin to close). The window ends
 * when the last client is done.
 */
export async function runProtocolClients(broker: Broker, commands: ClientCommand[], timeoutMs: number): Promise<Measured> {
  const clients = commands.map((c) => startProtocolClient(c, timeoutMs));
  try {
    await Promise.all(clients.map((c) => c.ready));
    const brokerProbe = new CpuProbe(broker.pid);
    const clientProbes = clients.map((c) => new CpuProbe(c.pid));
    const machine0 = machineBusySeconds();
    const windows: CpuWindow[] = [];
    const t0 = performance.now();
    for (const c of clients) c.proc.stdin?.write('go\n');
    const reports = await Promise.all(clients.map(async (c, i) => {
      const report = await c.done;
      const probe = clientProbes[i];
      if (probe !== undefined) windows[i] = probe.end();
      return report;
    }));
    const seconds = (performance.now() - t0) / 1000;
    const brokerWindow = brokerProbe.end();
    const machine = machineBusySeconds() - machine0;
    for (const r of reports) {
      if ((r.failed ?? 0) > 0) throw new Error(`${r.failed ?? 0} records failed: ${r.firstError ?? '?'}`);
    }
    return { seconds, machineBusySeconds: machine, broker: brokerWindow, clients: windows, reports };
  } finally {
    for (const c of clients) {
      c.proc.stdin?.end();
      setTimeout(() => c.proc.kill('SIGKILL'), 5_000).unref();
    }
  }
}
