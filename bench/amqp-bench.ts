// Side-by-side benchmark of Wharf's AMQP 0-9-1 and RabbitMQ (`npm run bench:amqp`), both driven
// by amqplib client processes (bench/amqp-bench-client.ts), so broker and client CPU are
// measured apart from /proc/<pid>/stat (RabbitMQ: its beam.smp process).
//
// It starts `wharf serve` (flush policy `always` unless told otherwise) and, when Debian's
// rabbitmq-server is installed, a private RabbitMQ node, both on free 127.0.0.1 ports with
// temporary directories, and runs each scenario on both, with 128 B and 1 KiB bodies:
//   durable    (a) durable queue, persistent messages, publisher confirms (a window of unconfirmed
//              messages), one consumer with manual acks and a prefetch; throughput = consumed/s
//   transient  (b) non-durable queue, non-persistent messages, no confirms, one no-ack consumer
//   rpc        sequential request/reply: a caller publishes to a queue served by a responder
//              process and waits for the reply on its exclusive reply queue (correlation id)
//   stream     like durable, on a stream queue (x-queue-type: stream) read from its first offset:
//              acks give credit back instead of removing messages
//   fanout     one publisher to a fanout exchange bound to 4 non-durable queues, one no-ack
//              consumer each; throughput = messages consumed/s over all consumers
// Run with --help for the flags.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { machineFacts, progress } from './bench-report.js';
import { rabbitmqMissing, startRabbitmq, startWharf, type AmqpBroker } from './amqp-bench-brokers.js';
import { SCENARIOS, SCENARIO_TEXT, runCase, type CaseOptions, type Row, type Scenario } from './amqp-bench-cases.js';
import { msgsPerSecond, p99, resultTable, sizeName, targetLines } from './amqp-bench-report.js';
import { REPO_ROOT } from './kafka-bench-processes.js';
import { summarizeProfile } from './kafka-profile.js';

const FLAGS = {
  only: { type: 'string', default: SCENARIOS.join(','), help: `scenarios to run, comma-separated: ${SCENARIOS.join(', ')}` },
  sizes: { type: 'string', default: '128,1024', help: 'message body sizes in bytes' },
  messages: { type: 'string', default: '100000', help: 'messages published in the durable, transient and stream scenarios' },
  'fanout-messages': { type: 'string', default: '50000', help: 'messages published to the fanout exchange (each queue gets them all)' },
  'fanout-queues': { type: 'string', default: '4', help: 'queues (and consumers) bound to the fanout exchange' },
  'rpc-calls': { type: 'string', default: '5000', help: 'timed RPC calls (after --rpc-warmup untimed ones)' },
  'rpc-warmup': { type: 'string', default: '500', help: 'untimed RPC calls first' },
  'confirm-window': { type: 'string', default: '1000', help: 'durable and stream: unconfirmed messages the publisher keeps in flight' },
  prefetch: { type: 'string', default: '1000', help: 'durable and stream: basic.qos prefetch count of the consumer' },
  'ack-every': { type: 'string', default: '1', help: 'durable and stream: the consumer sends basic.ack (multiple=true) every N messages; 1 acks each' },
  repeat: { type: 'string', default: '2', help: 'rounds, brokers alternating which goes first; the table shows the median round and every round\'s msgs/s (RPC: p99)' },
  'flush-policy': { type: 'string', default: 'always', help: 'Wharf\'s --flush-policy' },
  dir: { type: 'string', default: tmpdir(), help: 'parent of the temporary directory (Wharf data, RabbitMQ node)' },
  profile: { type: 'string', default: '', help: 'directory: run Wharf under node --cpu-prof and print the top self-time functions' },
  'no-rabbitmq': { type: 'boolean', default: false, help: 'Wharf alone' },
  'no-wharf': { type: 'boolean', default: false, help: 'RabbitMQ alone' },
  quick: { type: 'boolean', default: false, help: 'smoke run: 5000 messages, 2000 fan-out, 500 RPC calls, 1 round; too short (JIT warm-up) to compare brokers' },
  keep: { type: 'boolean', default: false, help: 'keep the temporary directory' },
  help: { type: 'boolean', default: false, help: 'print this help' },
} as const;

