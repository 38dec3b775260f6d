// The sparse offset index of one segment: an entry (relativeOffset, position) at the start of a
// batch every `indexIntervalBytes` or so, always one for the first batch. Lookups binary-search
// typed arrays in memory; the file copy is written when the segment is sealed or closed and is
// only a shortcut for the next open, which checks it before trusting it.
import assert from 'node:assert';
import { FILE_POSITION_MAX, OFFSET_INDEX_ENTRY_BYTES, RELATIVE_OFFSET_MAX } from './layout.js';

const INITIAL_CAPACITY = 16;

export class OffsetIndex {
  readonly baseOffset: number;
  private relativeOffsets: Uint32Array;
  private positions: Uint32Array;
  private entryCount = 0;
  /** Entries [0, persistedCount) are in the index file. */
  persistedCount = 0;

  constructor(baseOffset: number, capacity = INITIAL_CAPACITY) {
    this.baseOffset = baseOffset;
    this.relativeOffsets = new Uint32Array(Math.max(capacity, INITIAL_CAPACITY));
    this.positions = new Uint32Array(Math.max(capacity, INITIAL_CAPACITY));
  }

  get count(): number {
    return this.entryCount;
  }

  offsetAt(slot: number): number {
    return this.baseOffset + (this.relativeOffsets[slot] ?? 0);
  }

  positionAt(slot: number): number {
    return this.positions[slot] ?? 0;
  }

  /** Adds an entry for the batch starting at `position` with base `offset`; both must grow. */
  append(offset: number, position: number): void {
    const relative = offset - this.baseOffset;
    assert(relative >= 0 && relative <= RELATIVE_OFFSET_MAX, 'offset index: relative offset out of range');
    assert(position >= 0 && position <= FILE_POSITION_MAX, 'offset index: position out of range');
    const n = this.entryCount;
    if (n > 0) {
      assert(relative > (this.relativeOffsets[n - 1] ?? 0), 'offset index: offsets must increase');
      assert(position > (this.positions[n - 1] ?? 0), 'offset index: positions must increase');
    }
    if (n === this.relativeOffsets.length) this.grow();
    this.relativeOffsets[n] = relative;
    this.positions[n] = position;
    this.entryCount = n + 1;
  }

  /** Slot of the last entry whose offset ≤ `offset`, or -1 when there is none. */
  lookup(offset: number): number {
    const relative = offset - this.baseOffset;
    let lo = 0;
    let hi = this.entryCount - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.relativeOffsets[mid] ?? 0) <= relative) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries for batches at or after `position` (the log was cut there). */
  truncateToPosition(position: number): void {
    let n = this.entryCount;
    while (n > 0 && (this.positions[n - 1] ?? 0) >= position) n--;
    this.entryCount = n;
    if (this.persistedCount > n) this.persistedCount = n;
  }

  /** File bytes of entries [from, count). */
  encode(from: number): Buffer {
    const out = Buffer.allocUnsafe((this.entryCount - from) * OFFSET_INDEX_ENTRY_BYTES);
    let p = 0;
    for (let i = from; i < this.entryCount; i++) {
      out.writeUInt32BE(this.relativeOffsets[i] ?? 0, p);
      out.writeUInt32BE(this.positions[i] ?? 0, p + 4);
      p += OFFSET_INDEX_ENTRY_BYTES;
    }
    return out;
  }

  /**
   * Loads an index file after checking it against its segment: whole entries, first entry at
   * (0, 0), offsets and positions strictly increasing, offsets below `offsetLimit` (the next
   * segment's base offset) and positions inside the log file. Returns the reason on failure.
   */
  static decode(bytes: Buffer, baseOffset: number, offsetLimit: number, logSizeBytes: number): OffsetIndex | string {
    if (bytes.length % OFFSET_INDEX_ENTRY_BYTES !== 0) return `size ${bytes.length} is not a multiple of ${OFFSET_INDEX_ENTRY_BYTES}`;
    const count = bytes.length / OFFSET_INDEX_ENTRY_BYTES;
    if (count === 0 && logSizeBytes > 0) return 'empty index for a non-empty log';
    const index = new OffsetIndex(baseOffset, count);
    let lastRelative = -1;
    let lastPosition = -1;
    for (let i = 0; i < count; i++) {
      const relative = bytes.readUInt32BE(i * OFFSET_INDEX_ENTRY_BYTES);
      const position = bytes.readUInt32BE(i * OFFSET_INDEX_ENTRY_BYTES + 4);
      if (i === 0 && (relative !== 0 || position !== 0)) return 'first entry is not (0, 0)';
      if (relative <= lastRelative || position <= lastPosition) return `entry ${i} does not increase`;
      if (baseOffset + relative >= offsetLimit) return `entry ${i} offset ${baseOffset + relative} is past the segment`;
      if (position >= logSizeBytes) return `entry ${i} position ${position} is past the log file (${logSizeBytes} bytes)`;
      index.relativeOffsets[i] = relative;
      index.positions[i] = position;
      lastRelative = relative;
      lastPosition = position;
    }
    index.entryCount = count;
    index.persistedCount = count;
    return index;
  }

  private grow(): void {
    const capacity = this.relativeOffsets.length * 2;
    const offsets = new Uint32Array(capacity);
    offsets.set(this.relativeOffsets);
    const positions = new Uint32Array(capacity);
    positions.set(this.positions);
    this.relativeOffsets = offsets;
    this.positions = positions;
  }
}
