// A clock and timer driver that move only when told: tests (and the Kafka handler tests to come)
// pass `time.clock` and `time.timers` to GroupCoordinator.open and call `advance(ms)`, which fires
// every timer that falls due on the way, each at its own due time, in order. No sleeps, no races.
import type { Clock, TimerDriver } from './deadline-queue.js';

interface ManualTimer {
  atMs: number;
  seq: number;
  fire: () => void;
}

export class ManualTime {
  private now: number;
  private seq = 0;
  private readonly timersDue = new Set<ManualTimer>();
  readonly clock: Clock = () => this.now;
  readonly timers: TimerDriver = {
    set: (fire, delayMs) => {
      const timer: ManualTimer = { atMs: this.now + Math.max(0, delayMs), seq: this.seq++, fire };
      this.timersDue.add(timer);
      return timer;
    },
    clear: (handle) => {
      this.timersDue.delete(handle as ManualTimer);
    },
  };

  constructor(startMs = 1_700_000_000_000) {
    this.now = startMs;
  }

  get nowMs(): number {
    return this.now;
  }

  /** Timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timersDue.size;
  }

  /** Moves the clock forward by `ms`, firing each timer due on the way at its due time. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: ManualTimer | null = null;
      for (const t of this.timersDue) {
        if (t.atMs <= target && (next === null || t.atMs < next.atMs || (t.atMs === next.atMs && t.seq < next.seq))) next = t;
      }
      if (next === null) break;
      this.timersDue.delete(next);
      if (next.atMs > this.now) this.now = next.atMs;
      next.fire();
    }
    this.now = target;
  }
}
