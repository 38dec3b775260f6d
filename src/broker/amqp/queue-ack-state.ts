// Which log offsets of a durable queue are done (acked, expired, dead-lettered, dropped, purged).
// Everything below `head` is done; above it, done offsets are kept as sorted disjoint ranges.
// Acks arrive mostly in order, so the usual case extends the last range or moves the head, and a
// single stuck message costs one range, not one entry per message acked after it.
import { strict as assert } from 'node:assert';

/** Sorted, disjoint, non-adjacent half-open ranges [start, end) of offsets. */
export class OffsetRanges {
  /** Flattened pairs: starts at even indexes, ends at odd ones. */
  private bounds: number[] = [];

  get rangeCount(): number {
    return this.bounds.length / 2;
  }

  get isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  /** The first range's start, or Infinity. */
  get first(): number {
    return this.bounds.length === 0 ? Infinity : (this.bounds[0] as number);
  }

  has(offset: number): boolean {
    const i = this.rangeIndex(offset);
    return i >= 0 && offset < (this.bounds[2 * i + 1] as number);
  }

  add(offset: number): void {
    const b = this.bounds;
    const n = b.length;
    // Fast path: in-order acks extend the last range.
    if (n > 0 && b[n - 1] === offset) {
      b[n - 1] = offset + 1;
      return;
    }
    if (n === 0 || (b[n - 1] as number) < offset) {
      b.push(offset, offset + 1);
      return;
    }
    const i = this.rangeIndex(offset); // last range starting at or before offset, -1 if none
    if (i >= 0 && offset < (b[2 * i + 1] as number)) return; // already there
    const joinsLeft = i >= 0 && b[2 * i + 1] === offset;
    const joinsRight = 2 * (i + 1) < n && b[2 * (i + 1)] === offset + 1;
    if (joinsLeft && joinsRight) b.splice(2 * i + 1, 2);
    else if (joinsLeft) b[2 * i + 1] = offset + 1;
    else if (joinsRight) b[2 * (i + 1)] = offset;
    else b.splice(2 * (i + 1), 0, offset, offset + 1);
  }

  /** Removes and returns the end of the first range if it starts at `offset` (head advance); else returns `offset`. */
  takeRunAt(offset: number): number {
    if (this.bounds[0] !== offset) return offset;
    const end = this.bounds[1] as number;
    this.bounds.splice(0, 2);
    return end;
  }

  /** Drops every offset at or above `limit`. */
  truncateFrom(limit: number): void {
    const b = this.bounds;
    while (b.length > 0 && (b[b.length - 2] as number) >= limit) b.length -= 2;
    if (b.length > 0 && (b[b.length - 1] as number) > limit) b[b.length - 1] = limit;
  }

  toArray(): number[] {
    return this.bounds.slice();
  }

  /** From toArray()'s output (sorted pairs, as parseAckSnapshot checks); touching ranges are merged. */
  static fromArray(pairs: readonly number[]): OffsetRanges {
    const r = new OffsetRanges();
    const b = r.bounds;
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const start = pairs[i] as number;
      const end = pairs[i + 1] as number;
      if (end <= start) continue;
      if (b.length > 0 && (b[b.length - 1] as number) >= start) b[b.length - 1] = Math.max(b[b.length - 1] as number, end);
      else b.push(start, end);
    }
    return r;
  }

  /** Index of the last range whose start ≤ offset, or -1. */
  private rangeIndex(offset: number): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length / 2 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((b[2 * mid] as number) <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}

/** The persisted form (metadata document `amqp-queue-<id>`). */
export interface AckSnapshot {
  version: 1;
  head: number;
  /** Done ranges above head, flattened [start, end) pairs. */
  done: number[];
  /** Offsets delivered and unacked at a clean close, flattened pairs; they come back redelivered. */
  delivered: number[];
  /** True only when written by close(): a restart after anything else marks every entry redelivered. */
  clean: boolean;
}

export class AckState {
  head: number;
  readonly done: OffsetRanges;

  constructor(head: number, done: OffsetRanges) {
    this.head = head;
    this.done = done;
  }

  isDone(offset: number): boolean {
    return offset < this.head || this.done.has(offset);
  }

  markDone(offset: number): void {
    assert.ok(offset >= 0, 'only log offsets are tracked');
    if (offset < this.head) return;
    if (offset === this.head) this.head = this.done.takeRunAt(offset + 1);
    else this.done.add(offset);
  }

  snapshot(delivered: OffsetRanges, clean: boolean): AckSnapshot {
    return { version: 1, head: this.head, done: this.done.toArray(), delivered: delivered.toArray(), clean };
  }
}

/** Reads a stored snapshot leniently: anything malformed counts as none (an unclean start from the log start). */
export function parseAckSnapshot(doc: unknown): AckSnapshot | null {
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as Partial<AckSnapshot>;
  if (d.version !== 1 || !Number.isSafeInteger(d.head) || !isPairs(d.done) || !isPairs(d.delivered) || typeof d.clean !== 'boolean') return null;
  return d as AckSnapshot;
}

function isPairs(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length % 2 !== 0) return false;
  let last = -1;
  for (const x of v) {
    if (!Number.isSafeInteger(x) || (x as number) < last) return false;
    last = x as number;
  }
  return true;
}
