// A consumer group's lag per partition: how far its committed offset is behind the partition's
// high watermark. Read by /metrics and the management API; the CLI computes the same over the
// wire (cli/groups-command.ts) because it is a Kafka client.
import type { TopicRegistry } from '../topics.js';
import type { GroupCoordinator } from './group-coordinator.js';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** -1 when the group has committed nothing for the partition. */
  readonly committedOffset: number;
  /** -1 when the topic or partition no longer exists. */
  readonly highWatermark: number;
  /** null when either side is unknown. */
  readonly lag: number | null;
}

/** Every partition the group has an offset for, sorted by topic then partition. */
export function groupLag(groups: GroupCoordinator, topics: TopicRegistry, groupId: string): PartitionLag[] {
  const fetched = groups.fetchOffsets(groupId, null);
  const out: PartitionLag[] = [];
  for (const c of fetched.partitions) {
    const log = topics.get(c.topic)?.partitions[c.partition];
    const highWatermark = log === undefined ? -1 : log.highWatermark;
    const lag = c.offset >= 0 && highWatermark >= 0 ? Math.max(0, highWatermark - c.offset) : null;
    out.push({ topic: c.topic, partition: c.partition, committedOffset: c.offset, highWatermark, lag });
  }
  out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return out;
}
