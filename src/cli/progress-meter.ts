// Progress of a long produce or consume on stderr, once a second: totals and the rate over the
// last second. On a terminal the line is rewritten in place; otherwise (--progress into a file
// or pipe) each report is its own line. MB means 10^6 bytes of keys and values.
export interface ProgressSample {
  readonly records: number;
  readonly bytes: number;
}

const INTERVAL_MS = 1000;

function count(n: number, unit: string): string {
  return n === 1 ? `1 ${unit}` : `${n} ${unit}s`;
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export class ProgressMeter {
  private timer: NodeJS.Timeout | null = null;
  private readonly startedMs = Date.now();
  private lastMs = this.startedMs;
  private last: ProgressSample = { records: 0, bytes: 0 };
  private wroteInPlace = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    /** "produced", "consumed". */
    private readonly verb: string,
    private readonly sample: () => ProgressSample,
    /** What is counted: "record" (Kafka), "message" (AMQP). */
    private readonly unit = 'record',
  ) {}

  start(): this {
    this.timer = setInterval(() => this.report(), INTERVAL_MS);
    this.timer.unref();
    return this;
  }

  /** Stops the reports and prints the totals with the average rate. */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const s = this.sample();
    const seconds = Math.max((Date.now() - this.startedMs) / 1000, 0.001);
    this.write(`${this.verb} ${count(s.records, this.unit)}, ${mb(s.bytes)} MB in ${seconds.toFixed(1)} s `
      + `(${Math.round(s.records / seconds)} ${this.unit}s/s, ${mb(s.bytes / seconds)} MB/s)`, false);
  }

  private report(): void {
    const now = Date.now();
    const s = this.sample();
    const seconds = Math.max((now - this.lastMs) / 1000, 0.001);
    const rate = `${Math.round((s.records - this.last.records) / seconds)} ${this.unit}s/s, ${mb((s.bytes - this.last.bytes) / seconds)} MB/s`;
    this.last = s;
    this.lastMs = now;
    this.write(`${this.verb} ${count(s.records, this.unit)}, ${mb(s.bytes)} MB (${rate})`, this.out.isTTY === true);
  }

  private write(line: string, inPlace: boolean): void {
    // "\r" then erase-to-end-of-line rewrites the previous in-place report.
    const prefix = this.wroteInPlace ? '\r\x1b[K' : '';
    this.out.write(prefix + line + (inPlace ? '' : '\n'));
    this.wroteInPlace = inPlace;
  }
}
