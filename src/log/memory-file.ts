// One in-memory file for MemoryFileIO: its current bytes, its bytes as of the last datasync and
// the unsynced writes and truncations in between, so a crash can keep any prefix of them.

/** Small seeded PRNG (mulberry32): the same seed gives the same crash. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type UnsyncedOp = { kind: 'write'; position: number; bytes: Buffer } | { kind: 'truncate'; lengthBytes: number };

/** One file: current bytes, synced bytes, and the unsynced operations between them. */
export class MemoryFile {
  data: Buffer = Buffer.alloc(0);
  length = 0;
  durable: Buffer = Buffer.alloc(0);
  durableLength = 0;
  unsynced: UnsyncedOp[] = [];

  write(bytes: Buffer, position: number): void {
    const end = position + bytes.length;
    this.data = ensureCapacity(this.data, this.length, end);
    if (position > this.length) this.data.fill(0, this.length, position);
    bytes.copy(this.data, position);
    if (end > this.length) this.length = end;
  }

  truncate(lengthBytes: number): void {
    this.data = ensureCapacity(this.data, this.length, lengthBytes);
    if (lengthBytes > this.length) this.data.fill(0, this.length, lengthBytes);
    this.length = lengthBytes;
  }

  sync(): void {
    for (const op of this.unsynced) this.durableApply(op, Infinity);
    this.unsynced = [];
  }

  /** Applies `op` to the durable bytes, at most `budget` units of it (a byte each, 1 for a truncation); returns the units used. */
  durableApply(op: UnsyncedOp, budget: number): number {
    if (op.kind === 'truncate') {
      this.durable = ensureCapacity(this.durable, this.durableLength, op.lengthBytes);
      if (op.lengthBytes > this.durableLength) this.durable.fill(0, this.durableLength, op.lengthBytes);
      this.durableLength = op.lengthBytes;
      return 1;
    }
    const kept = Math.min(op.bytes.length, budget);
    const end = op.position + kept;
    this.durable = ensureCapacity(this.durable, this.durableLength, end);
    if (op.position > this.durableLength) this.durable.fill(0, this.durableLength, op.position);
    op.bytes.copy(this.durable, op.position, 0, kept);
    if (end > this.durableLength) this.durableLength = end;
    return kept;
  }

  /** After a crash: the durable bytes plus `budget` units of the unsynced ops, in order. */
  crash(budget: number): void {
    let left = budget;
    for (const op of this.unsynced) {
      if (left <= 0) break;
      left -= this.durableApply(op, left);
    }
    this.unsynced = [];
    this.data = Buffer.from(this.durable.subarray(0, this.durableLength));
    this.length = this.durableLength;
  }

  /** Units a crash may keep: every unsynced byte, plus one per unsynced truncation. */
  unsyncedUnits(): number {
    let n = 0;
    for (const op of this.unsynced) n += op.kind === 'write' ? op.bytes.length : 1;
    return n;
  }
}

function ensureCapacity(buf: Buffer, used: number, needed: number): Buffer {
  if (needed <= buf.length) return buf;
  const grown = Buffer.alloc(Math.max(needed, buf.length * 2, 256));
  buf.copy(grown, 0, 0, used);
  return grown;
}

