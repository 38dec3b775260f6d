// Runs the Debian AMQP clients the amqp-python integration tests drive: scripts for pika, py-amqp
// and Celery under /usr/bin/python3 (which has them), amqp-tools, and long-running Python peers
// (an RPC server, a Celery worker) that are killed by PID when the test ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startAmqpBrokerProcess } from './amqp-broker.js';
import { REPO_ROOT, type BrokerProcess } from './broker-process.js';
import { PYTHON, run, type RunOptions } from './kafka-clients.js';
import { waitFor } from './wait-for.js';

export const AMQP_PYTHON_CLIENTS = join(REPO_ROOT, 'test', 'integration', 'amqp-python', 'clients');

export interface AmqpBroker {
  readonly process: BrokerProcess;
  readonly port: number;
  /** amqp://guest:guest@127.0.0.1:PORT// (the default vhost "/"). */
  readonly url: string;
}

/** Spawns a broker on free ports with a temporary data dir and waits for its AMQP listener. */
export async function startAmqpBroker(t: TestContext, args: string[] = []): Promise<AmqpBroker> {
  const broker = await startAmqpBrokerProcess(t, args);
  return { ...broker, url: `${broker.url}//` };
}

export function jsonLines<T>(out: string): T[] {
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as T);
}

/** Runs clients/<script> PORT-or-args… and returns its single JSON result line; fails on a non-zero exit. */
export async function pyJson<T>(script: string, args: readonly string[], options: RunOptions = {}): Promise<T> {
  const r = await run(PYTHON, [join(AMQP_PYTHON_CLIENTS, script), ...args], { timeoutMs: 60_000, ...options });
  if (r.code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-4000)}`);
  const lines = jsonLines<T>(r.stdout);
  const last = lines[lines.length - 1];
  if (last === undefined) throw new Error(`${script} ${args.join(' ')} printed no JSON: ${r.stdout}`);
  return last;
}

/** Runs an amqp-tools command (amqp-publish, amqp-get, …) against 127.0.0.1:port. */
export function amqpTool(tool: string, port: number, args: readonly string[], options: RunOptions = {}): ReturnType<typeof run> {
  return run(tool, ['--server', '127.0.0.1', '--port', String(port), ...args], { timeoutMs: 30_000, ...options });
}

export interface PythonPeer {
  readonly child: ChildProcess;
  output(): string;
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Starts a long-running Python process (cwd: the clients folder); SIGKILLs it by PID after the test. */
export function spawnPython(t: TestContext, args: readonly string[], env: NodeJS.ProcessEnv = {}): PythonPeer {
  const child = spawn(PYTHON, args, {
    cwd: AMQP_PYTHON_CLIENTS,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (c: string) => { out += c; });
  child.stderr.on('data', (c: string) => { out += c; });
  const exited = new Promise<number | string>((res) => child.on('exit', (code, signal) => res(code ?? signal ?? -1)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
  return {
    child,
    exited,
    output: () => out,
    waitForOutput: async (text, timeoutMs = 30_000) => {
      await waitFor(() => out.includes(text) || (child.exitCode !== null ? Promise.reject(new Error(`python exited ${child.exitCode}: ${out.slice(-3000)}`)) : false),
        timeoutMs, `"${text}" from python ${args.join(' ')}; output so far: ${out.slice(-3000)}`);
    },
  };
}
