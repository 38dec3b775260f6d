// The ready messages of a queue: a ring buffer per priority level, each kept in seq order, so
// the common operations (append at the tail, take from the head, put a requeued entry back
// in front) are O(1) and allocation-free. A requeued entry whose seq falls between ready ones
// (a consumer returned its second message but not its first) is inserted by binary search.
import type { QueueEntry } from './types.js';

const INITIAL_CAPACITY = 16;

/** A growable ring buffer of entries ordered by seq. */
export class EntryDeque {
  private items: Array<QueueEntry | undefined> = new Array<QueueEntry | undefined>(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  peek(): QueueEntry | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  at(i: number): QueueEntry {
    return this.items[(this.head + i) & (this.items.length - 1)] as QueueEntry;
  }

  shift(): QueueEntry | undefined {
    if (this.count === 0) return undefined;
    const entry = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return entry;
  }

  push(entry: QueueEntry): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = entry;
    this.count++;
  }

  /** Inserts `entry` at its place by seq (entries with equal seq never coexist). */
  insertOrdered(entry: QueueEntry): void {
    if (this.count === 0 || this.at(this.count - 1).seq < entry.seq) {
      this.push(entry);
      return;
    }
    if (this.count === this.items.length) this.grow();
    const mask = this.items.length - 1;
    if (entry.seq < this.at(0).seq) {
      this.head = (this.head - 1) & mask;
      this.items[this.head] = entry;
      this.count++;
      return;
    }
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).seq < entry.seq) lo = mid + 1;
      else hi = mid;
    }
    // Shift the tail [lo, count) one step right; rare (out-of-order requeues), so O(n) is fine.
    for (let i = this.count; i > lo; i--) this.items[(this.head + i) & mask] = this.items[(this.head + i - 1) & mask];
    this.items[(this.head + lo) & mask] = entry;
    this.count++;
  }

  clear(): void {
    this.items = new Array<QueueEntry | undefined>(INITIAL_CAPACITY);
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const next = new Array<QueueEntry | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.items = next;
    this.head = 0;
  }
}

/**
 * Ready entries by priority (x-max-priority): level p holds messages of priority p, capped at
 * the maximum, as RabbitMQ's priority queue keeps one sub-queue per priority. The head is the
 * oldest entry of the highest non-empty level. A queue without priorities has one level.
 */
export class ReadyList {
  private readonly levels: EntryDeque[];
  private countValue = 0;
  private bytesValue = 0;

  constructor(maxPriority: number) {
    this.levels = [];
    for (let p = 0; p <= maxPriority; p++) this.levels.push(new EntryDeque());
  }

  get length(): number {
    return this.countValue;
  }

  /** Sum of the body sizes of ready entries (x-max-length-bytes counts these). */
  get bytes(): number {
    return this.bytesValue;
  }

  levelOf(entry: QueueEntry): EntryDeque {
    const max = this.levels.length - 1;
    const p = entry.message.priority;
    return this.levels[p > max ? max : p] as EntryDeque;
  }

  push(entry: QueueEntry): void {
    this.levelOf(entry).push(entry);
    this.countValue++;
    this.bytesValue += entry.message.body.length;
  }

  insertOrdered(entry: QueueEntry): void {
    this.levelOf(entry).insertOrdered(entry);
    this.countValue++;
    this.bytesValue += entry.message.body.length;
  }

  peek(): QueueEntry | undefined {
    for (let p = this.levels.length - 1; p >= 0; p--) {
      const level = this.levels[p] as EntryDeque;
      if (level.length > 0) return level.peek();
    }
    return undefined;
  }

  shift(): QueueEntry | undefined {
    for (let p = this.levels.length - 1; p >= 0; p--) {
      const level = this.levels[p] as EntryDeque;
      if (level.length > 0) return this.took(level.shift() as QueueEntry);
    }
    return undefined;
  }

  /** The oldest entry of every non-empty level, highest priority first: where expiry is checked. */
  heads(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (let p = this.levels.length - 1; p >= 0; p--) {
      const head = (this.levels[p] as EntryDeque).peek();
      if (head !== undefined) out.push(head);
    }
    return out;
  }

  /** Removes and returns the head of the level that holds `entry` (which must be that head). */
  shiftLevelOf(entry: QueueEntry): QueueEntry {
    return this.took(this.levelOf(entry).shift() as QueueEntry);
  }

  /** Visits every ready entry, in no particular order, leaving the list as it is. */
  forEach(visit: (entry: QueueEntry) => void): void {
    for (const level of this.levels) for (let i = 0; i < level.length; i++) visit(level.at(i));
  }

  /** Every ready entry, in no particular order; the list is empty afterwards. */
  drain(): QueueEntry[] {
    const out: QueueEntry[] = [];
    for (const level of this.levels) {
      for (let i = 0; i < level.length; i++) out.push(level.at(i));
      level.clear();
    }
    this.countValue = 0;
    this.bytesValue = 0;
    return out;
  }

  private took(entry: QueueEntry): QueueEntry {
    this.countValue--;
    this.bytesValue -= entry.message.body.length;
    return entry;
  }
}
