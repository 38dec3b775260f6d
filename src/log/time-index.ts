// The sparse time index of one segment: (maxTimestampMs, relativeOffset) entries meaning "every
// batch up to and including the batch at this offset has maxTimestamp ≤ this timestamp". An entry
// is added next to an offset index entry when the segment's running maximum grew, and once more
// when the segment is sealed or closed, so its last entry is the segment's maximum timestamp.
import assert from 'node:assert';
import { RELATIVE_OFFSET_MAX, TIME_INDEX_ENTRY_BYTES } from './layout.js';
import { readInt64, writeInt64 } from '../records/int64.js';

const INITIAL_CAPACITY = 16;

export class TimeIndex {
  readonly baseOffset: number;
  private timestamps: Float64Array;
  private relativeOffsets: Uint32Array;
  private entryCount = 0;
  /** Entries [0, persistedCount) are in the time index file. */
  persistedCount = 0;

  constructor(baseOffset: number, capacity = INITIAL_CAPACITY) {
    this.baseOffset = baseOffset;
    this.timestamps = new Float64Array(Math.max(capacity, INITIAL_CAPACITY));
    this.relativeOffsets = new Uint32Array(Math.max(capacity, INITIAL_CAPACITY));
  }

  get count(): number {
    return this.entryCount;
  }

  /** Timestamp of the last entry, or -1 (Kafka's "no timestamp") when empty. */
  get lastTimestampMs(): number {
    return this.entryCount === 0 ? -1 : (this.timestamps[this.entryCount - 1] ?? -1);
  }

  timestampAt(slot: number): number {
    return this.timestamps[slot] ?? -1;
  }

  offsetAt(slot: number): number {
    return this.baseOffset + (this.relativeOffsets[slot] ?? 0);
  }

  /** Adds (timestampMs, offset) when timestampMs is above the last entry's. */
  maybeAppend(timestampMs: number, offset: number): void {
    if (timestampMs <= this.lastTimestampMs) return;
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= RELATIVE_OFFSET_MAX, 'time index: relative offset out of range');
    const n = this.entryCount;
    if (n > 0) assert(relative >= (this.relativeOffsets[n - 1] ?? 0), 'time index: offsets must not decrease');
    if (n === this.timestamps.length) this.grow();
    this.timestamps[n] = timestampMs;
    this.relativeOffsets[n] = relative;
    this.entryCount = n + 1;
  }

  /** Slot of the last entry with timestamp < `timestampMs`, or -1. */
  lookupBefore(timestampMs: number): number {
    let lo = 0;
    let hi = this.entryCount - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.timestamps[mid] ?? 0) < timestampMs) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries for offsets ≥ `offset`. */
  truncateToOffset(offset: number): void {
    const relative = offset - this.baseOffset;
    let n = this.entryCount;
    while (n > 0 && (this.relativeOffsets[n - 1] ?? 0) >= relative) n--;
    this.entryCount = n;
    if (this.persistedCount > n) this.persistedCount = n;
  }

  /** File bytes of entries [from, count). */
  encode(from: number): Buffer {
    const out = Buffer.allocUnsafe((this.entryCount - from) * TIME_INDEX_ENTRY_BYTES);
    let p = 0;
    for (let i = from; i < this.entryCount; i++) {
      writeInt64(out, p, this.timestamps[i] ?? -1);
      out.writeUInt32BE(this.relativeOffsets[i] ?? 0, p + 8);
      p += TIME_INDEX_ENTRY_BYTES;
    }
    return out;
  }

  /**
   * Loads a time index file after checking it: whole entries, timestamps strictly increasing,
   * offsets not decreasing and below `offsetLimit`. Returns the reason on failure.
   */
  static decode(bytes: Buffer, baseOffset: number, offsetLimit: number): TimeIndex | string {
    if (bytes.length % TIME_INDEX_ENTRY_BYTES !== 0) return `size ${bytes.length} is not a multiple of ${TIME_INDEX_ENTRY_BYTES}`;
    const count = bytes.length / TIME_INDEX_ENTRY_BYTES;
    const index = new TimeIndex(baseOffset, count);
    let lastTimestamp = -Infinity;
    let lastRelative = 0;
    for (let i = 0; i < count; i++) {
      const timestampMs = readInt64(bytes, i * TIME_INDEX_ENTRY_BYTES);
      const relative = bytes.readUInt32BE(i * TIME_INDEX_ENTRY_BYTES + 8);
      if (!Number.isSafeInteger(timestampMs) || timestampMs <= lastTimestamp) return `entry ${i} timestamp does not increase`;
      if (relative < lastRelative) return `entry ${i} offset decreases`;
      if (baseOffset + relative >= offsetLimit) return `entry ${i} offset ${baseOffset + relative} is past the segment`;
      index.timestamps[i] = timestampMs;
      index.relativeOffsets[i] = relative;
      lastTimestamp = timestampMs;
      lastRelative = relative;
    }
    index.entryCount = count;
    index.persistedCount = count;
    return index;
  }

  private grow(): void {
    const capacity = this.timestamps.length * 2;
    const timestamps = new Float64Array(capacity);
    timestamps.set(this.timestamps);
    const offsets = new Uint32Array(capacity);
    offsets.set(this.relativeOffsets);
    this.timestamps = timestamps;
    this.relativeOffsets = offsets;
  }
}
