// Benchmark of Wharf's Kafka protocol with real clients (`npm run bench:kafka`).
//
// It starts its own `wharf serve` on a free port with a temporary data directory and measures:
//   1. the machine: raw sequential writes (dd bs=1M conv=fdatasync, on the data directory's
//      filesystem) and loopback TCP bandwidth (Node sender → Node sink process);
//   2. produce throughput of 100 B and 1 KiB records, acks=1 and acks=all, from a librdkafka client
//      (by default the one that needs less CPU per MB at that size: kcat -P from a pre-generated
//      file for 100 B, confluent-kafka for 1 KiB) and from kafkajs (batches, several sends in
//      flight); where a client process may be the bottleneck, two client processes run side by side;
//   3. consume throughput from the page cache: librdkafka (kcat -C by default) and kafkajs (its
//      own Fetch, since its consumer needs consumer groups);
//   4. produce latency p50/p99/p99.9 at a fixed rate (10,000 1 KiB records/s, acks=all,
//      linger.ms=0) with confluent-kafka;
//   5. with --sections groups (not in the default): consumer groups of 1, 2 and 4 confluent-kafka
//      members reading a pre-produced 4-partition topic, and the time a group of 2 takes to read
//      a departed member's partitions again after a clean close and after kill -9
//      (kafka-bench-groups.ts).
// Every case runs once per round (--repeat) and the tables show the median run and every run.
// Each run prints records/s, MB/s and the CPU % (of one core) of the broker and of each client
// process, from /proc/<pid>/stat, so it shows which side was the bottleneck. Run with --help.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { MB, machineFacts, progress } from './bench-report.js';
import { REPO_ROOT, setCpuPinning } from './kafka-bench-processes.js';
import { CLIENT_NAMES, bottleneck, groupRuns, groupTable, latencyTable, rebalanceTable, loopbackLine, mbPerSecond, medianRun, profileLines, sizeName, throughputTable } from './kafka-bench-report.js';
import { ddRun, quiet, runRounds, type BenchOptions, type Results } from './kafka-bench-rounds.js';
import { measureLoopback } from './kafka-loopback.js';
import { summarizeProfile } from './kafka-profile.js';

