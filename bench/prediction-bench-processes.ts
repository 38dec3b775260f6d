// The real processes of `npm run bench:prediction`: a Wharf broker (AMQP + HTTP gateway on free
// ports), the example's worker(s) and its example server, each a child process whose CPU is read
// from /proc; and the forked processes of simulated browsers.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './amqp-bench-brokers.js';
import { REPO_ROOT } from './kafka-bench-processes.js';
import type { BrowsersConfig, BrowsersResult, ChildMessage } from './prediction-bench-browsers.js';

export const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'prediction');
const WHARF_BIN = join(REPO_ROOT, 'bin', 'wharf.js');
const BROWSERS_SCRIPT = join(REPO_ROOT, 'dist', 'bench', 'prediction-bench-browsers.js');
const START_TIMEOUT_MS = 30_000;

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface BenchBroker extends RunningProcess {
  readonly amqpUrl: string;
  readonly gatewayUrl: string;
}

export interface ExampleServer extends RunningProcess {
  readonly url: string;
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (proc.exitCode !== null || proc.signalCode !== null) res();
    else proc.once('exit', () => res());
  });
}

/** SIGTERM, then SIGKILL after `graceMs`. */
async function terminate(proc: ChildProcess, graceMs = 5_000): Promise<void> {
  const done = exited(proc);
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = tcpConnect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); res(true); });
    s.once('error', () => res(false));
  });
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-6).join(' / ');
}

/** Starts `wharf serve` on free AMQP and HTTP ports; resolves once both accept connections. */
export async function startBroker(dataDir: string): Promise<BenchBroker> {
  const [amqpPort, httpPort] = [await freePort(), await freePort()];
  const proc = spawn(process.execPath, [
    WHARF_BIN, 'serve', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-format', 'json', '--log-level', 'warn',
    '--kafka-port', '0', '--amqp-port', String(amqpPort), '--http-port', String(httpPort),
  ], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr = (stderr + c).slice(-4000); });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!((await tryConnect(amqpPort)) && (await tryConnect(httpPort)))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`wharf did not listen on AMQP ${amqpPort} and HTTP ${httpPort}: ${tail(stderr)}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  if (proc.pid === undefined) throw new Error('wharf has no pid');
  return {
    name: 'broker', pid: proc.pid,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    gatewayUrl: `ws://127.0.0.1:${httpPort}/ws`,
    stop: () => terminate(proc, 10_000),
  };
}

/** Starts a script of the example with `env`; resolves with the first JSON log line whose msg is `readyMsg`. */
async function startExampleProcess(name: string, script: string, env: NodeJS.ProcessEnv, readyMsg: string): Promise<{ proc: ChildProcess; ready: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [join(EXAMPLE_DIR, script)], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => { output = (output + c).slice(-4000); });
  const ready = await new Promise<Record<string, unknown>>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${name} was not ready within ${START_TIMEOUT_MS} ms: ${tail(output)}`)), START_TIMEOUT_MS);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output = (output + line + '\n').slice(-4000);
      try {
        const o = JSON.parse(line) as Record<string, unknown>;
        if (o.msg === readyMsg) {
          clearTimeout(timer);
          res(o);
        }
      } catch {
        // not a log line
      }
    });
    void exited(proc).then(() => { clearTimeout(timer); rej(new Error(`${name} exited before it was ready: ${tail(output)}`)); });
  });
  return { proc, ready };
}

export async function startWorker(index: number, amqpUrl: string, workMs: number): Promise<RunningProcess> {
  const { proc } = await startExampleProcess(`worker ${index}`, 'worker.mjs', {
    // A slow job waits rather than computes, so one worker holds many at once.
    AMQP_URL: amqpUrl, WORK_MS: String(workMs), WORKER_ID: `w${index}`, PREFETCH: '1000',
  }, 'worker ready');
  return { name: `worker ${index}`, pid: proc.pid ?? -1, stop: () => terminate(proc) };
}

export async function startExampleServer(amqpUrl: string, gatewayUrl: string, pollMs: number): Promise<ExampleServer> {
  const { proc, ready } = await startExampleProcess('example server', 'server.mjs', {
    AMQP_URL: amqpUrl, GATEWAY_URL: gatewayUrl, POLL_MS: String(pollMs), PORT: '0', HOST: '127.0.0.1',
  }, 'example server ready');
  return { name: 'example server', pid: proc.pid ?? -1, url: `http://127.0.0.1:${String(ready.port)}`, stop: () => terminate(proc) };
}

/** A process of simulated browsers that has connected and waits for `go()`. */
export interface BrowserProcess {
  readonly pid: number;
  go(): void;
  readonly done: Promise<BrowsersResult>;
  kill(): void;
}

/** Forks one process of simulated browsers; resolves once it is ready (push mode: connected). */
export async function forkBrowsers(config: BrowsersConfig, timeoutMs: number): Promise<BrowserProcess> {
  const proc = fork(BROWSERS_SCRIPT, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onReady: (() => void) | undefined;
  let onFail: ((err: Error) => void) | undefined;
  const ready = new Promise<void>((res, rej) => { onReady = res; onFail = rej; });
  let settle: { res: (r: BrowsersResult) => void; rej: (e: Error) => void } | undefined;
  const done = new Promise<BrowsersResult>((res, rej) => { settle = { res, rej }; });
  done.catch(() => undefined); // observed by the caller once it awaits
  proc.on('message', (m: ChildMessage) => {
    if (m.type === 'ready') onReady?.();
    else if (m.type === 'done') settle?.res(m.result);
    else {
      onFail?.(new Error(m.error));
      settle?.rej(new Error(m.error));
    }
  });
  proc.once('exit', (code) => {
    const err = new Error(`browser process exited with ${String(code)}`);
    onFail?.(err);
    settle?.rej(err);
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  void done.finally(() => clearTimeout(timer)).catch(() => undefined);
  await ready;
  return {
    pid: proc.pid ?? -1,
    go: () => proc.send({ type: 'go' }),
    done,
    kill: () => { if (proc.exitCode === null) proc.kill('SIGKILL'); },
  };
}
