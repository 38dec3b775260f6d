// Real Kafka clients as consumer-group members, each in its own process so a test can stop it
// cleanly ("stop" on stdin: commit, LeaveGroup, exit) or SIGKILL it. The scripts
// (test/integration/kafka/clients/*_group.py, kafkajs-group-client.ts) print the same JSON lines:
// rebalance callbacks with the member's whole assignment, and each record once its offset is
// committed. Helpers wait for balanced assignments and collect what was read.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { KAFKA_CLIENT_SCRIPTS, PYTHON } from './kafka-clients.js';
import { REPO_ROOT } from './broker-process.js';
import { kafkajsClient } from './kafka-kafkajs.js';
import { waitFor } from './wait-for.js';

export type GroupClientKind = 'kafkajs' | 'confluent-kafka' | 'kafka-python';

export interface MemberEvent {
  event: 'assigned' | 'revoked' | 'record' | 'uncommitted' | 'error' | 'closed';
  partitions?: number[];
  assignment?: number[];
  incremental?: boolean;
  partition?: number;
  offset?: number;
  value?: string;
  name?: string;
  fatal?: boolean;
  message?: string;
}

export interface ReadRecord {
  partition: number;
  offset: number;
  value: string;
}

const KAFKAJS_CLIENT = join(REPO_ROOT, 'dist', 'test', 'integration', 'kafka', 'clients', 'kafkajs-group-client.js');

function command(kind: GroupClientKind): [string, string[]] {
  switch (kind) {
    case 'kafkajs': return [process.execPath, [KAFKAJS_CLIENT]];
    case 'confluent-kafka': return [PYTHON, [join(KAFKA_CLIENT_SCRIPTS, 'confluent_kafka_group.py')]];
    case 'kafka-python': return [PYTHON, [join(KAFKA_CLIENT_SCRIPTS, 'kafka_python_group.py')]];
  }
}

export class GroupMemberProcess {
  readonly events: MemberEvent[] = [];
  readonly records: ReadRecord[] = [];
  /** The member's partitions as its last rebalance callback left them. */
  assignment: number[] = [];
  readonly exited: Promise<number | string>;
  private stderr = '';

  private constructor(readonly kind: GroupClientKind, readonly name: string, private readonly proc: ChildProcessWithoutNullStreams) {
    let pending = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('{')) this.onEvent(JSON.parse(line) as MemberEvent);
      }
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    proc.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  }

  /** Starts a member; `options` become KEY=VALUE arguments (session_ms, instance, strategy, delay_ms, client_id). */
  static start(t: TestContext, kind: GroupClientKind, bootstrap: string, group: string, topic: string, options: Record<string, string | number> = {}, name: string = kind): GroupMemberProcess {
    const [cmd, args] = command(kind);
    const extra = Object.entries(options).map(([k, v]) => `${k}=${v}`);
    const proc = spawn(cmd, [...args, bootstrap, group, topic, ...extra], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    const member = new GroupMemberProcess(kind, name, proc);
    t.after(() => member.kill());
    return member;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  get stderrTail(): string {
    return this.stderr.slice(-2000);
  }

  /** Asks the member to commit, leave the group and exit; resolves once it has. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (!this.alive) return;
    this.proc.stdin.end('stop\n');
    const timer = setTimeout(() => this.kill(), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL: the member vanishes without leaving; only its session timeout removes it. */
  async kill(): Promise<void> {
    if (this.alive) this.proc.kill('SIGKILL');
    await this.exited;
  }

  errors(): MemberEvent[] {
    return this.events.filter((e) => e.event === 'error');
  }

  /** How many rebalance callbacks (assigned or revoked) the member has seen so far. */
  rebalanceCount(): number {
    return this.events.filter((e) => e.event === 'assigned' || e.event === 'revoked').length;
  }

  private onEvent(e: MemberEvent): void {
    this.events.push(e);
    if ((e.event === 'assigned' || e.event === 'revoked') && e.assignment !== undefined) this.assignment = e.assignment;
    if (e.event === 'record' && e.partition !== undefined && e.offset !== undefined) this.records.push({ partition: e.partition, offset: e.offset, value: e.value ?? '' });
  }
}

/**
 * Waits until the live members' assignments are disjoint, each non-empty, and together cover
 * partitions 0..partitions-1; returns them by member name.
 */
export async function waitForBalanced(members: readonly GroupMemberProcess[], partitions: number, timeoutMs: number, what: string): Promise<Map<string, number[]>> {
  const live = members.filter((m) => m.alive);
  return waitFor(() => {
    const all = live.flatMap((m) => m.assignment);
    const disjoint = new Set(all).size === all.length;
    const covering = all.length === partitions && all.every((p) => p >= 0 && p < partitions);
    const everyone = live.every((m) => m.assignment.length > 0);
    return disjoint && covering && everyone && new Map(live.map((m) => [m.name, [...m.assignment]]));
  }, timeoutMs, `${what}: ${live.map((m) => `${m.name}=${JSON.stringify(m.assignment)}`).join(' ')}`);
}

/** Creates a topic with `partitions` partitions and writes `count` records round-robin over them (values m-0…). */
export async function createAndFill(bootstrap: string, topic: string, partitions: number, count: number, prefix = 'm'): Promise<string[]> {
  const kafka = kafkajsClient(bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  return produce(bootstrap, topic, partitions, count, prefix);
}

/** Writes `count` more records round-robin over the partitions; returns their values. */
export async function produce(bootstrap: string, topic: string, partitions: number, count: number, prefix = 'm'): Promise<string[]> {
  const producer = kafkajsClient(bootstrap).producer();
  await producer.connect();
  const values = Array.from({ length: count }, (_v, i) => `${prefix}-${i}`);
  await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ value, partition: i % partitions })) });
  await producer.disconnect();
  return values;
}

/** Every (partition, offset) read by any of the members, with duplicates kept. */
export function allRecords(members: readonly GroupMemberProcess[]): ReadRecord[] {
  return members.flatMap((m) => m.records);
}
