// Runs the command-line Kafka clients the integration tests drive: kcat and scripts for the
// Debian kafka-python and confluent-kafka packages (under /usr/bin/python3, which has them).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './broker-process.js';

export const PYTHON = '/usr/bin/python3';
export const KAFKA_CLIENT_SCRIPTS = join(REPO_ROOT, 'test', 'integration', 'kafka', 'clients');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  /** Called with each chunk of stdout as it arrives (for clients that report progress). */
  onStdout?: (chunk: string) => void;
}

/** Runs a command to completion; kills it (and fails) after `timeoutMs`. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      stdout += c;
      options.onStdout?.(c);
    });
    child.stderr.on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs kcat and fails with its stderr when it exits non-zero. */
export async function kcat(args: readonly string[], input?: string, timeoutMs?: number): Promise<string> {
  const r = await run('kcat', args, { input, timeoutMs });
  if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Runs test/integration/kafka/clients/<script> with the system Python; fails on a non-zero exit. */
export async function pythonClient(script: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const r = await run(PYTHON, [join(KAFKA_CLIENT_SCRIPTS, script), ...args], options);
  if (r.code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-4000)}`);
  return r.stdout;
}
