// Log lines for bad input (STYLE 8.4): each bad connection logs once, and a flood of bad
// connections (a port scanner, TLS against a plaintext port) logs at most `linesMax` lines per
// window, then one line saying how many were left out, so bad clients cannot fill the disk.
import type { Logger } from 'pino';

export const BAD_INPUT_LINES_MAX_DEFAULT = 10;
export const BAD_INPUT_WINDOW_MS_DEFAULT = 10_000;

export interface BadInputLogOptions {
  /** Names the listener in the summary line: kafka, amqp, http. */
  protocol?: string;
  linesMax?: number;
  windowMs?: number;
  nowMs?: () => number;
}

export class BadInputLog {
  private readonly logger: Logger;
  private readonly linesMax: number;
  private readonly windowMs: number;
  private readonly nowMs: () => number;
  private windowStartMs = 0;
  private lines = 0;
  private suppressed = 0;

  private readonly protocol: string;

  constructor(logger: Logger, options: BadInputLogOptions = {}) {
    this.logger = logger;
    this.protocol = options.protocol ?? 'kafka';
    this.linesMax = options.linesMax ?? BAD_INPUT_LINES_MAX_DEFAULT;
    this.windowMs = options.windowMs ?? BAD_INPUT_WINDOW_MS_DEFAULT;
    this.nowMs = options.nowMs ?? Date.now;
  }

  warn(fields: Record<string, unknown>, message: string): void {
    const now = this.nowMs();
    if (now - this.windowStartMs >= this.windowMs) {
      if (this.suppressed > 0) this.logger.warn({ suppressed: this.suppressed, windowMs: this.windowMs }, `${this.protocol}: more connections were closed for bad input than were logged`);
      this.windowStartMs = now;
      this.lines = 0;
      this.suppressed = 0;
    }
    if (this.lines < this.linesMax) {
      this.lines++;
      this.logger.warn(fields, message);
    } else {
      this.suppressed++;
    }
  }
}
