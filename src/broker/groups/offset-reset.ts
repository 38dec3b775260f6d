// Target offsets for `wharf groups reset-offsets` (Kafka's kafka-consumer-groups --reset-offsets):
// what each partition's committed offset becomes, from the log's bounds and timestamps. Pure
// planning; GroupCoordinator.resetOffsets then commits the plan (refused while the group is active).
import type { TopicPartition } from './group-types.js';

export type OffsetResetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** First offset whose timestamp is at or after `timestampMs`; the log end when there is none. */
  | { kind: 'datetime'; timestampMs: number }
  /** The committed offset moved by `delta` (negative goes back). */
  | { kind: 'shift-by'; delta: number }
  | { kind: 'to-offset'; offset: number };

export interface PartitionBounds {
  logStartOffset: number;
  logEndOffset: number;
}

/** What the plan needs to know of each partition's log (the broker's topic layer provides it). */
export interface OffsetResetSource {
  bounds(tp: TopicPartition): PartitionBounds | Promise<PartitionBounds>;
  offsetForTimestamp(tp: TopicPartition, timestampMs: number): Promise<number | null>;
}

export interface PlannedOffset extends TopicPartition {
  /** The new committed offset; -1 with a problem. */
  offset: number;
  /** Why the partition cannot be reset (nothing to shift from); null when it can. */
  problem: string | null;
}

/**
 * Plans a reset of `partitions`. Like Kafka's tool, a target outside [logStartOffset,
 * logEndOffset] is moved to the nearer end. `committed` gives the current offset, -1 for none.
 */
export async function planOffsetReset(
  spec: OffsetResetSpec, partitions: readonly TopicPartition[], committed: (tp: TopicPartition) => number, source: OffsetResetSource,
): Promise<PlannedOffset[]> {
  const out: PlannedOffset[] = [];
  for (const tp of partitions) {
    const { logStartOffset, logEndOffset } = await source.bounds(tp);
    const clamp = (offset: number): PlannedOffset => ({ ...tp, offset: Math.min(Math.max(offset, logStartOffset), logEndOffset), problem: null });
    switch (spec.kind) {
      case 'earliest':
        out.push(clamp(logStartOffset));
        break;
      case 'latest':
        out.push(clamp(logEndOffset));
        break;
      case 'datetime':
        out.push(clamp((await source.offsetForTimestamp(tp, spec.timestampMs)) ?? logEndOffset));
        break;
      case 'to-offset':
        out.push(clamp(spec.offset));
        break;
      case 'shift-by': {
        const current = committed(tp);
        if (current < 0) out.push({ ...tp, offset: -1, problem: `no committed offset to shift for ${tp.topic}-${tp.partition}; use --to-earliest, --to-latest or --to-datetime` });
        else out.push(clamp(current + spec.delta));
        break;
      }
    }
  }
  return out;
}