const FLAGS = {
  dir: { type: 'string', default: tmpdir(), help: 'parent of the temporary directory (broker data, dd file, kcat input)' },
  'flush-policy': { type: 'string', default: 'always', help: 'the broker\'s --flush-policy: always, interval:MS or never' },
  repeat: { type: 'string', default: '2', help: 'rounds: every case runs once per round; tables show the median run and every run' },
  sections: { type: 'string', default: 'raw,produce,consume,latency', help: 'what to run, comma-separated: raw, produce, consume (reads what produce wrote), latency, groups (consumer groups and rebalances; not in the default)' },
  sizes: { type: 'string', default: '100,1024', help: 'record sizes in bytes' },
  acks: { type: 'string', default: '1,all', help: 'producer acks' },
  clients: { type: 'string', default: 'librdkafka,kafkajs', help: 'client libraries' },
  'rdkafka-producer': { type: 'string', default: '100:kcat,1024:confluent-kafka', help: 'librdkafka producer: kcat (-P from a pre-generated file) or confluent-kafka, for every size or SIZE:CLIENT,…' },
  'rdkafka-consumer': { type: 'string', default: 'kcat', help: 'librdkafka consumer: kcat or confluent-kafka' },
  records: { type: 'string', default: '100:2000000,1024:500000', help: 'records per librdkafka producer process: COUNT for every size, or SIZE:COUNT,…' },
  'kafkajs-records': { type: 'string', default: '100:200000,1024:100000', help: 'records per kafkajs producer process, likewise' },
  parallel: { type: 'string', default: 'auto', help: 'two client processes side by side: auto (when a client was the bottleneck, and for librdkafka whenever the broker was not), always or never' },
  'linger-ms': { type: 'string', default: '5', help: 'librdkafka linger.ms of the throughput runs' },
  'batch-bytes': { type: 'string', default: '1000000', help: 'librdkafka batch.size' },
  'kafkajs-per-send': { type: 'string', default: '1000', help: 'records per kafkajs producer.send()' },
  'kafkajs-in-flight': { type: 'string', default: '8', help: 'kafkajs sends in flight' },
  'fetch-bytes': { type: 'string', default: String(8 * 1024 * 1024), help: 'consumer fetch size per partition (librdkafka fetch.message.max.bytes, kafkajs maxBytes)' },
  'latency-rate': { type: 'string', default: '10000', help: 'records/s of the latency run' },
  'latency-seconds': { type: 'string', default: '10', help: 'length of the latency run' },
  'latency-bytes': { type: 'string', default: '1024', help: 'record size of the latency run' },
  'group-sizes': { type: 'string', default: '1,2,4', help: 'groups section: members of each consumer group (confluent-kafka processes) that read the pre-produced topic' },
  'group-records': { type: 'string', default: '1000000', help: 'groups section: 1 KiB records produced into the topic before the groups read it' },
  'group-partitions': { type: 'string', default: '4', help: 'groups section: partitions of the group topics' },
  'rebalance-consumers': { type: 'string', default: '2', help: 'groups section: members of the rebalance runs\' group (≥ 2)' },
  'rebalance-rate': { type: 'string', default: '2000', help: 'groups section: records/s of 1 KiB produced while the rebalance runs\' group reads' },
  'dd-mb': { type: 'string', default: '1024', help: 'MiB written by each dd run (one before the broker starts, one per round after its produce runs)' },
  'loopback-mb': { type: 'string', default: '1024', help: 'MiB pushed through loopback TCP' },
  profile: { type: 'string', default: '', help: 'directory: run the broker under node --cpu-prof, keep the profile there and print its top frames' },
  'quiet-wait': { type: 'string', default: '0', help: 'seconds to wait before each run for a 1 s window in which the machine is nearly idle (shared machines)' },
  'quiet-percent': { type: 'string', default: '25', help: 'nearly idle: busy below this % of one core' },
  pin: { type: 'string', default: '', help: 'BROKER_CPUS:CLIENT_CPUS, e.g. 0:1: run the broker and the clients under taskset on separate cores, so the broker\'s own ceiling shows (empty: no pinning)' },
  cold: { type: 'boolean', default: false, help: 'skip the page-cache warm-up before each produce run' },
  keep: { type: 'boolean', default: false, help: 'keep the temporary directory' },
  help: { type: 'boolean', default: false, help: 'print this help' },
} as const;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name}: ${value} is not one of ${allowed.join(', ')}`);
  return value as T;
}

function parsePin(text: string): { broker: string; clients: string } | null {
  if (text === '') return null;
  const m = /^([\d,-]+):([\d,-]+)$/.exec(text);
  if (m === null) throw new Error(`--pin: ${text} is not BROKER_CPUS:CLIENT_CPUS (e.g. 0:1)`);
  return { broker: m[1] ?? '', clients: m[2] ?? '' };
}

function parseOptions(): BenchOptions | undefined {
  const { values } = parseArgs({ options: FLAGS, strict: true });
  if (values.help) {
    console.log('usage: npm run bench:kafka -- [flags]\n');
    for (const [name, f] of Object.entries(FLAGS)) console.log(`  --${name.padEnd(18)} ${f.help} (default ${String(f.default)})`);
    return undefined;
  }
  const int = (name: string, text: string, min: number): number => {
    const v = Number(text);
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
    return v;
  };
  const list = (text: string): string[] => text.split(',').filter((x) => x !== '');
  const sizes = list(values.sizes).map((x) => int('sizes', x, 1));
  // Either one VALUE for every size or SIZE:VALUE entries.
  const perSize = <T>(name: 'records' | 'kafkajs-records' | 'rdkafka-producer', parse: (text: string) => T): T[] => {
    const entries = list(values[name]).map((x) => x.split(':'));
    const bySize = new Map(entries.map(([a = '', b]) => (b === undefined ? [0, parse(a)] : [int(name, a, 1), parse(b)])));
    return sizes.map((size) => {
      const v = bySize.get(size) ?? bySize.get(0);
      if (v === undefined) throw new Error(`--${name} has nothing for ${size} B records: give VALUE or ${size}:VALUE`);
      return v;
    });
  };
  const sections = new Set(list(values.sections).map((s) => oneOf('sections', s, ['raw', 'produce', 'consume', 'latency', 'groups'] as const)));
  if (sections.has('consume') && !sections.has('produce')) throw new Error('--sections: consume reads the topics that produce writes; add produce');
  return {
    dir: resolve(values.dir),
    flushPolicy: values['flush-policy'],
    repeat: int('repeat', values.repeat, 1),
    sections,
    sizes,
    acks: list(values.acks).map((a) => oneOf('acks', a, ['1', 'all'] as const)),
    clients: list(values.clients).map((c) => oneOf('clients', c, ['librdkafka', 'kafkajs'] as const)),
    rdkafkaProducer: perSize('rdkafka-producer', (c) => oneOf('rdkafka-producer', c, ['confluent-kafka', 'kcat'] as const)),
    rdkafkaConsumer: oneOf('rdkafka-consumer', values['rdkafka-consumer'], ['confluent-kafka', 'kcat'] as const),
    records: perSize('records', (x) => int('records', x, 1)),
    kafkajsRecords: perSize('kafkajs-records', (x) => int('kafkajs-records', x, 1)),
    parallel: oneOf('parallel', values.parallel, ['auto', 'always', 'never'] as const),
    lingerMs: int('linger-ms', values['linger-ms'], 0),
    batchBytes: int('batch-bytes', values['batch-bytes'], 1),
    kafkajsPerSend: int('kafkajs-per-send', values['kafkajs-per-send'], 1),
    kafkajsInFlight: int('kafkajs-in-flight', values['kafkajs-in-flight'], 1),
    fetchBytes: int('fetch-bytes', values['fetch-bytes'], 1024),
    latencyRate: int('latency-rate', values['latency-rate'], 1),
    latencySeconds: int('latency-seconds', values['latency-seconds'], 1),
    latencyBytes: int('latency-bytes', values['latency-bytes'], 1),
    groupSizes: list(values['group-sizes']).map((x) => int('group-sizes', x, 1)),
    groupRecords: int('group-records', values['group-records'], 1),
    groupPartitions: int('group-partitions', values['group-partitions'], 1),
    rebalanceConsumers: int('rebalance-consumers', values['rebalance-consumers'], 2),
    rebalanceRate: int('rebalance-rate', values['rebalance-rate'], 1),
    ddMiB: int('dd-mb', values['dd-mb'], 1),
    loopbackMiB: int('loopback-mb', values['loopback-mb'], 1),
    profileDir: values.profile === '' ? null : resolve(values.profile),
    quietWaitSeconds: int('quiet-wait', values['quiet-wait'], 0),
    quietPercentMax: int('quiet-percent', values['quiet-percent'], 1),
    pin: parsePin(values.pin),
    cold: values.cold,
    keep: values.keep,
  };
}

function printReport(o: BenchOptions, r: Results): void {
  const ddRuns = r.dd.map((d) => d.ddMBps);
  const ddMedian = ddRuns.length === 0 ? NaN : [...ddRuns].sort((x, y) => x - y)[(ddRuns.length - 1) >> 1] ?? NaN;
  const ddBest = Math.max(...ddRuns);
  if (ddRuns.length > 0) {
    console.log(`\nRaw sequential write (dd if=/dev/zero bs=1M count=${o.ddMiB} conv=fdatasync, by dd's clock): ${ddRuns.map((x) => x.toFixed(0)).join(', ')} MB/s; median ${ddMedian.toFixed(0)}, best ${ddBest.toFixed(0)}`);
  }
  if (r.loopback !== null) console.log(`Loopback TCP (Node → Node process, one connection): ${loopbackLine(r.loopback)}`);
  const loopbackMBps = r.loopback === null ? NaN : r.loopback.bytes / r.loopback.seconds / MB;
  const runs = `median of ${o.repeat} run${o.repeat === 1 ? '' : 's'}`;
  if (r.produce.length > 0) {
    console.log(`\nProduce, ${runs} (flush policy ${o.flushPolicy}; MB = 10^6 bytes of record values; CPU % of one core):`);
    console.log(throughputTable(r.produce));
  }
  if (r.consume.length > 0) {
    console.log(`\nConsume from the page cache, ${runs}:`);
    console.log(throughputTable(r.consume));
  }
  if (r.latency.length > 0) {
    console.log('\nProduce latency at a fixed rate (librdkafka\'s per-message produce() → acknowledgement):');
    console.log(latencyTable(r.latency, o.latencyRate));
  }
  if (r.groups.length > 0) {
    console.log(`\nConsumer groups (confluent-kafka, librdkafka 2.0.2; subscribe, range assignor), ${runs}; the window runs from subscribe until every partition was read to its end:`);
    console.log(groupTable(r.groups));
  }
  if (r.rebalances.length > 0) {
    console.log('\nRebalance: seconds from a member\'s leave (clean close) or kill -9 until a survivor read each of its partitions again (session.timeout.ms=6000, heartbeat.interval.ms=1000):');
    console.log(rebalanceTable(r.rebalances));
  }
  console.log('\nTargets (issue #3):');
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  for (const group of groupRuns(r.produce.filter((x) => x.client !== 'kafkajs' && x.recordBytes === 1024 && x.acks === '1'))) {
    const x = medianRun(group);
    const mbps = mbPerSecond(x);
    console.log(`  produce 1 KiB acks=1, ${CLIENT_NAMES[x.client]} ×${x.processes}: ${mbps.toFixed(0)} MB/s = ${((mbps / ddMedian) * 100).toFixed(0)} % of dd's median ` +
      `(${((mbps / ddBest) * 100).toFixed(0)} % of its best); ≥ 50 % wanted — ${verdict(mbps >= ddMedian / 2)}; bottleneck: ${bottleneck(x.measured)}`);
  }
  for (const group of groupRuns(r.consume)) {
    const x = medianRun(group);
    const mbps = mbPerSecond(x);
    console.log(`  consume ${sizeName(x.recordBytes)}, ${CLIENT_NAMES[x.client]} ×${x.processes}: ${mbps.toFixed(0)} MB/s (${((mbps / loopbackMBps) * 100).toFixed(0)} % of loopback); ` +
      `≥ 500 MB/s wanted — ${verdict(mbps >= 500)}; bottleneck: ${bottleneck(x.measured)}`);
  }
}

