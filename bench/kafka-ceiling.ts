// The broker's own produce ceiling (`npm run bench:kafka-ceiling`): on a 2-core machine a real
// librdkafka producer needs about as much CPU per MB as the broker, so the two share the cores
// and neither shows its limit. Here the producer is kafka-replay-producer.js, which re-sends one
// pre-encoded Produce request (1 KiB records, ~1 MB batches, acks=1) and costs almost no CPU;
// the broker does all its usual work (CRC check, offsets, write, fdatasync per group commit).
// Printed next to dd's raw sequential write bandwidth of the same run.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { machineFacts, MB, runDd, syncDisks } from './bench-report.js';
import { CONFLUENT_CLIENT, cpuSeconds, PYTHON, REPO_ROOT, runProtocolClients, startBroker } from './kafka-bench-processes.js';

const { values } = parseArgs({
  options: {
    'total-mb': { type: 'string', default: '4000' },
    'in-flight': { type: 'string', default: '4' },
    producers: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '3' },
    'flush-policy': { type: 'string', default: 'always' },
    dir: { type: 'string', default: '' },
    profile: { type: 'string', default: '' },
    client: { type: 'string', default: 'replay' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`npm run bench:kafka-ceiling -- [--total-mb 4000] [--in-flight 4] [--producers 1] [--repeat 3] [--flush-policy always] [--dir DIR] [--profile DIR] [--client replay|confluent-kafka]
Measures how many MB/s of 1 KiB acks=1 produce the broker takes when the producer costs (almost)
no CPU (--client replay, the default) or from real librdkafka producers (--client confluent-kafka),
next to dd writing the same amount of new data to the same disk.\n`);
  process.exit(0);
}

const base = values.dir !== '' ? values.dir : mkdtempSync(join(tmpdir(), 'wharf-ceiling-'));
const totalMb = Number(values['total-mb']);
const producers = Number(values.producers);

interface Round { mbPerSec: number; brokerMsPerMb: number; clientMsPerMb: number; errors: number }

function runProducer(port: number, topic: string, partition: number, mb: number): Promise<{ pid: number; result: Promise<Record<string, number>> }> {
  const proc = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'bench', 'kafka-replay-producer.js'), '--port', String(port), '--topic', topic,
    '--partition', String(partition), '--total-mb', String(mb), '--in-flight', values['in-flight']], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
  const result = new Promise<Record<string, number>>((resolve, reject) => {
    proc.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`replay producer exited ${String(code)}: ${out}`));
      else resolve(JSON.parse(line) as Record<string, number>);
    });
  });
  return Promise.resolve({ pid: proc.pid ?? 0, result });
}

async function round(n: number): Promise<Round> {
  const dataDir = join(base, `broker-${n}`);
  const broker = await startBroker({ dataDir, flushPolicy: values['flush-policy'], profileDir: values.profile === '' ? null : values.profile });
  try {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ceiling', numPartitions: producers }] });
    await admin.disconnect();
    if (values.client === 'confluent-kafka') {
      // The real librdkafka producer (confluent-kafka), acks=1, 1 KiB records, batch.size 1 MB.
      const records = Math.floor((totalMb * 1_000_000) / producers / 1024);
      const m = await runProtocolClients(broker, Array.from({ length: producers }, (_, p) => ({
        command: PYTHON, args: [CONFLUENT_CLIENT, 'produce', broker.bootstrap, 'ceiling', String(p), String(records), '1024', '1', 'linger.ms=5', 'batch.size=1000000'],
      })), 600_000);
      const mb = m.reports.reduce((s, r) => s + r.bytes, 0) / MB;
      const clientCpu = m.clients.reduce((s, c) => s + c.totalSeconds, 0);
      return { mbPerSec: mb / m.seconds, brokerMsPerMb: (m.broker.totalSeconds * 1000) / mb, clientMsPerMb: (clientCpu * 1000) / mb, errors: 0 };
    }
    const broker0 = cpuSeconds(broker.pid);
    const started = Date.now();
    const runs = await Promise.all(Array.from({ length: producers }, (_, p) => runProducer(broker.port, 'ceiling', p, totalMb / producers)));
    const results = await Promise.all(runs.map((r) => r.result));
    const seconds = (Date.now() - started) / 1000;
    const brokerCpu = cpuSeconds(broker.pid) - broker0;
    const bytes = results.reduce((s, r) => s + (r.bytes ?? 0), 0);
    const errors = results.reduce((s, r) => s + (r.errors ?? 0), 0);
    const clientCpu = results.reduce((s, r) => s + (r.cpuSeconds ?? 0), 0);
    const mb = bytes / MB;
    return { mbPerSec: mb / seconds, brokerMsPerMb: (brokerCpu * 1000) / mb, clientMsPerMb: (clientCpu * 1000) / mb, errors };
  } finally {
    await broker.stop();
  }
}

for (const line of machineFacts(base)) console.log(line);
console.log(`date: ${new Date().toISOString()}`);
const dd: number[] = [];
const rounds: Round[] = [];
const repeat = Number(values.repeat);
// This VM's disk writes blocks it has never backed at a fraction of the speed of rewriting them,
// and ext4 hands freed blocks out again: a dd that reuses a deleted file's blocks measures the fast
// path, while a broker filling new segments takes the slow one. So dd writes as much as the broker
// into a file of its own, and nothing is deleted until the end, so neither reuses the other's
// freed blocks.
for (let i = 0; i < repeat; i++) {
  syncDisks();
  const ddDir = join(base, `dd-${i}`);
  mkdirSync(ddDir);
  dd.push(runDd(ddDir, totalMb, true).ddMBps);
  syncDisks();
  rounds.push(await round(i));
  const r = rounds[rounds.length - 1] as Round;
  console.log(`round ${i + 1}: dd ${dd[i]?.toFixed(0)} MB/s; broker ${r.mbPerSec.toFixed(0)} MB/s (${((r.mbPerSec / (dd[i] ?? 1)) * 100).toFixed(0)}% of dd), broker CPU ${r.brokerMsPerMb.toFixed(2)} ms/MB, client CPU ${r.clientMsPerMb.toFixed(2)} ms/MB, produce errors ${r.errors}`);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ddMedian = median(dd);
const brokerMedian = median(rounds.map((r) => r.mbPerSec));
console.log(`\nmedian of ${repeat}: dd ${ddMedian.toFixed(0)} MB/s; ${values.client === 'replay' ? 'broker ceiling' : 'produce from confluent-kafka'} ${brokerMedian.toFixed(0)} MB/s = ${((brokerMedian / ddMedian) * 100).toFixed(0)}% of dd; broker CPU ${median(rounds.map((r) => r.brokerMsPerMb)).toFixed(2)} ms/MB`);
if (values.dir === '') rmSync(base, { recursive: true, force: true });
