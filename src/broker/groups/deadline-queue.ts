// Every deadline of the group coordinator (session expiries, rebalance and sync timeouts, the
// initial rebalance delay, pending-member expiries) in one min-heap behind one timer: only the
// earliest deadline is armed, so thousands of members cost one setTimeout, not one per member per
// heartbeat (the undici `timers.js` idea, with exact rather than tick-rounded deadlines). A
// heartbeat does not touch the heap at all: the member's session deadline is a field, and its
// heap entry re-queues itself when it fires early (see rebalance.ts).
//
// Time comes from an injected clock and timer driver, so tests move time by hand (manual-time.ts).
import { strict as assert } from 'node:assert';

/** Milliseconds since the epoch. */
export type Clock = () => number;

/** Where the queue's single timer comes from: real timers in the broker, ManualTime in tests. */
export interface TimerDriver {
  set(fire: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/** setTimeout, unref'd so a pending deadline never keeps the process alive. */
export const systemTimers: TimerDriver = {
  set(fire, delayMs) {
    const timer = setTimeout(fire, delayMs);
    timer.unref();
    return timer;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** setTimeout refuses delays above int32; a longer deadline is re-armed when this one fires. */
const TIMER_DELAY_MAX_MS = 0x7fff_ffff;

export class Deadline {
  atMs: number;
  readonly seq: number;
  readonly fire: () => void;
  /** Position in the heap; -1 once fired or cancelled. */
  index = -1;

  constructor(atMs: number, seq: number, fire: () => void) {
    this.atMs = atMs;
    this.seq = seq;
    this.fire = fire;
  }

  get pending(): boolean {
    return this.index >= 0;
  }
}

export class DeadlineQueue {
  private readonly heap: Deadline[] = [];
  private readonly clock: Clock;
  private readonly driver: TimerDriver;
  private armedHandle: unknown = null;
  private armedAtMs = Infinity;
  private nextSeq = 0;
  private closed = false;

  constructor(clock: Clock, driver: TimerDriver) {
    this.clock = clock;
    this.driver = driver;
  }

  get size(): number {
    return this.heap.length;
  }

  nowMs(): number {
    return this.clock();
  }

  /** Runs `fire` once the clock reaches `atMs` (deadlines due at the same time fire in schedule order). */
  schedule(atMs: number, fire: () => void): Deadline {
    assert.ok(Number.isFinite(atMs), 'deadline must be finite');
    const deadline = new Deadline(atMs, this.nextSeq++, fire);
    if (this.closed) return deadline;
    deadline.index = this.heap.length;
    this.heap.push(deadline);
    this.up(deadline.index);
    this.arm();
    return deadline;
  }

  cancel(deadline: Deadline | null): void {
    if (deadline === null || deadline.index < 0) return;
    this.removeAt(deadline.index);
    if (this.heap.length === 0) this.disarm();
  }

  /** Drops every deadline and the timer; later schedule() calls do nothing. */
  close(): void {
    this.closed = true;
    for (const d of this.heap) d.index = -1;
    this.heap.length = 0;
    this.disarm();
  }

  private onTimer(): void {
    this.armedHandle = null;
    this.armedAtMs = Infinity;
    const now = this.clock();
    for (;;) {
      const head = this.heap[0];
      if (head === undefined || head.atMs > now || this.closed) break;
      this.removeAt(0);
      try {
        head.fire();
      } catch (err) {
        // A bug in one expiry must not stop the others; surface it like an EventEmitter would.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    this.arm();
  }

  private arm(): void {
    const head = this.heap[0];
    if (head === undefined || this.closed) return;
    if (this.armedHandle !== null && this.armedAtMs <= head.atMs) return;
    this.disarm();
    const delayMs = Math.min(Math.max(head.atMs - this.clock(), 0), TIMER_DELAY_MAX_MS);
    this.armedAtMs = head.atMs;
    this.armedHandle = this.driver.set(() => this.onTimer(), delayMs);
  }

  private disarm(): void {
    if (this.armedHandle !== null) this.driver.clear(this.armedHandle);
    this.armedHandle = null;
    this.armedAtMs = Infinity;
  }

  // ---- binary heap ordered by (atMs, seq), each entry knowing its index ----

  private removeAt(index: number): void {
    const removed = this.heap[index] as Deadline;
    const last = this.heap.pop() as Deadline;
    removed.index = -1;
    if (last === removed) return;
    this.heap[index] = last;
    last.index = index;
    this.down(index);
    this.up(last.index);
  }

  private less(a: Deadline, b: Deadline): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private up(index: number): void {
    const item = this.heap[index] as Deadline;
    while (index > 0) {
      const parentIndex = (index - 1) >>> 1;
      const parent = this.heap[parentIndex] as Deadline;
      if (!this.less(item, parent)) break;
      this.heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    this.heap[index] = item;
    item.index = index;
  }

  private down(index: number): void {
    const item = this.heap[index] as Deadline;
    const n = this.heap.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && this.less(this.heap[right] as Deadline, this.heap[child] as Deadline)) child = right;
      const c = this.heap[child] as Deadline;
      if (!this.less(c, item)) break;
      this.heap[index] = c;
      c.index = index;
      index = child;
    }
    this.heap[index] = item;
    item.index = index;
  }
}