interface Options extends CaseOptions {
  scenarios: Scenario[];
  sizes: number[];
  repeat: number;
  flushPolicy: string;
  dir: string;
  profileDir: string | null;
  rabbitmq: boolean;
  wharf: boolean;
  keep: boolean;
}

function parseOptions(): Options | undefined {
  const { values } = parseArgs({ options: FLAGS, strict: true });
  if (values.help) {
    console.log('usage: npm run bench:amqp -- [flags]\n');
    for (const [name, f] of Object.entries(FLAGS)) console.log(`  --${name.padEnd(16)} ${f.help} (default ${String(f.default)})`);
    return undefined;
  }
  const int = (name: keyof typeof FLAGS, min: number, quick?: number): number => {
    const text = String(values[name]);
    const v = values.quick && quick !== undefined && text === FLAGS[name].default ? quick : Number(text);
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
    return v;
  };
  const scenarios = values.only.split(',').filter((s) => s !== '').map((s) => {
    if (!(SCENARIOS as readonly string[]).includes(s)) throw new Error(`--only: ${s} is not one of ${SCENARIOS.join(', ')}`);
    return s as Scenario;
  });
  return {
    scenarios,
    sizes: values.sizes.split(',').map((x) => {
      const v = Number(x);
      if (!Number.isSafeInteger(v) || v < 1) throw new Error(`--sizes: ${x} is not a size in bytes`);
      return v;
    }),
    messages: int('messages', 1, 5000),
    fanoutMessages: int('fanout-messages', 1, 2000),
    fanoutQueues: int('fanout-queues', 1),
    rpcCalls: int('rpc-calls', 1, 500),
    rpcWarmup: int('rpc-warmup', 0, 50),
    confirmWindow: int('confirm-window', 1),
    prefetch: int('prefetch', 0),
    ackEvery: int('ack-every', 1),
    repeat: int('repeat', 1, 1),
    flushPolicy: values['flush-policy'],
    dir: resolve(values.dir),
    profileDir: values.profile === '' ? null : resolve(values.profile),
    rabbitmq: !values['no-rabbitmq'],
    wharf: !values['no-wharf'],
    keep: values.keep,
  };
}

function versions(): string {
  const amqplib = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'amqplib', 'package.json'), 'utf8')) as { version: string }).version;
  const otp = spawnSync('erl', ['-noshell', '-eval', 'io:format("~s", [erlang:system_info(otp_release)]), halt().'], { encoding: 'utf8', timeout: 10_000 }).stdout;
  return `amqplib ${amqplib}; Erlang/OTP ${otp === '' ? '?' : otp}`;
}

function printPlan(o: Options, brokers: AmqpBroker[]): void {
  console.log(`  brokers: ${brokers.map((b) => `${b.name} ${b.version} (pid ${b.pid}, ${b.url.replace(/\/\/[^@]*@/, '//')})`).join('; ')}`);
  console.log(`  Wharf flush policy ${o.flushPolicy}; ${versions()}`);
  console.log(`  plan: ${o.repeat} round(s) of ${o.scenarios.join(', ')}; bodies ${o.sizes.map(sizeName).join(', ')}; ` +
    `durable/transient ${o.messages} messages; fan-out ${o.fanoutMessages} messages × ${o.fanoutQueues} queues; RPC ${o.rpcCalls} calls after ${o.rpcWarmup} warm-up`);
  console.log(`  durable: confirm window ${o.confirmWindow}, prefetch ${o.prefetch}, ack ${o.ackEvery === 1 ? 'each message' : `every ${o.ackEvery} messages (multiple=true)`}; ` +
    'transient and fan-out: no-ack consumers; RPC: no-ack consumers on both sides');
}

