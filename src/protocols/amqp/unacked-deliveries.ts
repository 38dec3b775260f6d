// A channel's delivered-but-unacknowledged messages by delivery tag. Tags only grow, and a Map
// iterates in insertion order, so "everything up to tag N" (multiple=true) walks from the front
// and stops at the first larger tag.
import type { QueueEntry, QueueRef } from '../../broker/amqp/types.js';

export interface Unacked {
  readonly queue: QueueRef;
  readonly entry: QueueEntry;
  /** The consumer it went to, or null for basic.get; its credit comes back on settle. */
  readonly consumerTag: string | null;
}

export class UnackedDeliveries {
  private readonly byTag = new Map<number, Unacked>();

  get size(): number {
    return this.byTag.size;
  }

  add(tag: number, unacked: Unacked): void {
    this.byTag.set(tag, unacked);
  }

  has(tag: number): boolean {
    return this.byTag.has(tag);
  }

  /**
   * Removes and returns the deliveries an ack/nack/reject names: one tag, or with `multiple`
   * every tag up to it (tag 0 with multiple means all). Null when a single tag is unknown, or
   * when `multiple` names nothing outstanding and the tag was never delivered.
   */
  take(tag: number, multiple: boolean): Unacked[] | null {
    if (!multiple) {
      const one = this.byTag.get(tag);
      if (one === undefined) return null;
      this.byTag.delete(tag);
      return [one];
    }
    const out: Unacked[] = [];
    const all = tag === 0;
    for (const [t, u] of this.byTag) {
      if (!all && t > tag) break;
      out.push(u);
      this.byTag.delete(t);
    }
    return out;
  }

  /** Everything outstanding, in tag order, emptying the set. */
  takeAll(): Unacked[] {
    const out = [...this.byTag.values()];
    this.byTag.clear();
    return out;
  }
}

/** Groups deliveries by queue so a requeue is one call per queue, in tag order. */
export function byQueue(items: readonly Unacked[]): Map<QueueRef, QueueEntry[]> {
  const out = new Map<QueueRef, QueueEntry[]>();
  for (const u of items) {
    const list = out.get(u.queue);
    if (list === undefined) out.set(u.queue, [u.entry]);
    else list.push(u.entry);
  }
  return out;
}
