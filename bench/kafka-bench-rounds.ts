// The run order of the Kafka benchmark: the raw references (dd, loopback TCP), then per round
// every produce case, dd again, every consume case (reading that round's topics) and the latency
// run, against one broker process. Rounds repeat the same cases so each gets a spread of runs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { progress, runDd, syncDisks, warmPageCache, type DdResult } from './bench-report.js';
import { BenchCases, type Acks, type Client, type Row } from './kafka-bench-cases.js';
import { groupThroughput, rebalance, type GroupThroughputRow, type RebalanceRow } from './kafka-bench-groups.js';
import { startBroker, waitForQuiet, type Broker } from './kafka-bench-processes.js';
import { CLIENT_NAMES, bottleneck, mbPerSecond, othersPercent, recordsPerSecond, sizeName } from './kafka-bench-report.js';
import type { LoopbackResult } from './kafka-loopback.js';

export type Section = 'raw' | 'produce' | 'consume' | 'latency' | 'groups';

export interface BenchOptions {
  dir: string;
  flushPolicy: string;
  repeat: number;
  sections: Set<Section>;
  sizes: number[];
  acks: Acks[];
  clients: Array<'librdkafka' | 'kafkajs'>;
  /** Per size, in --sizes order, like records. */
  rdkafkaProducer: Client[];
  rdkafkaConsumer: Client;
  records: number[];
  kafkajsRecords: number[];
  parallel: 'auto' | 'always' | 'never';
  lingerMs: number;
  batchBytes: number;
  kafkajsPerSend: number;
  kafkajsInFlight: number;
  fetchBytes: number;
  latencyRate: number;
  latencySeconds: number;
  latencyBytes: number;
  /** Consumer-group section: members per group, records in the 4-partition topic, partitions. */
  groupSizes: number[];
  groupRecords: number;
  groupPartitions: number;
  /** Members of the rebalance runs' group, and the produce stream they read, in records/s. */
  rebalanceConsumers: number;
  rebalanceRate: number;
  ddMiB: number;
  loopbackMiB: number;
  profileDir: string | null;
  quietWaitSeconds: number;
  quietPercentMax: number;
  /** taskset CPU lists for the broker and the clients, or null. */
  pin: { broker: string; clients: string } | null;
  cold: boolean;
  keep: boolean;
}

export interface Results {
  dd: DdResult[];
  loopback: LoopbackResult | null;
  produce: Row[];
  consume: Row[];
  latency: Row[];
  groups: GroupThroughputRow[];
  rebalances: RebalanceRow[];
}

export function rowLine(r: Row): string {
  const m = r.measured;
  const clientCpu = m.clients.map((c) => ((c.totalSeconds / m.seconds) * 100).toFixed(0)).join('+');
  return `${Math.round(recordsPerSecond(r)).toLocaleString('en-US')} records/s, ${mbPerSecond(r).toFixed(0)} MB/s in ${m.seconds.toFixed(2)} s; ` +
    `CPU broker ${((m.broker.totalSeconds / m.seconds) * 100).toFixed(0)} % (main thread ${((m.broker.mainThreadSeconds / m.seconds) * 100).toFixed(0)} %), ` +
    `client ${clientCpu} %, others ${othersPercent(m).toFixed(0)} % → ${bottleneck(m)}`;
}

export async function quiet(o: BenchOptions): Promise<void> {
  if (o.quietWaitSeconds > 0) await waitForQuiet(o.quietWaitSeconds, o.quietPercentMax);
}

export async function ddRun(o: BenchOptions, workDir: string, dd: DdResult[], when: string): Promise<void> {
  syncDisks();
  if (!o.cold) warmPageCache(workDir, o.ddMiB * 1024 * 1024);
  await quiet(o);
  const r = runDd(workDir, o.ddMiB);
  dd.push(r);
  progress(`dd ${o.ddMiB} MiB (${when}): ${r.ddMBps.toFixed(0)} MB/s by dd's clock (${r.ddSeconds} s)`);
}

/**
 * Two client processes side by side, to show what the broker carries when one client process
 * is not enough: whenever a client was the bottleneck and, for librdkafka, whenever the broker
 * was not shown to be. Decided on a case's first run, so every round runs the same cases.
 */
class ParallelPlan {
  private readonly decided = new Map<string, boolean>();
  private readonly mode: BenchOptions['parallel'];

  constructor(mode: BenchOptions['parallel']) {
    this.mode = mode;
  }

