// A `wharf serve` child process for the management API tests, with helpers to call /api with
// fetch and to run the real rabbitmqadmin (Debian rabbitmq-server 3.10.8) against it.
import type { TestContext } from 'node:test';
import { spawnBroker, type BrokerProcess } from '../../helpers/broker-process.js';
import { run, type RunResult } from '../../helpers/kafka-clients.js';

export const RABBITMQADMIN = '/usr/bin/rabbitmqadmin';
const PYTHON = '/usr/bin/python3';

export interface MgmtBroker {
  readonly proc: BrokerProcess;
  readonly base: string;
  readonly httpPort: number;
  readonly amqpUrl: string;
  readonly kafkaBootstrap: string;
  /** Runs rabbitmqadmin with `args` as guest/guest (or the given user); resolves with its result. */
  admin(args: readonly string[], user?: readonly [string, string]): Promise<RunResult>;
  /** Like admin, but fails unless it exits 0; resolves with stdout. */
  adminOk(args: readonly string[], user?: readonly [string, string]): Promise<string>;
  api(method: string, path: string, body?: unknown, user?: readonly [string, string] | null, headers?: Record<string, string>): Promise<ApiAnswer>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function spawnMgmtBroker(t: TestContext, args: string[] = []): Promise<MgmtBroker> {
  const proc = spawnBroker(t, ['--host', '127.0.0.1', ...args]);
  const line = await proc.waitForLine((l) => typeof l.httpPort === 'number' && typeof l.amqpPort === 'number', 'the broker to start', 30_000);
  const httpPort = line.httpPort as number;
  const base = `http://127.0.0.1:${httpPort}`;
  t.after(async () => {
    if (proc.proc.exitCode === null) {
      proc.proc.kill('SIGTERM');
      await proc.exited;
    }
  });
  const admin = (a: readonly string[], user: readonly [string, string] = ['guest', 'guest']): Promise<RunResult> =>
    run(PYTHON, [RABBITMQADMIN, '-H', '127.0.0.1', '-P', String(httpPort), '-u', user[0], '-p', user[1], ...a]);
  return {
    proc,
    base,
    httpPort,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${line.amqpPort as number}`,
    kafkaBootstrap: `127.0.0.1:${line.kafkaPort as number}`,
    admin,
    async adminOk(a, user) {
      const r = await admin(a, user);
      if (r.code !== 0) throw new Error(`rabbitmqadmin ${a.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    async api(method, path, body, user = ['guest', 'guest'], headers = {}) {
      const h: Record<string, string> = { ...headers };
      if (user !== null) h.authorization = `Basic ${Buffer.from(`${user[0]}:${user[1]}`).toString('base64')}`;
      if (body !== undefined) h['content-type'] = 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}

/** rabbitmqadmin's tab-separated output (-f tsv): rows of cells, the header row first. */
export function tsvRows(stdout: string): string[][] {
  const text = stdout.trim();
  return text === '' || text === 'No items' ? [] : text.split('\n').map((line) => line.split('\t'));
}