function runLine(r: Row): string {
  const m = r.measured;
  const rpc = r.scenario === 'rpc' ? `, p99 ${p99(r).toFixed(3)} ms` : '';
  const pct = (cpuSeconds: number): string => ((cpuSeconds / m.seconds) * 100).toFixed(0);
  // Clients in the order the case started them: consumers (RPC: responder) first, publisher (caller) last.
  return `${SCENARIO_TEXT[r.scenario]}, ${sizeName(r.bodyBytes)}, ${r.broker}: ${Math.round(msgsPerSecond(r)).toLocaleString('en-US')} msgs/s in ${m.seconds.toFixed(2)} s${rpc}; ` +
    `CPU %: broker ${pct(m.broker.totalSeconds)}, clients ${m.clients.map((c) => pct(c.totalSeconds)).join(' + ')}`;
}

async function runAll(o: Options, brokers: AmqpBroker[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (let round = 1; round <= o.repeat; round++) {
    // Alternate which broker goes first, so neither always runs in the other's aftermath.
    const order = round % 2 === 1 ? brokers : [...brokers].reverse();
    for (const scenario of o.scenarios) {
      for (const bytes of o.sizes) {
        for (const b of order) {
          const r = await runCase(scenario, b, bytes, round, o);
          rows.push(r);
          progress(`round ${round}: ${runLine(r)}`);
        }
      }
    }
  }
  return rows;
}

function printProfile(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  for (const file of files) {
    const s = summarizeProfile(file, REPO_ROOT);
    const busy = s.sampledMs - s.idleMs;
    console.log(`\nWharf profile ${file}: ${(s.sampledMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy; top self time:`);
    for (const f of s.frames.slice(0, 30)) {
      console.log(`  ${((f.selfMs / busy) * 100).toFixed(1).padStart(5)} %  self ${f.selfMs.toFixed(0).padStart(6)} ms  total ${f.totalMs.toFixed(0).padStart(6)} ms  ${f.frame}`);
    }
  }
}

async function main(): Promise<void> {
  const o = parseOptions();
  if (o === undefined) return;
  mkdirSync(o.dir, { recursive: true });
  const work = mkdtempSync(join(o.dir, 'wharf-amqp-bench-'));
  console.log(`Wharf vs RabbitMQ over AMQP 0-9-1 (bench:amqp), ${new Date().toString()}`);
  for (const fact of machineFacts(work)) console.log(`  ${fact}`);
  console.log(`  nproc: ${cpus().length}`);
  const brokers: AmqpBroker[] = [];
  const stopAll = async (): Promise<void> => {
    for (const b of brokers.splice(0)) await b.stop().catch((err: unknown) => console.error(`stopping ${b.name}: ${String(err)}`));
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  try {
    if (o.wharf) {
      if (o.profileDir !== null) mkdirSync(o.profileDir, { recursive: true });
      brokers.push(await startWharf({ dataDir: join(work, 'wharf'), flushPolicy: o.flushPolicy, profileDir: o.profileDir }));
    }
    if (o.rabbitmq) {
      const missing = rabbitmqMissing();
      if (missing !== null) console.log(`  RabbitMQ: not run: ${missing}`);
      else {
        try {
          brokers.push(await startRabbitmq(join(work, 'rabbitmq')));
        } catch (err) {
          console.log(`  RabbitMQ: could not start, continuing without it: ${(err as Error).message}`);
        }
      }
    }
    if (brokers.length === 0) throw new Error('no broker to run against');
    printPlan(o, brokers);
    const started = performance.now();
    const rows = await runAll(o, brokers);
    console.log(`\nResults (${new Date().toString()}, ${((performance.now() - started) / 1000).toFixed(0)} s). msgs/s = messages consumed per second ` +
      '(RPC: calls), MB = 10^6 body bytes; CPU % of one core over the window, broker = node (main = its JS thread) or beam.smp, client = all client processes:');
    console.log(resultTable(rows, cpus().length));
    const targets = targetLines(rows);
    if (targets.length > 0) console.log(`\nTargets:\n${targets.map((t) => `  ${t}`).join('\n')}`);
  } finally {
    await stopAll();
    if (o.profileDir !== null) printProfile(o.profileDir);
    if (o.keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack ?? err.message : String(err));
  process.exitCode = 1;
});
