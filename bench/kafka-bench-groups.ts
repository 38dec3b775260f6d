// Consumer-group cases of the Kafka benchmark (issue 4), with confluent-kafka (librdkafka 2.0.2)
// consumers that subscribe, so the broker's group coordinator assigns the partitions:
//
//   throughput  a group of 1, 2 or 4 members reads a 4-partition topic that was produced before
//               (N records of 1 KiB); the window runs from "go" (the members subscribe) until every
//               partition has been read to its end by some member, and includes joining the group.
//   rebalance   a group of 2+ members reads a steady produce stream; then one member leaves
//               (clean close: LeaveGroup) or is killed (kill -9: the broker notices at the session
//               timeout). Measured: from the leave or kill until every partition the departed
//               member held has been read again by a survivor (its first record there since its
//               new assignment).
//
// Every client follows the ready/go/done protocol of bench/clients/kafka-confluent-client.py and
// prints events (assigned, resumed, partition-done) on stdout, timed here on arrival.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CONFLUENT_CLIENT, CpuProbe, PYTHON, REPO_ROOT, machineBusySeconds, pinnedCommand, type Broker, type CpuWindow, type Measured } from './kafka-bench-processes.js';

export interface GroupSettings {
  readonly recordBytes: number;
  readonly fetchBytesMax: number;
  readonly timeoutMs: number;
}

export interface GroupThroughputRow {
  round: number;
  consumers: number;
  partitions: number;
  topic: string;
  /** Records in the topic: what the group must read. */
  records: number;
  bytes: number;
  /** Records the members delivered, re-reads after a rebalance included. */
  delivered: number;
  /** From go until the last member was assigned its partitions. */
  assignedSeconds: number;
  measured: Measured;
}

export interface RebalanceRow {
  round: number;
  how: 'leave' | 'kill';
  consumers: number;
  /** Partitions the departed member held. */
  departed: number[];
  /** Per departed partition: seconds from the leave or kill until a survivor read it again. */
  resumeSeconds: number[];
  /** From the leave or kill until the survivors had their new assignment. */
  reassignedSeconds: number;
  rateRecordsPerSecond: number;
}

interface ClientEvent {
  event: string;
  at: number;
  fields: Record<string, unknown>;
}

/** A client process speaking the line protocol; every event is kept with its arrival time. */
class LineClient {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly events: ClientEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private stderr = '';
  private exitCode: number | string | null = null;

