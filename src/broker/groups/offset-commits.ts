// OffsetCommit, OffsetFetch, OffsetDelete and the CLI's offset reset (Kafka's handleCommitOffsets,
// getOffsets, handleDeleteOffsets). A commit is answered only once its entries are durable in the
// offsets log, and the coordinator's view changes only then, so what a fetch returns is what a
// restart would bring back.
import { KEY_STRING_BYTES_MAX, isValidGroupId, type CoordinatorContext } from './coordinator-context.js';
import { Group } from './group.js';
import { GroupError } from './group-errors.js';
import type {
  CommittedOffset, OffsetCommitPartition, OffsetCommitRequest, OffsetCommitResult, OffsetDeleteResult, OffsetFetchResult, PartitionResult,
  TopicPartition,
} from './group-types.js';
import type { OffsetStoreEntry, OffsetValue } from './offset-store.js';

function allPartitions(offsets: readonly TopicPartition[], error: GroupError): PartitionResult[] {
  return offsets.map((p) => ({ topic: p.topic, partition: p.partition, error }));
}

/**
 * Kafka's validateOffsetCommit: generation -1 on an empty group is a commit from outside group
 * management (allowed); anything naming a member or generation must be the current member of the
 * current generation; a non-empty group takes commits from its members only.
 */
function validateOffsetCommit(group: Group, request: OffsetCommitRequest): GroupError {
  if (group.is('Dead')) return GroupError.COORDINATOR_NOT_AVAILABLE;
  if (request.generationId < 0 && group.is('Empty')) return GroupError.NONE;
  if (request.generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null) {
    const error = group.validateMember(request.memberId, request.groupInstanceId);
    if (error !== GroupError.NONE) return error;
    return request.generationId === group.generationId ? GroupError.NONE : GroupError.ILLEGAL_GENERATION;
  }
  return group.is('Empty') ? GroupError.NONE : GroupError.UNKNOWN_MEMBER_ID;
}

export async function commitOffsets(ctx: CoordinatorContext, request: OffsetCommitRequest): Promise<OffsetCommitResult> {
  const { offsets } = request;
  if (ctx.isClosed()) return { partitions: allPartitions(offsets, GroupError.COORDINATOR_NOT_AVAILABLE) };
  if (!isValidGroupId(request.groupId, true)) return { partitions: allPartitions(offsets, GroupError.INVALID_GROUP_ID) };
  let group = ctx.groups.get(request.groupId);
  if (group === undefined) {
    // A stale member of a group the coordinator no longer knows must rejoin, not write offsets.
    if (request.generationId >= 0) return { partitions: allPartitions(offsets, GroupError.ILLEGAL_GENERATION) };
    group = new Group(request.groupId, ctx.rebalancer.nowMs());
    ctx.groups.set(request.groupId, group);
  }
  const error = validateOffsetCommit(group, request);
  if (error !== GroupError.NONE) return { partitions: allPartitions(offsets, error) };
  switch (group.state) {
    case 'CompletingRebalance':
      // The member has the new generation from its JoinGroup but no assignment yet (Kafka answers 27).
      return { partitions: allPartitions(offsets, GroupError.REBALANCE_IN_PROGRESS) };
    case 'Stable':
    case 'PreparingRebalance':
      // Commits still land while preparing: the member learns of the rebalance from its next heartbeat.
      ctx.rebalancer.touchSession(group, group.get(request.memberId));
      break;
    case 'Empty':
    case 'Dead':
      break;
  }
  return { partitions: await storeOffsets(ctx, group, offsets) };
}

/** Checks each partition, appends the good ones as one unit, and applies them once durable. */
async function storeOffsets(ctx: CoordinatorContext, group: Group, offsets: readonly OffsetCommitPartition[]): Promise<PartitionResult[]> {
  const { partitionExists, offsetMetadataBytesMax } = ctx.options;
  const commitTimestampMs = ctx.rebalancer.nowMs();
  const results = allPartitions(offsets, GroupError.NONE);
  const writes: Array<{ index: number; topic: string; partition: number; value: OffsetValue }> = [];
  offsets.forEach((p, index) => {
    const result = results[index] as PartitionResult;
    const metadata = p.metadata ?? '';
    if (Buffer.byteLength(p.topic, 'utf8') > KEY_STRING_BYTES_MAX || !partitionExists(p.topic, p.partition)) {
      result.error = GroupError.UNKNOWN_TOPIC_OR_PARTITION;
    } else if (Buffer.byteLength(metadata, 'utf8') > offsetMetadataBytesMax) {
      result.error = GroupError.OFFSET_METADATA_TOO_LARGE;
    } else {
      writes.push({ index, topic: p.topic, partition: p.partition, value: { offset: p.offset, leaderEpoch: p.leaderEpoch, metadata, commitTimestampMs } });
    }
  });
  if (writes.length === 0) return results;
  const entries: OffsetStoreEntry[] = writes.map((w) => ({ kind: 'offset', groupId: group.groupId, topic: w.topic, partition: w.partition, value: w.value }));
  group.trackPendingWrites(writes, 1);
  const error = await ctx.writer.append(entries, 'commit offsets');
  group.trackPendingWrites(writes, -1);
  for (const w of writes) {
    if (error !== GroupError.NONE) (results[w.index] as PartitionResult).error = error;
    // A group deleted meanwhile tombstoned these partitions after this append: they stay deleted.
    else if (!group.is('Dead')) group.setOffset(w.topic, w.partition, w.value);
  }
  return results;
}

