// What a durable queue and a stream queue share on their publish side: messages published in one
// turn of the event loop are written together (one group commit) and share one `stored` promise,
// which a publisher confirm waits on; and the turn's records are cut into RecordBatch v2 batches
// of about MESSAGE_BATCH_BYTES_TARGET, grouped into appends the log accepts.
import { MESSAGE_BATCH_BYTES_TARGET } from './message-record.js';

const noop = (): void => undefined;

/**
 * Collects the items of one turn and hands them to `write` in a microtask. `stored` settles with
 * the write; a failure is passed to `failed` (to log it) and rejects `stored`.
 */
export class TurnAppends<T> {
  private readonly write: (items: T[]) => Promise<unknown>;
  private readonly failed: (err: unknown) => void;
  private pending: T[] = [];
  private stored: Promise<void> | undefined = undefined;
  private resolveStored: () => void = noop;
  private rejectStored: (err: unknown) => void = noop;
  private appendsSettled: Promise<void> = Promise.resolve();
  private readonly flushBound = (): void => this.flush();

  constructor(write: (items: T[]) => Promise<unknown>, failed: (err: unknown) => void) {
    this.write = write;
    this.failed = failed;
  }

  /** Queues `item` for this turn's write; returns the turn's `stored` promise. */
  add(item: T): Promise<void> {
    if (this.stored === undefined) {
      this.stored = new Promise<void>((resolve, reject) => {
        this.resolveStored = resolve;
        this.rejectStored = reject;
      });
      // A publisher without confirms never looks at `stored`; its failure goes to `failed`.
      this.stored.catch(noop);
      queueMicrotask(this.flushBound);
    }
    this.pending.push(item);
    return this.stored;
  }

  /** Writes what is pending now (close calls this before waiting). */
  flush(): void {
    const items = this.pending;
    if (items.length === 0) return;
    const resolve = this.resolveStored;
    const reject = this.rejectStored;
    this.pending = [];
    this.stored = undefined;
    this.resolveStored = noop;
    this.rejectStored = noop;
    let written: Promise<unknown>;
    try {
      written = this.write(items);
    } catch (err) {
      written = Promise.reject(err);
    }
    const all = written.then(
      () => resolve(),
      (err: unknown) => {
        this.failed(err);
        reject(err);
      },
    );
    this.appendsSettled = this.appendsSettled.then(() => all);
  }

  /** Settles once every write issued so far has settled. Never rejects. */
  whenAppended(): Promise<void> {
    return this.appendsSettled;
  }
}

/** One append: its bytes (one or more batches) and the index of its first record. */
export interface GroupedAppend {
  readonly bytes: Buffer;
  readonly first: number;
}

/**
 * Cuts `count` records into batches of about MESSAGE_BATCH_BYTES_TARGET by `estimate(i)` (a larger
 * single record gets a batch of its own), encoded by `encodeBatch(start, end)`, and groups the
 * batches into appends of at most `appendBytesMax` (the log's bound on one append).
 */
export function groupIntoAppends(
  count: number,
  estimate: (index: number) => number,
  encodeBatch: (start: number, end: number) => Buffer,
  appendBytesMax: number,
): GroupedAppend[] {
  const out: GroupedAppend[] = [];
  let group: Buffer[] = [];
  let groupBytes = 0;
  let groupFirst = 0;
  let start = 0;
  while (start < count) {
    let end = start;
    let bytes = 0;
    while (end < count && (end === start || bytes + estimate(end) <= MESSAGE_BATCH_BYTES_TARGET)) {
      bytes += estimate(end);
      end++;
    }
    const batch = encodeBatch(start, end);
    if (group.length > 0 && groupBytes + batch.length > appendBytesMax) {
      out.push({ bytes: Buffer.concat(group, groupBytes), first: groupFirst });
      group = [];
      groupBytes = 0;
      groupFirst = start;
    }
    group.push(batch);
    groupBytes += batch.length;
    start = end;
  }
  if (group.length > 0) out.push({ bytes: group.length === 1 ? (group[0] as Buffer) : Buffer.concat(group, groupBytes), first: groupFirst });
  return out;
}
