// Starts `wharf serve` as a real child process with a temporary data directory and free ports,
// and reads its JSON log lines, for integration and fault tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { waitFor } from './wait-for.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const WHARF_BIN = join(REPO_ROOT, 'bin', 'wharf.js');

export interface LogLine {
  level?: number;
  msg?: string;
  [field: string]: unknown;
}

export interface BrokerProcess {
  readonly proc: ChildProcess;
  readonly dataDir: string;
  readonly lines: LogLine[];
  readonly stderr: () => string;
  waitForLine(predicate: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export function makeDataDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-it-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function spawnBroker(t: TestContext, args: string[], options: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): BrokerProcess {
  const dataDir = options.dataDir ?? makeDataDir(t);
  const proc = spawn(
    process.execPath,
    [WHARF_BIN, 'serve', '--data-dir', dataDir, '--log-format', 'json', '--kafka-port', '0', '--amqp-port', '0', '--http-port', '0', ...args],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: LogLine[] = [];
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    out += chunk;
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | string>((res) => {
    proc.on('exit', (code, signal) => res(code ?? signal ?? -1));
  });
  t.after(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return {
    proc,
    dataDir,
    lines,
    stderr: () => err,
    exited,
    waitForLine(predicate, what, timeoutMs = 10_000) {
      return waitFor(() => lines.find(predicate), timeoutMs, `${what}; stderr so far: ${err}`);
    },
  };
}

/** Waits for the AMQP listener's "amqp listener ready" log line and returns the port it bound. */
export async function waitForAmqpPort(broker: BrokerProcess, timeoutMs = 30_000): Promise<number> {
  const ready = await broker.waitForLine((l) => l.msg === 'amqp listener ready', 'the amqp listener', timeoutMs);
  if (typeof ready.port !== 'number') throw new Error(`amqp listener ready line has no port: ${JSON.stringify(ready)}`);
  return ready.port;
}
