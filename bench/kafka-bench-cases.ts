// The cases of the Kafka benchmark: produce, consume and fixed-rate latency runs against one
// broker, each by one or more client processes, with the end offsets checked after a produce.
import { createRequire } from 'node:module';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MIB, syncDisks, warmPageCache } from './bench-report.js';
import {
  CONFLUENT_CLIENT,
  KAFKAJS_CLIENT,
  PYTHON,
  runProtocolClients,
  type Broker,
  type ClientCommand,
  type Measured,
  waitForQuiet,
} from './kafka-bench-processes.js';
import { runKcats } from './kafka-kcat.js';

const require = createRequire(import.meta.url);
const kafkajs = require('kafkajs') as typeof import('kafkajs');

/** kcat and confluent-kafka both run librdkafka 2.0.2; kafkajs is pure JavaScript. */
export type Client = 'kcat' | 'confluent-kafka' | 'kafkajs';
export type Acks = '1' | 'all';

export interface CaseSettings {
  workDir: string;
  lingerMs: number;
  batchBytes: number;
  kafkajsRecordsPerSend: number;
  kafkajsSendsInFlight: number;
  fetchBytesMax: number;
  cold: boolean;
  timeoutMs: number;
  /** Before each run, wait up to this long for other processes to leave the cores (0: don't). */
  quietWaitSeconds: number;
  quietPercentMax: number;
}

export interface Row {
  kind: 'produce' | 'consume' | 'latency';
  /** 1-based round of --repeat. */
  round: number;
  client: Client;
  processes: number;
  recordBytes: number;
  acks: Acks | '';
  topic: string;
  records: number;
  bytes: number;
  measured: Measured;
}

export class BenchCases {
  private readonly broker: Broker;
  private readonly s: CaseSettings;
  private readonly admin: import('kafkajs').Admin;
  /** kcat -P input files (one record per line) by record size. */
  private readonly inputs = new Map<string, string>();
  /** Topics created and not yet dropped. */
  private topics: string[] = [];
  private round = 1;

  private constructor(broker: Broker, s: CaseSettings, admin: import('kafkajs').Admin) {
    this.broker = broker;
    this.s = s;
    this.admin = admin;
  }

