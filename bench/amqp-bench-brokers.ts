// The two brokers of `npm run bench:amqp`: Wharf (`wharf serve`) and a private RabbitMQ node
// (Debian's rabbitmq-server), each on free 127.0.0.1 ports with its own temporary directories.
// RabbitMQ runs as the current user straight from /usr/lib/rabbitmq/bin (the /usr/sbin wrapper
// would `su rabbitmq`), with its own epmd on a free port, started here so its pid is ours to stop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { REPO_ROOT } from './kafka-bench-processes.js';

const require = createRequire(import.meta.url);
const amqp = require('amqplib') as typeof import('amqplib');

const WHARF_BIN = join(REPO_ROOT, 'bin', 'wharf.js');
const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';
const START_TIMEOUT_MS = 60_000;

/** A running broker: `pid` is the process whose CPU is measured (node, or RabbitMQ's beam.smp). */
export interface AmqpBroker {
  readonly name: 'wharf' | 'rabbitmq';
  readonly pid: number;
  readonly url: string;
  readonly version: string;
  stop(): Promise<string>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => res(port));
    });
  });
}

function exitOf(proc: ChildProcess): Promise<string> {
  return new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null) res(String(proc.exitCode ?? proc.signalCode));
    else proc.on('exit', (code, signal) => res(String(code ?? signal)));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/** Kills `proc` with SIGTERM and, if it is still there after `graceMs`, SIGKILL. */
async function terminate(proc: ChildProcess, graceMs: number): Promise<string> {
  const exited = exitOf(proc);
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  const how = await exited;
  clearTimeout(timer);
  return how;
}

export interface WharfOptions {
  dataDir: string;
  flushPolicy: string;
  /** Directory for `node --cpu-prof` output, or null. */
  profileDir: string | null;
}

/** Starts `wharf serve` with every listener on a free port; resolves once AMQP listens. */
export async function startWharf(o: WharfOptions): Promise<AmqpBroker> {
  const profile = o.profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`];
  const proc = spawn(process.execPath, [
    ...profile, WHARF_BIN, 'serve', '--host', '127.0.0.1', '--data-dir', o.dataDir, '--log-format', 'json',
    '--kafka-port', '0', '--amqp-port', '0', '--http-port', '0', '--flush-policy', o.flushPolicy,
  ], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`wharf did not start within ${START_TIMEOUT_MS} ms; stderr: ${stderr}`)), START_TIMEOUT_MS);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const m = /"port":(\d+).*"msg":"amqp listener ready"|"msg":"amqp listener ready".*"port":(\d+)/.exec(line);
      if (m !== null) {
        clearTimeout(timer);
        res(Number(m[1] ?? m[2]));
      }
    });
    void exitOf(proc).then((code) => rej(new Error(`wharf exited (${code}) before listening; stderr: ${stderr}`)));
  });
  if (proc.pid === undefined) throw new Error('wharf has no pid');
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return { name: 'wharf', pid: proc.pid, url: `amqp://guest:guest@127.0.0.1:${port}`, version, stop: () => terminate(proc, 10_000) };
}

/** Why RabbitMQ cannot run here, or null when it can. */
export function rabbitmqMissing(): string | null {
  if (!existsSync(join(RABBITMQ_BIN, 'rabbitmq-server'))) return `${RABBITMQ_BIN}/rabbitmq-server not found (apt-get install rabbitmq-server)`;
  if (spawnSync('sh', ['-c', 'command -v epmd'], { stdio: 'ignore' }).status !== 0) return 'epmd (Erlang) not found on PATH';
  return null;
}

/** Parent pid of a process, from /proc/<pid>/stat, or -1. */
function parentPid(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Every living descendant of `root`. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentPid(pid);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const todo = [root];
  for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

async function canConnect(url: string): Promise<boolean> {
  try {
    const c = await amqp.connect(url);
    await c.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a private RabbitMQ node under `dir` on free ports: AMQP on 127.0.0.1, its Erlang
 * distribution port and its own epmd. Resolves once an AMQP connection succeeds.
 */
export async function startRabbitmq(dir: string): Promise<AmqpBroker> {
  const [amqpPort, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const node = `bench-${process.pid}@localhost`;
  const home = join(dir, 'home');
  for (const d of ['home', 'mnesia', 'log']) mkdirSync(join(dir, d), { recursive: true });
  // The Erlang cookie lives in $HOME; a private HOME keeps the user's own cookie untouched.
  writeFileSync(join(home, '.erlang.cookie'), `WHARFBENCH${process.pid}${Date.now()}`);
  chmodSync(join(home, '.erlang.cookie'), 0o400);
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  writeFileSync(join(dir, 'rabbitmq.conf'), '# bench:amqp: defaults, AMQP on 127.0.0.1 (set through the environment)\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
  };
  const epmd = spawn('epmd', ['-port', String(epmdPort)], { cwd: dir, stdio: 'ignore', env });
  const server = spawn(join(RABBITMQ_BIN, 'rabbitmq-server'), [], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  for (const s of [server.stdout, server.stderr]) s?.setEncoding('utf8').on('data', (c: string) => { output = (output + c).slice(-4000); });
  const url = `amqp://guest:guest@127.0.0.1:${amqpPort}`;
  const serverExit = exitOf(server);
  let exited: string | null = null;
  void serverExit.then((how) => { exited = how; });
  const deadline = Date.now() + START_TIMEOUT_MS;
  const stopAll = async (): Promise<string> => {
    // `rabbitmqctl stop` halts the node cleanly; the signals are the fallback.
    spawnSync(join(RABBITMQ_BIN, 'rabbitmqctl'), ['-n', node, 'stop'], { env, stdio: 'ignore', timeout: 30_000 });
    const how = exited ?? await Promise.race([serverExit, delay(10_000).then(() => terminate(server, 5_000))]);
    for (const pid of descendants(server.pid ?? -1)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    await terminate(epmd, 2_000);
    return how;
  };
  while (!(await canConnect(url))) {
    if (exited !== null || Date.now() > deadline) {
      await stopAll();
      throw new Error(`RabbitMQ did not start (${exited === null ? 'timeout' : `exited ${String(exited)}`}): ${output.trim().split('\n').slice(-8).join(' / ')}`);
    }
    await delay(250);
  }
  // rabbitmq-server's shell execs erl, which may exec beam.smp in place or start it as a child.
  const beam = [server.pid ?? -1, ...descendants(server.pid ?? -1)].find((pid) => commandName(pid).startsWith('beam'));
  if (beam === undefined) {
    await stopAll();
    throw new Error('RabbitMQ accepts connections, but its beam.smp process was not found under the started process');
  }
  const versionLine = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'rabbitmq-server'], { encoding: 'utf8' }).stdout;
  return { name: 'rabbitmq', pid: beam, url, version: versionLine === '' ? '?' : versionLine, stop: stopAll };
}
