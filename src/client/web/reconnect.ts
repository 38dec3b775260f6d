// Exponential backoff for reconnecting: initialDelayMs, doubling up to maxDelayMs, with "equal
// jitter" (each delay is drawn from [delay/2, delay]) so clients that lost the same broker do not
// all come back in the same millisecond.

export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 250, maxDelayMs: 10_000 };

export class Backoff {
  private attempt = 0;
  private readonly options: BackoffOptions;
  private readonly random: () => number;

  constructor(options: BackoffOptions, random: () => number = Math.random) {
    if (!(options.initialDelayMs > 0) || !(options.maxDelayMs >= options.initialDelayMs)) {
      throw new RangeError('reconnect needs 0 < initialDelayMs <= maxDelayMs');
    }
    this.options = options;
    this.random = random;
  }

  /** Attempts made since the last reset (the next one is attempts + 1). */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt, in ms. */
  next(): number {
    const ceilingMs = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(ceilingMs / 2 + (this.random() * ceilingMs) / 2);
  }

  /** Call when a connection opened: the next loss starts again from initialDelayMs. */
  reset(): void {
    this.attempt = 0;
  }
}