  wantsTwo(r: Row): boolean {
    const key = `${r.kind}|${r.client}|${r.recordBytes}|${r.acks}`;
    let two = this.decided.get(key);
    if (two === undefined) {
      const b = bottleneck(r.measured);
      two = this.mode === 'always' || (this.mode === 'auto' && (b === 'client' || (r.client !== 'kafkajs' && b !== 'broker')));
      this.decided.set(key, two);
    }
    return two;
  }
}

interface Round {
  o: BenchOptions;
  cases: BenchCases;
  parallel: ParallelPlan;
  tag: string;
}

async function runProduce(round: Round, out: Row[]): Promise<void> {
  const { o, cases } = round;
  const plan: Array<{ client: Client; size: number; acks: Acks; records: number }> = [];
  for (const [i, size] of o.sizes.entries()) {
    for (const acks of o.acks) {
      if (o.clients.includes('librdkafka')) plan.push({ client: o.rdkafkaProducer[i] ?? 'kcat', size, acks, records: o.records[i] ?? 0 });
      if (o.clients.includes('kafkajs')) plan.push({ client: 'kafkajs', size, acks, records: o.kafkajsRecords[i] ?? 0 });
    }
  }
  for (const [k, p] of plan.entries()) {
    const label = `[${round.tag}produce ${k + 1}/${plan.length}] ${CLIENT_NAMES[p.client]}, ${sizeName(p.size)}, acks=${p.acks}`;
    progress(`${label}: ${p.records.toLocaleString('en-US')} records …`);
    const row = await cases.produce(p.client, p.size, p.acks, p.records, 1);
    out.push(row);
    progress(`${label}: ${rowLine(row)}`);
    if (round.parallel.wantsTwo(row)) {
      progress(`${label}: two client processes, ${p.records.toLocaleString('en-US')} records each, one partition each …`);
      const two = await cases.produce(p.client, p.size, p.acks, p.records, 2);
      out.push(two);
      progress(`${label} ×2: ${rowLine(two)}`);
    }
  }
}

async function runConsume(round: Round, out: Row[]): Promise<void> {
  const { o, cases } = round;
  const plan: Array<{ client: Client; size: number; records: number; producer: Client }> = [];
  for (const [i, size] of o.sizes.entries()) {
    const producer = o.rdkafkaProducer[i] ?? 'kcat';
    if (o.clients.includes('librdkafka')) plan.push({ client: o.rdkafkaConsumer, size, records: o.records[i] ?? 0, producer });
    if (o.clients.includes('kafkajs')) plan.push({ client: 'kafkajs', size, records: o.kafkajsRecords[i] ?? 0, producer });
  }
  const acks = o.acks[0] ?? '1';
  for (const [k, p] of plan.entries()) {
    // Every consumer reads the single-partition topic the librdkafka producer wrote this round.
    const topic = cases.produceTopic(p.producer, p.size, acks, 1);
    const label = `[${round.tag}consume ${k + 1}/${plan.length}] ${CLIENT_NAMES[p.client]}, ${sizeName(p.size)} from ${topic}`;
    progress(`${label} …`);
    const row = await cases.consume(p.client, topic, p.size, p.records, 1);
    out.push(row);
    progress(`${label}: ${rowLine(row)}`);
    if (round.parallel.wantsTwo(row)) {
      progress(`${label}: two consumer processes reading the same partition …`);
      const two = await cases.consume(p.client, topic, p.size, p.records, 2);
      out.push(two);
      progress(`${label} ×2: ${rowLine(two)}`);
    }
  }
}

async function runLatency(round: Round, out: Row[]): Promise<void> {
  const { o, cases } = round;
  const label = `[${round.tag}latency] confluent-kafka, ${o.latencyRate.toLocaleString('en-US')} records/s × ${o.latencySeconds} s, ${sizeName(o.latencyBytes)}, acks=all, linger.ms=0`;
  progress(`${label} …`);
  const row = await cases.latency(o.latencyRate, o.latencySeconds, o.latencyBytes, 'all');
  out.push(row);
  const sorted = [...(row.measured.reports[0]?.latenciesMs ?? [])].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN).toFixed(2);
  progress(`${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, p99.9 ${at(0.999)} ms; others ${othersPercent(row.measured).toFixed(0)} %`);
}

/**
 * The consumer-group cases: a 4-partition topic is produced (one confluent-kafka process per
 * partition, shown with the produce cases), read by a new group of each size, then the
 * rebalance runs (leave, kill -9) on a topic fed by a steady stream.
 */
