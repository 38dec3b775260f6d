// An OffsetStore in memory, for tests: `durable` holds what a restart would replay, so a "reopen"
// is a new store over the same array. Appends can be held (to test what happens while one is in
// flight) and made to fail (a broken disk).
import { GroupErrorCode, groupError } from './group-errors.js';
import type { OffsetStore, OffsetStoreEntry, OffsetStoreReplay } from './offset-store.js';

interface PendingAppend {
  entries: OffsetStoreEntry[];
  settle: (error: Error | null) => void;
}

export class MemoryOffsetStore implements OffsetStore {
  /** Entries acknowledged so far, oldest first: what a restart replays. */
  readonly durable: OffsetStoreEntry[];
  /** When set, appends reject with it (and keep nothing). */
  failAppends: Error | null = null;
  private held = false;
  private readonly queue: PendingAppend[] = [];
  private closed = false;
  private inFlight = 0;
  private drained: Array<() => void> = [];

  constructor(durable: OffsetStoreEntry[] = []) {
    this.durable = durable;
  }

  replay(visit: (entry: OffsetStoreEntry) => void): Promise<OffsetStoreReplay> {
    for (const entry of this.durable) visit(entry);
    return Promise.resolve({ entries: this.durable.length, bytes: 0 });
  }

  append(entries: readonly OffsetStoreEntry[]): Promise<void> {
    if (this.closed) return Promise.reject(groupError(GroupErrorCode.OFFSET_STORE_CLOSED, 'the offset store is closed; reopen the coordinator'));
    this.inFlight++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({
        entries: entries.map((e) => ({ ...e })),
        settle: (error) => {
          if (error === null) resolve();
          else reject(error);
          this.inFlight--;
          if (this.inFlight === 0) for (const done of this.drained.splice(0)) done();
        },
      });
      // Settle on a later turn, as a disk would, in the order the appends were made.
      if (!this.held) setImmediate(() => this.flush());
    });
  }

  /** Holds appends (not durable, not answered) until release(). */
  hold(): void {
    this.held = true;
  }

  /** Makes the held appends durable and answers them, in order. */
  release(): void {
    this.held = false;
    this.flush();
  }

  /** Appends held and not yet answered. */
  get pendingAppends(): number {
    return this.queue.length;
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.held) this.release();
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private flush(): void {
    if (this.held) return;
    for (const pending of this.queue.splice(0)) {
      const failure = this.failAppends;
      if (failure === null) this.durable.push(...pending.entries);
      pending.settle(failure);
    }
  }
}
