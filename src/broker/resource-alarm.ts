// Memory and disk alarms, as RabbitMQ raises them: while either is on, publishing connections are
// blocked (AMQP connection.blocked) and resume when both clear. Nothing is dropped: publishers
// simply wait.
import { statfs } from 'node:fs/promises';
import { totalmem } from 'node:os';
import type { Logger } from 'pino';

export interface ResourceAlarmOptions {
  /** Resident memory above which the memory alarm goes on; 0 means 40% of the machine's memory. */
  memoryHighWatermarkBytes: number;
  /** Free space on the data directory's file system below which the disk alarm goes on. */
  diskFreeLimitBytes: number;
  dataDir: string;
  checkIntervalMs?: number;
  logger: Logger;
  /** Test seams. */
  readRss?: () => number;
  readDiskFree?: (dir: string) => Promise<number>;
}

export type AlarmListener = (blocked: boolean, reason: string) => void;

async function diskFree(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export class ResourceAlarm {
  readonly memoryLimitBytes: number;
  private memoryOn = false;
  private diskOn = false;
  private readonly listeners = new Set<AlarmListener>();
  private readonly timer: NodeJS.Timeout;
  private readonly options: ResourceAlarmOptions;
  private checking = false;

  constructor(options: ResourceAlarmOptions) {
    this.options = options;
    this.memoryLimitBytes = options.memoryHighWatermarkBytes > 0 ? options.memoryHighWatermarkBytes : Math.floor(totalmem() * 0.4);
    this.timer = setInterval(() => void this.check(), options.checkIntervalMs ?? 1000);
    this.timer.unref();
  }

  get blocked(): boolean {
    return this.memoryOn || this.diskOn;
  }

  /** Why publishers are blocked, as connection.blocked's reason. */
  get reason(): string {
    if (this.memoryOn && this.diskOn) return 'low on memory and disk';
    if (this.memoryOn) return 'low on memory';
    return this.diskOn ? 'low on disk' : '';
  }

  onChange(listener: AlarmListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const rss = (this.options.readRss ?? (() => process.memoryUsage.rss()))();
      let free = Number.POSITIVE_INFINITY;
      try {
        free = await (this.options.readDiskFree ?? diskFree)(this.options.dataDir);
      } catch (err) {
        this.options.logger.warn({ err }, 'cannot read free disk space of the data directory; the disk alarm is not checked');
      }
      const before = this.blocked;
      const memoryOn = rss > this.memoryLimitBytes;
      const diskOn = free < this.options.diskFreeLimitBytes;
      if (memoryOn !== this.memoryOn) {
        this.options.logger.warn({ rss, limit: this.memoryLimitBytes }, memoryOn ? 'memory alarm on: publishers are blocked until memory use falls' : 'memory alarm cleared');
      }
      if (diskOn !== this.diskOn) {
        this.options.logger.warn({ free, limit: this.options.diskFreeLimitBytes }, diskOn ? 'disk alarm on: publishers are blocked until free space recovers' : 'disk alarm cleared');
      }
      this.memoryOn = memoryOn;
      this.diskOn = diskOn;
      if (before !== this.blocked) for (const l of this.listeners) l(this.blocked, this.reason);
    } finally {
      this.checking = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }
}
