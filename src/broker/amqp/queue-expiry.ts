// Time rules of a queue: when a message expires (x-message-ttl and the per-message expiration,
// the smaller wins, counted from enqueue), and one re-armable timer per concern, so a queue costs
// at most a couple of timers however many messages it holds.
import type { Clock, TimerDriver } from '../groups/deadline-queue.js';

/** setTimeout refuses delays above int32; a longer deadline re-arms itself when the timer fires. */
const TIMER_DELAY_MAX_MS = 0x7fff_ffff;

/** Absolute expiry of a message enqueued at `nowMs`, Infinity when neither TTL applies. */
export function expiryOf(messageTtlMs: number, messageExpirationMs: number, nowMs: number): number {
  let ttl = messageTtlMs;
  if (messageExpirationMs >= 0 && (ttl < 0 || messageExpirationMs < ttl)) ttl = messageExpirationMs;
  return ttl < 0 ? Infinity : nowMs + ttl;
}

/**
 * One deadline on one timer. Arming for a later time than the armed one keeps the earlier timer
 * (its callback re-checks and re-arms), so callers may arm freely on hot paths.
 */
export class QueueTimer {
  private readonly driver: TimerDriver;
  private readonly clock: Clock;
  private readonly onDue: () => void;
  private handle: unknown = null;
  private atMs = Infinity;

  constructor(driver: TimerDriver, clock: Clock, onDue: () => void) {
    this.driver = driver;
    this.clock = clock;
    this.onDue = onDue;
  }

  get armedAtMs(): number {
    return this.atMs;
  }

  /** Makes sure the callback runs no later than `atMs` (Infinity does nothing). */
  armAt(atMs: number): void {
    if (atMs === Infinity || (this.handle !== null && this.atMs <= atMs)) return;
    this.disarm();
    this.atMs = atMs;
    const delay = Math.min(TIMER_DELAY_MAX_MS, Math.max(0, atMs - this.clock()));
    this.handle = this.driver.set(this.fire, delay);
  }

  disarm(): void {
    if (this.handle !== null) this.driver.clear(this.handle);
    this.handle = null;
    this.atMs = Infinity;
  }

  private readonly fire = (): void => {
    const at = this.atMs;
    this.handle = null;
    this.atMs = Infinity;
    if (this.clock() < at) this.armAt(at);
    else this.onDue();
  };
}