/** OffsetFetch: the committed offsets of `partitions`, or of every partition the group has (null). */
export function fetchOffsets(ctx: CoordinatorContext, groupId: string, partitions: readonly TopicPartition[] | null): OffsetFetchResult {
  if (ctx.isClosed()) return { error: GroupError.COORDINATOR_NOT_AVAILABLE, partitions: [] };
  if (!isValidGroupId(groupId, true)) return { error: GroupError.INVALID_GROUP_ID, partitions: [] };
  const group = ctx.groups.get(groupId);
  const known = group !== undefined && !group.is('Dead') ? group : null;
  const wanted = partitions ?? (known === null ? [] : allCommittedPartitions(known));
  return {
    error: GroupError.NONE,
    partitions: wanted.map((tp): CommittedOffset => {
      const value = known?.offset(tp.topic, tp.partition);
      if (value === undefined) return { topic: tp.topic, partition: tp.partition, offset: -1, leaderEpoch: -1, metadata: '', error: GroupError.NONE };
      return { topic: tp.topic, partition: tp.partition, offset: value.offset, leaderEpoch: value.leaderEpoch, metadata: value.metadata, error: GroupError.NONE };
    }),
  };
}

function allCommittedPartitions(group: Group): TopicPartition[] {
  const out: TopicPartition[] = [];
  for (const topic of [...group.offsets.keys()].sort()) {
    const partitions = group.offsets.get(topic);
    if (partitions === undefined) continue;
    for (const partition of [...partitions.keys()].sort((a, b) => a - b)) out.push({ topic, partition });
  }
  return out;
}

/**
 * OffsetDelete (KIP-496): an empty group loses any offsets; an active consumer group only those
 * of topics none of its members subscribes to; any other active group none.
 */
export async function deleteOffsets(ctx: CoordinatorContext, groupId: string, partitions: readonly TopicPartition[]): Promise<OffsetDeleteResult> {
  if (ctx.isClosed()) return { error: GroupError.COORDINATOR_NOT_AVAILABLE, partitions: [] };
  if (!isValidGroupId(groupId, false)) return { error: GroupError.INVALID_GROUP_ID, partitions: [] };
  const group = ctx.groups.get(groupId);
  if (group === undefined || group.is('Dead')) return { error: GroupError.GROUP_ID_NOT_FOUND, partitions: [] };
  const results = allPartitions(partitions, GroupError.NONE);
  if (!group.is('Empty')) {
    if (!group.isConsumerGroup) return { error: GroupError.NON_EMPTY_GROUP, partitions: [] };
    for (const r of results) if (group.isSubscribedToTopic(r.topic)) r.error = GroupError.GROUP_SUBSCRIBED_TO_TOPIC;
  }
  const eligible = results.filter((r) => r.error === GroupError.NONE);
  if (eligible.length === 0) return { error: GroupError.NONE, partitions: results };
  const entries: OffsetStoreEntry[] = eligible.map((r) => ({ kind: 'offset', groupId, topic: r.topic, partition: r.partition, value: null }));
  const error = await ctx.writer.append(entries, 'delete offsets');
  for (const r of eligible) {
    if (error !== GroupError.NONE) r.error = error;
    else group.setOffset(r.topic, r.partition, null);
  }
  return { error: GroupError.NONE, partitions: results };
}

/**
 * Sets committed offsets from outside the group (the CLI's reset-offsets): refused with
 * NON_EMPTY_GROUP while the group has members, like Kafka's tool. Offsets are committed as a
 * simple consumer would (generation -1), without leader epoch or metadata.
 */
export async function resetOffsets(
  ctx: CoordinatorContext, groupId: string, offsets: ReadonlyArray<TopicPartition & { offset: number }>,
): Promise<OffsetDeleteResult> {
  if (ctx.isClosed()) return { error: GroupError.COORDINATOR_NOT_AVAILABLE, partitions: [] };
  const group = ctx.groups.get(groupId);
  if (group !== undefined && !group.is('Empty')) return { error: GroupError.NON_EMPTY_GROUP, partitions: [] };
  const result = await commitOffsets(ctx, {
    groupId,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    offsets: offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: -1, metadata: '' })),
  });
  return { error: GroupError.NONE, partitions: result.partitions };
}