async function main(): Promise<void> {
  const o = parseOptions();
  if (o === undefined) return;
  mkdirSync(o.dir, { recursive: true });
  if (o.pin !== null) setCpuPinning(o.pin.broker, o.pin.clients);
  const workDir = mkdtempSync(join(o.dir, 'wharf-kafka-bench-'));
  const started = performance.now();
  console.log(`Wharf Kafka benchmark (bench:kafka), ${new Date().toISOString()}`);
  for (const fact of machineFacts(workDir)) console.log(`  ${fact}`);
  console.log(`  plan: ${o.repeat} round(s) of ${[...o.sections].join(', ')}; sizes ${o.sizes.join(', ')} B; acks ${o.acks.join(', ')}; ` +
    `librdkafka: producer ${o.rdkafkaProducer.join(', ')}, consumer ${o.rdkafkaConsumer}, ${o.records.join(', ')} records; kafkajs ${o.kafkajsRecords.join(', ')} records; ` +
    `two processes: ${o.parallel}; flush policy ${o.flushPolicy}; ${o.pin === null ? 'no CPU pinning' : `broker on CPUs ${o.pin.broker}, clients on CPUs ${o.pin.clients} (taskset)`}; page cache ${o.cold ? 'not warmed' : 'warmed before each produce run'}` +
    (o.quietWaitSeconds > 0 ? `; waits up to ${o.quietWaitSeconds} s for a quiet machine before each run` : ''));
  const results: Results = { dd: [], loopback: null, produce: [], consume: [], latency: [], groups: [], rebalances: [] };
  try {
    if (o.sections.has('raw')) {
      await ddRun(o, workDir, results.dd, 'before the broker starts');
      await quiet(o);
      results.loopback = await measureLoopback(o.loopbackMiB * 1024 * 1024);
      progress(`loopback TCP: ${loopbackLine(results.loopback)}`);
    }
    if (o.sections.has('produce') || o.sections.has('latency') || o.sections.has('groups')) await runRounds(o, workDir, results);
    printReport(o, results);
    if (o.profileDir !== null) printProfile(o.profileDir);
    console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    if (o.keep) console.log(`kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

function printProfile(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const newest = files[files.length - 1];
  if (newest === undefined) {
    console.log(`\nno .cpuprofile in ${dir}`);
    return;
  }
  console.log(`\nBroker CPU profile ${join(dir, newest)}, top frames by self time:`);
  for (const line of profileLines(summarizeProfile(join(dir, newest), REPO_ROOT), 25)) console.log(line);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
