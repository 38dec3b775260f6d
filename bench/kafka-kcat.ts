// kcat runs of the Kafka benchmark. kcat has no ready/go handshake, so a run's window goes from
// spawn to exit and includes connecting and the metadata round trip (tens of ms).
//
// CPU: kcat runs under `bash -c 'kcat "$@"; times >&3'`. bash's `times` gives the exact user +
// system time of the reaped kcat, which /proc/<pid>/stat can no longer show once kcat has exited.
// Meanwhile kcat's threads are sampled from /proc every SAMPLE_MS, so the busiest thread's share
// of a core is known too (over the sampled part of the run).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { CpuProbe, machineBusySeconds, pinnedCommand, threadCpuSeconds, type Broker, type CpuWindow, type Measured } from './kafka-bench-processes.js';

const SAMPLE_MS = 20;

export interface KcatRun {
  args: string[];
  /** File fed to kcat's stdin (kcat -P), or null. */
  stdinFile: string | null;
}

/** Runs kcat processes side by side, stdout to /dev/null. */
export async function runKcats(broker: Broker, runs: KcatRun[], timeoutMs: number): Promise<Measured> {
  const devNull = openSync('/dev/null', 'w');
  const inputs = runs.map((r) => (r.stdinFile === null ? 'ignore' : openSync(r.stdinFile, 'r')));
  try {
    const brokerProbe = new CpuProbe(broker.pid);
    const machine0 = machineBusySeconds();
    const t0 = performance.now();
    const done = await Promise.all(runs.map((r, i) => runKcat(r.args, inputs[i] ?? 'ignore', devNull, timeoutMs)));
    const seconds = (performance.now() - t0) / 1000;
    const brokerWindow = brokerProbe.end();
    const machine = machineBusySeconds() - machine0;
    // The busiest thread's share over the sampled part, scaled to the whole window.
    const clients: CpuWindow[] = done.map((d) => ({ totalSeconds: d.cpuSeconds, busiestThreadSeconds: d.busiestShare * seconds, mainThreadSeconds: NaN }));
    return { seconds, machineBusySeconds: machine, broker: brokerWindow, clients, reports: done.map((d) => ({ records: d.records, bytes: NaN, seconds: NaN })) };
  } finally {
    closeSync(devNull);
    for (const fd of inputs) if (typeof fd === 'number') closeSync(fd);
  }
}

interface KcatDone {
  cpuSeconds: number;
  /** CPU of kcat's busiest thread per second between the first and last /proc sample; NaN if too short. */
  busiestShare: number;
  /** From kcat -C's "Reached end of topic T [P] at offset N" line: the offset it stopped at. */
  records: number;
}

/** Samples the threads of bash's kcat child while it runs. */
class ThreadSampler {
  private kcatPid = 0;
  private first: { at: number; threads: Map<number, number> } | null = null;
  private last: { at: number; threads: Map<number, number> } | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(bashPid: number) {
    this.timer = setInterval(() => this.sample(bashPid), SAMPLE_MS);
  }

  private sample(bashPid: number): void {
    if (this.kcatPid === 0) {
      try {
        this.kcatPid = Number(readFileSync(`/proc/${bashPid}/task/${bashPid}/children`, 'utf8').trim().split(' ')[0] ?? 0);
      } catch {
        return;
      }
      if (!(this.kcatPid > 0)) this.kcatPid = 0;
      return;
    }
    const threads = threadCpuSeconds(this.kcatPid);
    if (threads.size === 0) return;
    const s = { at: performance.now(), threads };
    if (this.first === null) this.first = s;
    else this.last = s;
  }

  stop(): number {
    clearInterval(this.timer);
    if (this.first === null || this.last === null) return NaN;
    let busiest = 0;
    for (const [tid, cpu] of this.last.threads) busiest = Math.max(busiest, cpu - (this.first.threads.get(tid) ?? 0));
    return busiest / ((this.last.at - this.first.at) / 1000);
  }
}

function runKcat(args: string[], stdin: number | 'ignore', stdout: number, timeoutMs: number): Promise<KcatDone> {
  // bash's `times` prints the shell's own, then its children's, user and system time.
  const script = '"$@"; status=$?; times >&3; exit $status';
  const [command, argv] = pinnedCommand('clients', 'kcat', args);
  const proc = spawn('bash', ['-c', script, 'bash', command, ...argv], { stdio: [stdin, stdout, 'pipe', 'pipe'] });
  const sampler = new ThreadSampler(proc.pid ?? 0);
  let stderr = '';
  let times = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const fd3 = proc.stdio[3];
  if (fd3 !== null && fd3 !== undefined && 'setEncoding' in fd3) {
    fd3.setEncoding('utf8');
    fd3.on('data', (c: string) => {
      times += c;
    });
  }
  return new Promise<KcatDone>((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    proc.on('close', (code) => {
      clearTimeout(timer);
      const busiestShare = sampler.stop();
      // e.g. "0m0.002s 0m0.001s\n0m1.234s 0m0.567s\n": the second line is kcat's.
      const children = times.trim().split('\n')[1] ?? '';
      const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const eof = /Reached end of topic \S+ \[\d+\] at offset (\d+)/.exec(stderr);
      if (code !== 0 || parts.length !== 2) rej(new Error(`kcat ${args.join(' ')} exited ${String(code)}: ${stderr.slice(-2000)}`));
      else res({ cpuSeconds: (parts[0] ?? 0) + (parts[1] ?? 0), busiestShare, records: eof === null ? NaN : Number(eof[1]) });
    });
  });
}
