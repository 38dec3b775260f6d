// ListGroups, DescribeGroups, DeleteGroups, and forgetting empty groups that hold nothing (Kafka's
// handleListGroups, handleDescribeGroup, handleDeleteGroups and the cleanup half of its offset
// expiration task).
import { isValidGroupId, type CoordinatorContext } from './coordinator-context.js';
import type { Group } from './group.js';
import { GroupError } from './group-errors.js';
import type { DescribedMember, GroupDeletion, GroupDescription, GroupListing } from './group-types.js';
import type { OffsetStoreEntry } from './offset-store.js';

const EMPTY = Buffer.alloc(0);

export function listGroups(ctx: CoordinatorContext): GroupListing[] {
  if (ctx.isClosed()) return [];
  return [...ctx.groups.values()]
    .filter((g) => !g.is('Dead'))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/** Kafka's GroupSummary: member metadata and assignments only while Stable; an unknown group is 'Dead'. */
export function describeGroup(ctx: CoordinatorContext, groupId: string): GroupDescription {
  const none = (error: GroupError, state: GroupDescription['state']): GroupDescription => ({ error, groupId, state, protocolType: '', protocolName: '', members: [] });
  if (ctx.isClosed()) return none(GroupError.COORDINATOR_NOT_AVAILABLE, 'Dead');
  if (!isValidGroupId(groupId, true)) return none(GroupError.INVALID_GROUP_ID, 'Dead');
  const group = ctx.groups.get(groupId);
  if (group === undefined) return none(GroupError.NONE, 'Dead');
  const stable = group.is('Stable') ? group.protocolName : null;
  const members = [...group.members.values()].map((m): DescribedMember => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    metadata: stable === null ? EMPTY : m.metadataFor(stable),
    assignment: stable === null ? EMPTY : m.assignment,
  }));
  return { error: GroupError.NONE, groupId, state: group.state, protocolType: group.protocolType ?? '', protocolName: stable ?? '', members };
}

/**
 * DeleteGroups: empty groups only (NON_EMPTY_GROUP otherwise). The group is gone at once; its
 * offsets and metadata are tombstoned in one append, including offsets whose commit is still in
 * flight (its entry lands before the tombstones, so replay deletes it too).
 */
export async function deleteGroups(ctx: CoordinatorContext, groupIds: readonly string[]): Promise<GroupDeletion[]> {
  const results: GroupDeletion[] = groupIds.map((groupId) => ({ groupId, error: GroupError.NONE }));
  const doomed: Array<{ result: GroupDeletion; group: Group }> = [];
  for (const result of results) {
    const group = ctx.groups.get(result.groupId);
    if (ctx.isClosed()) result.error = GroupError.COORDINATOR_NOT_AVAILABLE;
    else if (!isValidGroupId(result.groupId, true)) result.error = GroupError.INVALID_GROUP_ID;
    else if (group === undefined || group.is('Dead')) result.error = GroupError.GROUP_ID_NOT_FOUND;
    else if (!group.is('Empty')) result.error = GroupError.NON_EMPTY_GROUP;
    else doomed.push({ result, group: forget(ctx, group) });
  }
  if (doomed.length === 0) return results;
  const entries = doomed.flatMap(({ group }) => tombstones(group, true));
  const error = await ctx.writer.append(entries, 'delete groups');
  // The groups are gone from memory already; a failed append means a restart may bring them back.
  if (error !== GroupError.NONE) for (const { result } of doomed) result.error = error;
  return results;
}

/**
 * Forgets empty groups without offsets (a consumer group whose members all left and never
 * committed, a join that failed): Kafka does the same on its offsets-retention timer.
 */
export function cleanupEmptyGroups(ctx: CoordinatorContext): void {
  if (ctx.isClosed()) return;
  const entries: OffsetStoreEntry[] = [];
  for (const group of [...ctx.groups.values()]) {
    if (!group.is('Empty') || group.hasOffsets || group.size > 0) continue;
    forget(ctx, group);
    // Generation 0 never completed a join, so nothing of it was stored.
    if (group.generationId > 0) entries.push(...tombstones(group, false));
  }
  if (entries.length > 0) void ctx.writer.append(entries, 'forget empty groups');
}

function forget(ctx: CoordinatorContext, group: Group): Group {
  group.transitionTo('Dead', ctx.rebalancer.nowMs());
  ctx.groups.delete(group.groupId);
  return group;
}

function tombstones(group: Group, withOffsets: boolean): OffsetStoreEntry[] {
  const out: OffsetStoreEntry[] = [];
  if (withOffsets) {
    const partitions = new Map<string, Set<number>>();
    for (const source of [group.offsets, group.pendingOffsetWrites]) {
      for (const [topic, byPartition] of source) {
        let set = partitions.get(topic);
        if (set === undefined) partitions.set(topic, (set = new Set()));
        for (const partition of byPartition.keys()) set.add(partition);
      }
    }
    for (const [topic, set] of partitions) {
      for (const partition of set) out.push({ kind: 'offset', groupId: group.groupId, topic, partition, value: null });
    }
  }
  out.push({ kind: 'group', groupId: group.groupId, value: null });
  return out;
}