async function runGroups(round: Round, broker: Broker, results: Results, n: number): Promise<void> {
  const { o, cases } = round;
  const recordBytes = 1024;
  const perPartition = Math.ceil(o.groupRecords / o.groupPartitions);
  const s = { recordBytes, fetchBytesMax: o.fetchBytes, timeoutMs: 180_000 };
  const label = `[${round.tag}groups]`;
  progress(`${label} producing ${(perPartition * o.groupPartitions).toLocaleString('en-US')} × 1 KiB into ${o.groupPartitions} partitions (one confluent-kafka process each) …`);
  const produced = await cases.produce('confluent-kafka', recordBytes, '1', perPartition, o.groupPartitions);
  results.produce.push(produced);
  progress(`${label} produced: ${rowLine(produced)}`);
  const ends = Array.from({ length: o.groupPartitions }, () => perPartition);
  for (const consumers of o.groupSizes) {
    progress(`${label} a group of ${consumers} reads ${produced.topic} …`);
    await quiet(o);
    const row = await groupThroughput(broker, s, n, produced.topic, ends, consumers);
    results.groups.push(row);
    progress(`${label} group of ${consumers}: ${groupLine(row)}`);
  }
  for (const how of ['leave', 'kill'] as const) {
    const topic = await cases.newTopic(`rebalance-${how}-r${n}`, o.groupPartitions);
    progress(`${label} rebalance: a group of ${o.rebalanceConsumers} reads ${o.rebalanceRate.toLocaleString('en-US')} records/s; one member ${how === 'leave' ? 'leaves (clean close)' : 'is killed (kill -9)'} …`);
    const row = await rebalance(broker, s, n, topic, o.groupPartitions, o.rebalanceConsumers, how, o.rebalanceRate, 2_000);
    results.rebalances.push(row);
    progress(`${label} rebalance after ${how}: partitions ${row.departed.join(', ')} read again after ${row.resumeSeconds.map((x) => x.toFixed(2)).join(', ')} s; survivors reassigned after ${row.reassignedSeconds.toFixed(2)} s`);
  }
}

export function groupLine(r: GroupThroughputRow): string {
  const m = r.measured;
  const clientCpu = m.clients.map((c) => ((c.totalSeconds / m.seconds) * 100).toFixed(0)).join('+');
  return `${Math.round(r.records / m.seconds).toLocaleString('en-US')} records/s, ${(r.bytes / m.seconds / 1e6).toFixed(0)} MB/s in ${m.seconds.toFixed(2)} s ` +
    `(all assigned after ${r.assignedSeconds.toFixed(2)} s; ${r.delivered.toLocaleString('en-US')} records delivered); CPU broker ${((m.broker.totalSeconds / m.seconds) * 100).toFixed(0)} % ` +
    `(main thread ${((m.broker.mainThreadSeconds / m.seconds) * 100).toFixed(0)} %), clients ${clientCpu} %, others ${othersPercent(m).toFixed(0)} % → ${bottleneck(m)}`;
}

/** Starts the broker and runs every round against it. */
export async function runRounds(o: BenchOptions, workDir: string, results: Results): Promise<void> {
  const dataDir = join(workDir, 'data');
  mkdirSync(dataDir);
  if (o.profileDir !== null) mkdirSync(o.profileDir, { recursive: true });
  const broker = await startBroker({ dataDir, flushPolicy: o.flushPolicy, profileDir: o.profileDir });
  progress(`broker pid ${broker.pid} on ${broker.bootstrap}, flush policy ${o.flushPolicy}, data in ${dataDir}`);
  const cases = await BenchCases.connect(broker, {
    workDir, lingerMs: o.lingerMs, batchBytes: o.batchBytes, kafkajsRecordsPerSend: o.kafkajsPerSend,
    kafkajsSendsInFlight: o.kafkajsInFlight, fetchBytesMax: o.fetchBytes, cold: o.cold, timeoutMs: 180_000,
    quietWaitSeconds: o.quietWaitSeconds, quietPercentMax: o.quietPercentMax,
  });
  const parallel = new ParallelPlan(o.parallel);
  try {
    for (let n = 1; n <= o.repeat; n++) {
      const round: Round = { o, cases, parallel, tag: o.repeat === 1 ? '' : `round ${n}/${o.repeat} · ` };
      cases.startRound(n);
      if (o.sections.has('produce')) await runProduce(round, results.produce);
      if (o.sections.has('raw')) await ddRun(o, workDir, results.dd, `round ${n}, after the produce runs`);
      if (o.sections.has('consume')) await runConsume(round, results.consume);
      if (o.sections.has('latency')) await runLatency(round, results.latency);
      if (o.sections.has('groups')) await runGroups(round, broker, results, n);
      await cases.dropTopics();
    }
  } finally {
    await cases.close();
    const code = await broker.stop();
    if (code !== 0) console.log(`  broker exited with ${String(code)}`);
  }
}
