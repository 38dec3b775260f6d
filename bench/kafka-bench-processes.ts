// Processes of the Kafka benchmark: the Wharf broker under test, client processes that follow
// the ready/go/done line protocol (bench/clients/kafka-confluent-client.py,
// bench/kafka-kafkajs-client.ts), kcat runs, and CPU accounting from /proc/<pid>/stat.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
const WHARF_BIN = join(REPO_ROOT, 'bin', 'wharf.js');
/** Debian's python3 has confluent-kafka and kafka-python; the first python3 on PATH may not. */
export const PYTHON = '/usr/bin/python3';
export const CONFLUENT_CLIENT = join(REPO_ROOT, 'bench', 'clients', 'kafka-confluent-client.py');
export const KAFKAJS_CLIENT = join(REPO_ROOT, 'dist', 'bench', 'kafka-kafkajs-client.js');

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a living process, all its threads included. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces, start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5); fields[0] here is field 3 (state).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
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
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** One measured window: wall time, and CPU seconds of the broker and of each client process. */
export interface Measured {
  seconds: number;
  brokerCpuSeconds: number;
  clientCpuSeconds: number[];
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
  const proc = spawn(c.command, c.args, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
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
    const broker0 = cpuSeconds(broker.pid);
    const client0 = clients.map((c) => cpuSeconds(c.pid));
    const clientCpuSeconds = clients.map(() => 0);
    const t0 = performance.now();
    for (const c of clients) c.proc.stdin?.write('go\n');
    const reports = await Promise.all(clients.map(async (c, i) => {
      const report = await c.done;
      clientCpuSeconds[i] = cpuSeconds(c.pid) - (client0[i] ?? 0);
      return report;
    }));
    const seconds = (performance.now() - t0) / 1000;
    const brokerCpuSeconds = cpuSeconds(broker.pid) - broker0;
    for (const r of reports) {
      if ((r.failed ?? 0) > 0) throw new Error(`${r.failed ?? 0} records failed: ${r.firstError ?? '?'}`);
    }
    return { seconds, brokerCpuSeconds, clientCpuSeconds, reports };
  } finally {
    for (const c of clients) {
      c.proc.stdin?.end();
      setTimeout(() => c.proc.kill('SIGKILL'), 5_000).unref();
    }
  }
}

export interface KcatRun {
  args: string[];
  /** File fed to kcat's stdin (kcat -P), or null. */
  stdinFile: string | null;
}

/**
 * Runs kcat processes side by side, from spawn to exit, stdout to /dev/null. kcat has no
 * ready/go handshake, so its window includes connecting and the metadata round trip. Its CPU
 * comes from the shell's `times` after kcat exits: the exact user + system time of the
 * reaped child, which /proc/<pid>/stat can no longer show once kcat has exited.
 */
export async function runKcats(broker: Broker, runs: KcatRun[], timeoutMs: number): Promise<Measured> {
  const devNull = openSync('/dev/null', 'w');
  const inputs = runs.map((r) => (r.stdinFile === null ? 'ignore' : openSync(r.stdinFile, 'r')));
  try {
    const broker0 = cpuSeconds(broker.pid);
    const t0 = performance.now();
    const cpu = await Promise.all(runs.map((r, i) => kcatWithTimes(r.args, inputs[i] ?? 'ignore', devNull, timeoutMs)));
    const seconds = (performance.now() - t0) / 1000;
    const brokerCpuSeconds = cpuSeconds(broker.pid) - broker0;
    return { seconds, brokerCpuSeconds, clientCpuSeconds: cpu, reports: [] };
  } finally {
    closeSync(devNull);
    for (const fd of inputs) if (typeof fd === 'number') closeSync(fd);
  }
}

function kcatWithTimes(args: string[], stdin: number | 'ignore', stdout: number, timeoutMs: number): Promise<number> {
  // bash's `times` prints the shell's own, then its children's, user and system time.
  const script = 'kcat "$@"; status=$?; times >&3; exit $status';
  const proc = spawn('bash', ['-c', script, 'bash', ...args], { stdio: [stdin, stdout, 'pipe', 'pipe'] });
  let stderr = '';
  let times = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const fd3 = proc.stdio[3];
  if (fd3 !== null && fd3 !== undefined && 'setEncoding' in fd3) {
    fd3.setEncoding('utf8');
    fd3.on('data', (c: string) => {
      times += c;
    });
  }
  return new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    proc.on('close', (code) => {
      clearTimeout(timer);
      // e.g. "0m0.002s 0m0.001s\n0m1.234s 0m0.567s\n": the second line is kcat's.
      const children = times.trim().split('\n')[1] ?? '';
      const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      if (code !== 0 || parts.length !== 2) rej(new Error(`kcat ${args.join(' ')} exited ${String(code)}: ${stderr.slice(-2000)}`));
      else res((parts[0] ?? 0) + (parts[1] ?? 0));
    });
  });
}
