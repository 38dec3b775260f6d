// One LRU cache of open files shared by every partition, so thousands of partitions keep at most
// `handlesMax` descriptors open. A handle in use is pinned; idle handles are closed when a slot is
// needed and reopened lazily on the next use. FileIO calls that open a descriptor of their own
// (readFile, writeFileDurable, fsyncDir) take a slot too, through withSlot, so the limit is real.
import type { FileHandle, FileIO } from './file-io.js';

export const FD_CACHE_HANDLES_MAX_DEFAULT = 1024;

class CacheEntry {
  readonly path: string;
  handle: FileHandle | null = null;
  opening: Promise<FileHandle> | null = null;
  pins = 0;
  /** Removed from the cache by forget(); closed when the last pin is released. */
  forgotten = false;

  constructor(path: string) {
    this.path = path;
  }
}

export class FdCache {
  readonly fileIO: FileIO;
  readonly handlesMax: number;
  /** Open path → entry, least recently used first (Map keeps insertion order). */
  private readonly entries = new Map<string, CacheEntry>();
  /** Descriptors open, opening or closing, plus slots lent to withSlot. */
  private slotsUsed = 0;
  /** Callers waiting for a slot, FIFO: `waiters[waitersHead..]`. */
  private waiters: Array<(() => void) | undefined> = [];
  private waitersHead = 0;

  constructor(fileIO: FileIO, handlesMax = FD_CACHE_HANDLES_MAX_DEFAULT) {
    if (!Number.isInteger(handlesMax) || handlesMax < 1) throw new RangeError('FdCache handlesMax must be an integer ≥ 1');
    this.fileIO = fileIO;
    this.handlesMax = handlesMax;
  }

  /** Descriptors currently held by the cache (open, opening or closing) plus lent slots. */
  get openCount(): number {
    return this.slotsUsed;
  }

  /** Runs `fn` with the file at `path` open and pinned; `create` makes a missing file. */
  use<T>(path: string, fn: (handle: FileHandle) => Promise<T>, create = false): Promise<T> {
    const cached = this.entries.get(path);
    if (cached !== undefined && cached.handle !== null) {
      // Fast path for an open handle: pin, run, unpin, without waiting for acquire.
      this.touch(cached);
      cached.pins++;
      return this.runPinned(cached, cached.handle, fn);
    }
    return this.acquire(path, create).then((entry) => this.runPinned(entry, entry.handle as FileHandle, fn));
  }

  private runPinned<T>(entry: CacheEntry, handle: FileHandle, fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    let running: Promise<T>;
    try {
      running = fn(handle);
    } catch (err) {
      this.release(entry);
      return Promise.reject(err);
    }
    return running.finally(() => this.release(entry));
  }

  private touch(entry: CacheEntry): void {
    // Move to the most recently used end.
    this.entries.delete(entry.path);
    this.entries.set(entry.path, entry);
  }

  /** Runs a FileIO call that opens its own descriptor while holding one slot of the limit. */
  async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    await this.takeSlot();
    try {
      return await fn();
    } finally {
      this.giveSlot();
    }
  }

  /** Closes the cached handle of `path` (after its current users finish); the next use reopens. */
  async forget(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    this.entries.delete(path);
    entry.forgotten = true;
    if (entry.pins === 0) await this.closeEntry(entry);
  }

  /** Closes every idle handle; pinned ones close when released. */
  async closeAll(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const path of [...this.entries.keys()]) closing.push(this.forget(path));
    await Promise.all(closing);
  }

  private async acquire(path: string, create: boolean): Promise<CacheEntry> {
    for (;;) {
      const cached = this.entries.get(path);
      if (cached !== undefined) return this.pin(cached);
      await this.takeSlot();
      // Another caller may have opened the same path while this one waited for a slot.
      const raced = this.entries.get(path);
      if (raced !== undefined) {
        this.giveSlot();
        return this.pin(raced);
      }
      const entry = new CacheEntry(path);
      entry.pins = 1;
      entry.opening = this.fileIO.open(path, { create });
      this.entries.set(path, entry);
      try {
        entry.handle = await entry.opening;
      } catch (err) {
        if (this.entries.get(path) === entry) this.entries.delete(path);
        entry.opening = null;
        entry.pins--;
        this.giveSlot();
        throw err;
      }
      entry.opening = null;
      return entry;
    }
  }

  private async pin(entry: CacheEntry): Promise<CacheEntry> {
    this.touch(entry);
    entry.pins++;
    if (entry.handle !== null) return entry;
    try {
      await entry.opening;
    } catch (err) {
      entry.pins--;
      throw err;
    }
    return entry;
  }

  private release(entry: CacheEntry): void {
    entry.pins--;
    if (entry.pins > 0) return;
    if (entry.forgotten) void this.closeEntry(entry);
    else this.wakeOne();
  }

  /** Takes a free slot, closing the least recently used idle handle or waiting for one. */
  private async takeSlot(): Promise<void> {
    for (;;) {
      if (this.slotsUsed < this.handlesMax) {
        this.slotsUsed++;
        return;
      }
      const victim = this.idleEntry();
      if (victim !== undefined) {
        this.entries.delete(victim.path);
        victim.forgotten = true;
        await this.closeEntry(victim);
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private giveSlot(): void {
    this.slotsUsed--;
    this.wakeOne();
  }

  private idleEntry(): CacheEntry | undefined {
    for (const entry of this.entries.values()) if (entry.pins === 0 && entry.handle !== null) return entry;
    return undefined;
  }

  private async closeEntry(entry: CacheEntry): Promise<void> {
    const handle = entry.handle;
    entry.handle = null;
    if (handle === null) return;
    try {
      await handle.close();
    } catch {
      // close(2) releases the descriptor even when it reports an error; the data path has
      // already synced what it needed, so there is nothing left to do with the error.
    } finally {
      this.giveSlot();
    }
  }

  /**
   * Wakes the oldest waiter. Every event that frees a slot or unpins a handle wakes one; a woken
   * waiter that finds the resource already taken waits again, and whoever took it will release it.
   */
  private wakeOne(): void {
    if (this.waitersHead === this.waiters.length) return;
    const wake = this.waiters[this.waitersHead];
    this.waiters[this.waitersHead] = undefined;
    this.waitersHead++;
    if (this.waitersHead === this.waiters.length) {
      this.waiters = [];
      this.waitersHead = 0;
    } else if (this.waitersHead >= 1024 && this.waitersHead * 2 >= this.waiters.length) {
      this.waiters = this.waiters.slice(this.waitersHead);
      this.waitersHead = 0;
    }
    wake?.();
  }
}
