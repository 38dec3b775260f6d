// Shared pieces of the benchmarks: machine facts, the raw-disk reference (dd), timing with CPU
// accounting, medians and plain-text tables.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** dd reports decimal megabytes; every MB and MB/s figure of the benchmarks is 10^6 bytes. */
export const MB = 1_000_000;
export const MIB = 1024 * 1024;

function commandOutput(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

/** OS, CPU, memory, Node and the filesystem under `dir` (from `df -T`). */
export function machineFacts(dir: string): string[] {
  const cpu = cpus();
  const dfLine = commandOutput('df', ['-T', dir]).trim().split('\n')[1] ?? '';
  const [device = '?', fsType = '?'] = dfLine.split(/\s+/);
  const osName = commandOutput('sh', ['-c', '. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"']).trim();
  return [
    `os: ${platform()} ${release()}${osName === '' ? '' : ` (${osName})`}`,
    `cpu: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores; memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `node: ${process.version}`,
    `filesystem: ${fsType} on ${device} (${dir})`,
    `load average before the run: ${commandOutput('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' ')}`,
  ];
}

/** Writes back dirty pages so that one measurement does not pay for the previous one's writeback. */
export function syncDisks(): void {
  spawnSync('sync', [], { stdio: 'ignore' });
}

/**
 * Writes `bytes` of throw-away data to a scratch file under `dir` and deletes it, so the page
 * cache pages the next measurement needs are backed by the host. On a VM that hands free memory
 * back to its host (virtio-balloon free page reporting), the first write into such memory is
 * several times slower than a write into memory in use, which no long-running broker sees.
 */
export function warmPageCache(dir: string, bytes: number): void {
  const file = join(dir, 'wharf-bench-warm.tmp');
  const chunk = Buffer.alloc(MIB, 0x5a);
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

export interface DdResult {
  bytes: number;
  ddSeconds: number;
  /** bytes / dd's own elapsed time. */
  ddMBps: number;
  /** bytes / wall time measured here around the dd process. */
  timedMBps: number;
}

/**
 * One `dd if=/dev/zero of=<dir>/wharf-bench-dd.tmp bs=1M count=<mib> conv=fdatasync`, its output
 * parsed. The file is removed afterwards unless `keep` (then its blocks cannot be reused by what
 * is measured next).
 */
export function runDd(dir: string, mib: number, keep = false): DdResult {
  const file = join(dir, 'wharf-bench-dd.tmp');
  const start = performance.now();
  const r = spawnSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'conv=fdatasync'], { encoding: 'utf8' });
  const wallSeconds = (performance.now() - start) / 1000;
  if (!keep) rmSync(file, { force: true });
  // GNU dd ends with e.g. "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 1.67668 s, 640 MB/s"
  const m = /(\d+) bytes .*copied, ([\d.]+) s/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`dd failed (status ${String(r.status)}): ${r.stderr}`);
  const bytes = Number(m[1]);
  const ddSeconds = Number(m[2]);
  return { bytes, ddSeconds, ddMBps: bytes / ddSeconds / MB, timedMBps: bytes / wallSeconds / MB };
}

export interface Timing {
  seconds: number;
  /** CPU time of this process (all threads, libuv's pool included) per wall second, in percent. */
  userPercent: number;
  systemPercent: number;
}

export async function timed(work: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, userPercent: cpu.user / 1e4 / seconds, systemPercent: cpu.system / 1e4 / seconds };
}

export function cpuText(t: Timing): string {
  return `${t.userPercent.toFixed(0)}+${t.systemPercent.toFixed(0)}`;
}

/** The element with the median key (the lower middle one for an even count). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const item = sorted[(sorted.length - 1) >> 1];
  if (item === undefined) throw new Error('medianBy: no items');
  return item;
}

export function rate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

export function mbps(bytes: number, seconds: number): string {
  return (bytes / seconds / MB).toFixed(0);
}

export function percent(part: number, whole: number): string {
  return `${((part / whole) * 100).toFixed(0)} %`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function progress(line: string): void {
  console.log(`  … ${line}`);
}