  static async connect(broker: Broker, s: CaseSettings): Promise<BenchCases> {
    const kafka = new kafkajs.Kafka({ brokers: [broker.bootstrap], clientId: 'wharf-bench-admin', logLevel: kafkajs.logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    return new BenchCases(broker, s, admin);
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }

  /** Starts round `round`: its topics get their own names. */
  startRound(round: number): void {
    this.round = round;
  }

  /** Deletes the topics made so far, so that rounds do not fill the disk and the page cache. */
  async dropTopics(): Promise<void> {
    const topics = this.topics;
    this.topics = [];
    if (topics.length > 0) await this.admin.deleteTopics({ topics });
  }

  /** The topic a producer case of this round writes. */
  produceTopic(client: Client, recordBytes: number, acks: Acks, processes: number): string {
    return `produce-${client}-${recordBytes}b-acks${acks}-x${processes}-r${this.round}`;
  }

  /** `processes` producers, each writing `records` records to its own partition of a new topic. */
  async produce(client: Client, recordBytes: number, acks: Acks, records: number, processes: number): Promise<Row> {
    const topic = this.produceTopic(client, recordBytes, acks, processes);
    await this.createTopic(topic, processes);
    const bytes = records * processes * recordBytes;
    const input = client === 'kcat' ? this.kcatInput(recordBytes, records) : '';
    await this.prepareDisk(bytes);
    const partitions = [...Array(processes).keys()];
    let measured: Measured;
    if (client === 'kcat') {
      const conf = this.producerConf(acks).flatMap((kv) => ['-X', kv]);
      measured = await runKcats(this.broker, partitions.map((p) => ({ args: ['-P', '-b', this.broker.bootstrap, '-t', topic, '-p', String(p), ...conf], stdinFile: input })), this.s.timeoutMs);
    } else {
      measured = await runProtocolClients(this.broker, partitions.map((p) => this.producerCommand(client, topic, p, records, recordBytes, acks)), this.s.timeoutMs);
    }
    // kafkajs sends one record before the timed part, to connect and learn the metadata.
    const warmUp = client === 'kafkajs' ? processes : 0;
    await this.expectEndOffsets(topic, records * processes + warmUp);
    return { kind: 'produce', round: this.round, client, processes, recordBytes, acks, topic, records: records * processes, bytes, measured };
  }

  /** `processes` consumers, each reading `records` records of partition 0 of `topic` from the start. */
  async consume(client: Client, topic: string, recordBytes: number, records: number, processes: number): Promise<Row> {
    await this.settle();
    let measured: Measured;
    if (client === 'kcat') {
      // -e ends at the first empty fetch; fetch.wait.max.ms=10 keeps that last long poll from
      // adding librdkafka's default 500 ms to the run (data is there for every other fetch).
      const args = ['-C', '-b', this.broker.bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-X', `fetch.message.max.bytes=${this.s.fetchBytesMax}`, '-X', 'fetch.wait.max.ms=10'];
      measured = await runKcats(this.broker, Array.from({ length: processes }, () => ({ args, stdinFile: null })), this.s.timeoutMs);
    } else {
      const command = client === 'kafkajs'
        ? { command: process.execPath, args: [KAFKAJS_CLIENT, 'consume', this.broker.bootstrap, topic, '0', String(records), String(this.s.fetchBytesMax)] }
        : { command: PYTHON, args: [CONFLUENT_CLIENT, 'consume', this.broker.bootstrap, topic, '0', String(records), `fetch.message.max.bytes=${this.s.fetchBytesMax}`] };
      measured = await runProtocolClients(this.broker, Array.from({ length: processes }, () => command), this.s.timeoutMs);
    }
    const got = measured.reports.map((r) => r.records);
    // kcat reads to the end of the partition; the others stop after `records`.
    const readEach = client === 'kcat' ? Math.min(...got) : records;
    if (got.some((n) => n < readEach || !Number.isFinite(n))) throw new Error(`${client} consumers read ${got.join(', ')} records of ${topic}, expected ${readEach}`);
    return { kind: 'consume', round: this.round, client, processes, recordBytes, acks: '', topic, records: readEach * processes, bytes: readEach * processes * recordBytes, measured };
  }

  /** confluent-kafka at a fixed rate with linger.ms=0, keeping librdkafka's per-message latency. */
  async latency(rate: number, seconds: number, recordBytes: number, acks: Acks): Promise<Row> {
    const topic = `latency-${recordBytes}b-acks${acks}-r${this.round}`;
    await this.createTopic(topic, 1);
    await this.prepareDisk(rate * seconds * recordBytes);
    const command = { command: PYTHON, args: [CONFLUENT_CLIENT, 'latency', this.broker.bootstrap, topic, '0', String(rate), String(seconds), String(recordBytes), acks] };
    const measured = await runProtocolClients(this.broker, [command], this.s.timeoutMs + seconds * 1000);
    const records = rate * seconds;
    await this.expectEndOffsets(topic, records);
    return { kind: 'latency', round: this.round, client: 'confluent-kafka', processes: 1, recordBytes, acks, topic, records, bytes: records * recordBytes, measured };
  }

  private producerConf(acks: Acks): string[] {
    return [`acks=${acks}`, `linger.ms=${this.s.lingerMs}`, `batch.size=${this.s.batchBytes}`];
  }

  private producerCommand(client: Client, topic: string, partition: number, records: number, recordBytes: number, acks: Acks): ClientCommand {
    const common = [this.broker.bootstrap, topic, String(partition), String(records), String(recordBytes)];
    if (client === 'kafkajs') {
      const acksNumber = acks === 'all' ? '-1' : '1';
      return { command: process.execPath, args: [KAFKAJS_CLIENT, 'produce', ...common, acksNumber, String(this.s.kafkajsRecordsPerSend), String(this.s.kafkajsSendsInFlight)] };
    }
    const conf = this.producerConf(acks);
    return { command: PYTHON, args: [CONFLUENT_CLIENT, 'produce', ...common, acks, ...conf.filter((kv) => !kv.startsWith('acks='))] };
  }

  /** A new topic of this round, dropped with the others at the round's end. */
  async newTopic(topic: string, partitions: number): Promise<string> {
    await this.createTopic(topic, partitions);
    return topic;
  }

  private async createTopic(topic: string, partitions: number): Promise<void> {
    const created = await this.admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    if (!created) throw new Error(`topic ${topic} already exists`);
    this.topics.push(topic);
  }

  private async expectEndOffsets(topic: string, records: number): Promise<void> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    const stored = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    if (stored !== records) throw new Error(`${topic} holds ${stored} records, expected ${records}`);
  }

  /** Dirty pages of earlier runs are written back; the page cache the run needs is warmed. */
  private async prepareDisk(bytes: number): Promise<void> {
    syncDisks();
    if (!this.s.cold) warmPageCache(this.s.workDir, bytes);
    await this.settle();
  }

  private async settle(): Promise<void> {
    if (this.s.quietWaitSeconds > 0) await waitForQuiet(this.s.quietWaitSeconds, this.s.quietPercentMax);
  }

  /** A file of `records` lines of `recordBytes` bytes each, which kcat -P turns into one record per line. */
  private kcatInput(recordBytes: number, records: number): string {
    const key = `${recordBytes}x${records}`;
    const existing = this.inputs.get(key);
    if (existing !== undefined) return existing;
    const file = join(this.s.workDir, `kcat-input-${key}.txt`);
    const line = Buffer.alloc(recordBytes + 1, 'wharf-bench-');
    line[recordBytes] = 0x0a;
    const linesPerChunk = Math.max(1, Math.floor(MIB / line.length));
    const chunk = Buffer.concat(Array.from({ length: linesPerChunk }, () => line));
    const fd = openSync(file, 'w');
    try {
      for (let left = records; left > 0; left -= linesPerChunk) {
        writeSync(fd, chunk, 0, Math.min(left, linesPerChunk) * line.length);
      }
    } finally {
      closeSync(fd);
    }
    this.inputs.set(key, file);
    return file;
  }
}