  constructor(args: string[]) {
    const [command, argv] = pinnedCommand('clients', PYTHON, [CONFLUENT_CLIENT, ...args]);
    this.proc = spawn(command, argv, { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    if (this.proc.pid === undefined) throw new Error(`${args.join(' ')}: no pid`);
    this.pid = this.proc.pid;
    this.proc.stderr?.setEncoding('utf8').on('data', (c: string) => {
      this.stderr = (this.stderr + c).slice(-4000);
    });
    this.proc.stdin?.on('error', () => undefined);
    this.proc.on('exit', (code, signal) => {
      this.exitCode = code ?? signal ?? -1;
      this.wake();
    });
    createInterface({ input: this.proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const fields = parsed as Record<string, unknown>;
      if (typeof fields.event !== 'string') return;
      this.events.push({ event: fields.event, at: performance.now(), fields });
      this.wake();
    });
  }

  send(line: string): void {
    this.proc.stdin?.write(`${line}\n`);
  }

  /** Resolves once `done()` holds, checked at every event; throws on exit or timeout. */
  async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (this.exitCode !== null) throw new Error(`confluent-kafka client exited (${String(this.exitCode)}) while waiting for ${what}; stderr: ${this.stderr}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  has(event: string): boolean {
    return this.events.some((e) => e.event === event);
  }

  last(event: string): ClientEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]?.event === event) return this.events[i];
    return undefined;
  }

  kill9(): void {
    this.proc.kill('SIGKILL');
  }

  /** Closes stdin (the client then exits) and kills it if it lingers. */
  end(): void {
    this.proc.stdin?.end();
    setTimeout(() => this.proc.kill('SIGKILL'), 5_000).unref();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

function partitionsOf(e: ClientEvent | undefined): number[] {
  const p = e?.fields.partitions;
  return Array.isArray(p) ? p.map(Number) : [];
}

/** Waits for all of `clients` at once (each one's own wait may throw). */
async function untilAll(clients: LineClient[], done: (c: LineClient) => boolean, timeoutMs: number, what: string): Promise<void> {
  await Promise.all(quietly(clients.map((c) => c.until(() => done(c), timeoutMs, what))));
}

/** The waits a Promise.all or race no longer watches once settled must not reject unhandled. */
function quietly<T>(waits: Array<Promise<T>>): Array<Promise<T>> {
  for (const w of waits) w.catch(() => undefined);
  return waits;
}

/**
 * `consumers` members of a new group read `topic` (whose partition p ends at ends[p]) until every
 * partition has been read to its end by some member.
 */
export async function groupThroughput(
  broker: Broker, s: GroupSettings, round: number, topic: string, ends: number[], consumers: number,
): Promise<GroupThroughputRow> {
  const groupId = `bench-group-x${consumers}-r${round}-${Date.now()}`;
  const endsJson = JSON.stringify(Object.fromEntries(ends.map((o, p) => [String(p), o])));
  const clients = Array.from({ length: consumers }, () => new LineClient(['group', broker.bootstrap, topic, groupId, endsJson, `fetch.message.max.bytes=${s.fetchBytesMax}`]));
  try {
    await untilAll(clients, (c) => c.has('ready'), s.timeoutMs, 'ready line');
    const brokerProbe = new CpuProbe(broker.pid);
    const clientProbes = clients.map((c) => new CpuProbe(c.pid));
    const machine0 = machineBusySeconds();
    const t0 = performance.now();
    for (const c of clients) c.send('go');
    const done = new Set<number>();
    let tLast = t0;
    const allDone = (): boolean => {
      for (const c of clients) {
        for (const e of c.events) {
          if (e.event !== 'partition-done' || done.has(Number(e.fields.partition))) continue;
          done.add(Number(e.fields.partition));
          tLast = Math.max(tLast, e.at);
        }
      }
      return done.size === ends.length;
    };
    // Any one client's wait ends when the whole group is done; all of them watch for exits.
    await Promise.race(quietly(clients.map((c) => c.until(allDone, s.timeoutMs, `the group to read all ${ends.length} partitions`))));
    const seconds = (tLast - t0) / 1000;
    const brokerWindow = brokerProbe.end();
    const windows: CpuWindow[] = clientProbes.map((p) => p.end());
    const machine = machineBusySeconds() - machine0;
    const assignedAt = Math.max(...clients.map((c) => c.events.find((e) => e.event === 'assigned')?.at ?? NaN));
    for (const c of clients) c.send('stop');
    await untilAll(clients, (c) => c.has('done'), s.timeoutMs, 'done line');
    const delivered = clients.reduce((sum, c) => sum + Number(c.last('done')?.fields.records ?? 0), 0);
    const records = ends.reduce((a, b) => a + b, 0);
    return {
      round, consumers, partitions: ends.length, topic, records, bytes: records * s.recordBytes, delivered,
      assignedSeconds: (assignedAt - t0) / 1000,
      measured: { seconds, machineBusySeconds: machine, broker: brokerWindow, clients: windows, reports: [] },
    };
  } finally {
    for (const c of clients) c.end();
  }
}

/**
 * A group of `consumers` reads `topic` (`partitions` partitions) while a producer sends
 * `rate` records/s round-robin; once every member reads, member 0 leaves or is killed.
 */
export async function rebalance(
  broker: Broker, s: GroupSettings, round: number, topic: string, partitions: number, consumers: number,
  how: 'leave' | 'kill', rate: number, steadyMs: number,
): Promise<RebalanceRow> {
  const groupId = `bench-rebalance-${how}-x${consumers}-r${round}-${Date.now()}`;
  const producer = new LineClient(['stream', broker.bootstrap, topic, String(partitions), String(rate), String(s.recordBytes), '1']);
  const clients = Array.from({ length: consumers }, () => new LineClient(['group', broker.bootstrap, topic, groupId, '{}']));
  try {
    await untilAll([producer, ...clients], (c) => c.has('ready'), s.timeoutMs, 'ready line');
    producer.send('go');
    for (const c of clients) c.send('go');
    // Steady: the members' latest assignments cover every partition and each has read from all of its own.
    const steady = (): boolean => {
      const covered = new Set<number>();
      for (const c of clients) {
        const assigned = c.last('assigned');
        if (assigned === undefined) return false;
        const parts = partitionsOf(assigned);
        const resumed = new Set(c.events.filter((e) => e.event === 'resumed' && e.at >= assigned.at).map((e) => Number(e.fields.partition)));
        if (parts.some((p) => !resumed.has(p))) return false;
        for (const p of parts) covered.add(p);
      }
      return covered.size === partitions;
    };
    await clients[0]?.until(steady, s.timeoutMs, 'a steady group');
    await new Promise((r) => setTimeout(r, steadyMs));
    const [departing, ...survivors] = clients as [LineClient, ...LineClient[]];
    const departed = partitionsOf(departing.last('assigned'));
    const t0 = performance.now();
    if (how === 'leave') departing.send('leave');
    else departing.kill9();
    const firstResume = new Map<number, number>();
    let reassignedAt = NaN;
    const resumedAll = (): boolean => {
      for (const c of survivors) {
        for (const e of c.events) {
          if (e.at < t0) continue;
          if (e.event === 'assigned' && !(reassignedAt >= e.at)) reassignedAt = e.at;
          if (e.event !== 'resumed') continue;
          const p = Number(e.fields.partition);
          if (departed.includes(p) && !firstResume.has(p)) firstResume.set(p, e.at);
        }
      }
      return departed.every((p) => firstResume.has(p));
    };
    await Promise.race(quietly(survivors.map((c) => c.until(resumedAll, s.timeoutMs, `survivors to read partitions ${departed.join(', ')} again`))));
    for (const c of survivors) c.send('stop');
    producer.send('stop');
    await untilAll([producer, ...survivors], (c) => c.has('done'), s.timeoutMs, 'done line');
    const failed = Number(producer.last('done')?.fields.failed ?? 0);
    if (failed > 0) throw new Error(`the stream producer lost ${failed} records: ${String(producer.last('done')?.fields.firstError)}`);
    return {
      round, how, consumers, departed,
      resumeSeconds: departed.map((p) => ((firstResume.get(p) ?? NaN) - t0) / 1000),
      reassignedSeconds: (reassignedAt - t0) / 1000,
      rateRecordsPerSecond: rate,
    };
  } finally {
    producer.end();
    for (const c of clients) c.end();
  }
}
