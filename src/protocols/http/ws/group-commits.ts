// The committed offsets of a WebSocket group subscription (docs/gateway.md "Group subscriptions"):
// records sent and acked per partition, and commits of "the offset after the last record acked in
// order" to the group coordinator as a simple consumer (generation -1, no member id), as Kafka's
// OffsetCommit takes from a consumer outside group management. Commits are batched: at most one
// every COMMIT_INTERVAL_MS, sooner after COMMIT_ACKS_MAX acks, and once more on close.
import type { GroupCoordinator } from '../../../broker/groups/group-coordinator.js';
import { GroupError } from '../../../broker/groups/group-errors.js';
import type { OffsetCommitPartition } from '../../../broker/groups/group-types.js';
import { HttpError, HttpErrorCode } from '../http-error.js';

export const COMMIT_INTERVAL_MS = 100;
export const COMMIT_ACKS_MAX = 100;

interface PartitionAcks {
  /** Offsets sent and not yet covered by a commit position, in the order they were sent. */
  readonly sent: number[];
  readonly acked: Set<number>;
  /** The offset to commit next (after the last record acked in order), or -1 for none yet. */
  position: number;
  committed: number;
}

export class GroupCommits {
  private readonly groups: GroupCoordinator;
  private readonly groupId: string;
  private readonly topic: string;
  private readonly refused: (err: HttpError) => void;
  private readonly partitions = new Map<number, PartitionAcks>();
  private acksSinceCommit = 0;
  private timer: NodeJS.Timeout | null = null;
  private committing = false;
  private again = false;
  private stopped = false;

  /** `refused` runs once when the coordinator refuses a commit (then nothing more is committed). */
  constructor(groups: GroupCoordinator, groupId: string, topic: string, refused: (err: HttpError) => void) {
    this.groups = groups;
    this.groupId = groupId;
    this.topic = topic;
    this.refused = refused;
  }

  sent(partition: number, offset: number): void {
    this.acks(partition).sent.push(offset);
  }

  acked(partition: number, offset: number): void {
    const p = this.acks(partition);
    p.acked.add(offset);
    while (p.sent.length > 0 && p.acked.delete(p.sent[0] as number)) p.position = (p.sent.shift() as number) + 1;
    this.acksSinceCommit++;
    if (this.acksSinceCommit >= COMMIT_ACKS_MAX) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), COMMIT_INTERVAL_MS).unref();
  }

  /** Commits what was acked (asynchronously) and stops; unacked records are not committed. */
  close(): void {
    this.flush();
    this.stopped = true;
  }

  /** Stops without committing again (the subscription failed). */
  abandon(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private acks(partition: number): PartitionAcks {
    let p = this.partitions.get(partition);
    if (p === undefined) {
      p = { sent: [], acked: new Set(), position: -1, committed: -1 };
      this.partitions.set(partition, p);
    }
    return p;
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    this.acksSinceCommit = 0;
    if (this.committing) {
      this.again = true;
      return;
    }
    const offsets: OffsetCommitPartition[] = [];
    for (const [partition, p] of this.partitions) {
      if (p.position > p.committed) offsets.push({ topic: this.topic, partition, offset: p.position, leaderEpoch: -1, metadata: null });
    }
    if (offsets.length === 0) return;
    this.committing = true;
    void this.commit(offsets);
  }

  private async commit(offsets: OffsetCommitPartition[]): Promise<void> {
    let failure: HttpError | null = null;
    try {
      const result = await this.groups.commitOffsets({ groupId: this.groupId, generationId: -1, memberId: '', groupInstanceId: null, offsets });
      result.partitions.forEach((r, i) => {
        const o = offsets[i] as OffsetCommitPartition;
        if (r.error === GroupError.NONE) {
          const p = this.acks(o.partition);
          p.committed = Math.max(p.committed, o.offset);
        } else failure ??= commitError(this.groupId, r.error);
      });
    } catch (err) {
      failure = new HttpError(503, HttpErrorCode.UNAVAILABLE, `committing offsets of group ${this.groupId} failed: ${(err as Error).message}`);
    }
    this.committing = false;
    if (failure !== null) {
      const wasStopped = this.stopped;
      this.abandon();
      if (!wasStopped) this.refused(failure);
      return;
    }
    if (this.again) {
      this.again = false;
      const stopped = this.stopped;
      this.stopped = false; // the final commit of close() may have been queued behind this one
      this.flush();
      this.stopped = stopped;
    }
  }
}

/** The gateway's error for a commit the coordinator refused. */
export function commitError(groupId: string, error: GroupError): HttpError {
  switch (error) {
    case GroupError.UNKNOWN_MEMBER_ID:
    case GroupError.ILLEGAL_GENERATION:
    case GroupError.REBALANCE_IN_PROGRESS:
      return groupInUse(groupId);
    case GroupError.INVALID_GROUP_ID:
      return new HttpError(400, HttpErrorCode.BAD_REQUEST, `group ${JSON.stringify(groupId)} is not a valid group id`);
    case GroupError.UNKNOWN_TOPIC_OR_PARTITION:
      return new HttpError(404, HttpErrorCode.UNKNOWN_PARTITION, `committing offsets of group ${groupId}: the partition is gone`);
    default:
      return new HttpError(503, HttpErrorCode.UNAVAILABLE, `the group coordinator refused the commit of group ${groupId} (${error}); subscribe again later`);
  }
}

export function groupInUse(groupId: string): HttpError {
  return new HttpError(409, HttpErrorCode.GROUP_IN_USE,
    `consumer group ${JSON.stringify(groupId)} has active Kafka members; a WebSocket group subscription commits as a consumer outside the group, which the group refuses while it has members (use another group)`);
}
