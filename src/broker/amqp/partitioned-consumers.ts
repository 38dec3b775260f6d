// Who is active on one partition of a partitioned queue (a queue declared with x-partition-of /
// x-partition-index, see partitioned-queue.ts). Every client subscribes to every partition; each
// partition then picks one connection so that the partitions spread over the clients:
//
//   connections = the distinct connection ids among the partition's consumers, ascending
//   active      = the oldest consumer of connections[partitionIndex mod connections.length]
//
// Connection ids grow with each new connection, so every partition sees the same ordering and
// 4 clients subscribed to 4 partitions get one partition each (P0→1st, P1→2nd, …); with 3 left,
// P3 goes to the 1st again. A client counts once however many channels or consumers it has.
//
// Per-key order across a hand-over: when the active consumer changes (join, cancel, connection
// lost), the partition delivers nothing more until every delivery still unacked (held by the
// previous active) is acked, rejected or requeued. A lost connection's deliveries are requeued to
// their original places (redelivered=true) before its consumers leave, so the new active consumer
// resumes exactly where the old one stopped, and no consumer receives message m+1 of a key while
// m is unacked elsewhere.
import type { QueueConsumer } from './types.js';

export class PartitionSelector {
  readonly partitionIndex: number;
  /** The consumer that should receive, recomputed when the consumers change. */
  private wanted: QueueConsumer | null = null;
  /** The consumer the partition last delivered to: its unacked deliveries block a hand-over. */
  private holder: QueueConsumer | null = null;
  private readonly unackedCount: () => number;

  /** `unackedCount` is the queue's count of deliveries not yet acked, rejected or requeued. */
  constructor(partitionIndex: number, unackedCount: () => number) {
    this.partitionIndex = partitionIndex;
    this.unackedCount = unackedCount;
  }

  /** The consumer this partition wants active (it may still be waiting for the previous one's acks). */
  get active(): QueueConsumer | null {
    return this.wanted;
  }

  /** Recomputes the active consumer from the consumers in registration order. */
  consumersChanged(order: readonly QueueConsumer[]): void {
    if (order.length === 0) {
      this.wanted = null;
      return;
    }
    const connections: number[] = [];
    for (const c of order) if (!connections.includes(c.connectionId)) connections.push(c.connectionId);
    connections.sort((a, b) => a - b);
    const connectionId = connections[this.partitionIndex % connections.length] as number;
    this.wanted = order.find((c) => c.connectionId === connectionId) ?? null;
  }

  /** The consumer to deliver to now, or null (nobody, no credit, or a hand-over waiting for acks). */
  next(): QueueConsumer | null {
    const wanted = this.wanted;
    if (wanted === null) return null;
    if (this.holder !== wanted) {
      if (this.holder !== null && this.unackedCount() > 0) return null;
      this.holder = wanted;
    }
    return wanted.hasCredit() ? wanted : null;
  }

  /** Whether a delivery could go out now, without changing who holds the partition. */
  anyHasCredit(): boolean {
    const wanted = this.wanted;
    if (wanted === null) return false;
    if (this.holder !== null && this.holder !== wanted && this.unackedCount() > 0) return false;
    return wanted.hasCredit();
  }
}
