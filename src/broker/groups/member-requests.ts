// SyncGroup, Heartbeat and LeaveGroup (Kafka's handleSyncGroup, handleHeartbeat,
// handleLeaveGroup): the errors come exactly where Kafka returns them, since clients decide from
// them whether to rejoin (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION), reset their member id
// (UNKNOWN_MEMBER_ID) or stop (FENCED_INSTANCE_ID).
import { isValidGroupId, ownedCopy, type CoordinatorContext } from './coordinator-context.js';
import { syncError, type Group } from './group.js';
import { GroupError } from './group-errors.js';
import type {
  HeartbeatRequest, HeartbeatResult, LeaveGroupResult, LeavingMember, SyncGroupRequest, SyncGroupResult,
} from './group-types.js';

/** Checks shared by SyncGroup and Heartbeat: the member (and instance id), then the generation. */
function validateGenerationMember(group: Group, generationId: number, memberId: string, groupInstanceId: string | null): GroupError {
  if (group.is('Dead')) return GroupError.COORDINATOR_NOT_AVAILABLE;
  const error = group.validateMember(memberId, groupInstanceId);
  if (error !== GroupError.NONE) return error;
  return generationId === group.generationId ? GroupError.NONE : GroupError.ILLEGAL_GENERATION;
}

export function syncGroup(ctx: CoordinatorContext, request: SyncGroupRequest): Promise<SyncGroupResult> {
  const { groupId, memberId } = request;
  if (ctx.isClosed()) return Promise.resolve(syncError(GroupError.COORDINATOR_NOT_AVAILABLE));
  if (!isValidGroupId(groupId, false)) return Promise.resolve(syncError(GroupError.INVALID_GROUP_ID));
  const group = ctx.groups.get(groupId);
  if (group === undefined) return Promise.resolve(syncError(GroupError.UNKNOWN_MEMBER_ID));
  let error = validateGenerationMember(group, request.generationId, memberId, request.groupInstanceId);
  // SyncGroup v5+ (KIP-559) names the protocol the member expects; any other is inconsistent.
  if (error === GroupError.NONE && request.protocolType != null && request.protocolType !== group.protocolType) error = GroupError.INCONSISTENT_GROUP_PROTOCOL;
  if (error === GroupError.NONE && request.protocolName != null && request.protocolName !== group.protocolName) error = GroupError.INCONSISTENT_GROUP_PROTOCOL;
  if (error !== GroupError.NONE) return Promise.resolve(syncError(error));
  switch (group.state) {
    case 'Empty':
      return Promise.resolve(syncError(GroupError.UNKNOWN_MEMBER_ID));
    case 'PreparingRebalance':
      return Promise.resolve(syncError(GroupError.REBALANCE_IN_PROGRESS));
    case 'CompletingRebalance':
      return awaitAssignment(ctx, group, request);
    case 'Stable': {
      // A member syncing late (or again) gets the assignment the group settled on.
      ctx.rebalancer.removePendingSyncMember(group, memberId);
      const member = group.get(memberId);
      ctx.rebalancer.touchSession(group, member);
      return Promise.resolve({ error: GroupError.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
    }
    case 'Dead':
      return Promise.resolve(syncError(GroupError.COORDINATOR_NOT_AVAILABLE));
  }
}

/**
 * Followers wait here for the leader's SyncGroup. The leader's assignment is stored first (so a
 * restarted broker brings the group back Stable with it), then every waiting member gets its own
 * bytes and the group is Stable. Members the leader left out get empty bytes.
 */
function awaitAssignment(ctx: CoordinatorContext, group: Group, request: SyncGroupRequest): Promise<SyncGroupResult> {
  const { rebalancer } = ctx;
  const member = group.get(request.memberId);
  return new Promise<SyncGroupResult>((respond) => {
    // A repeated SyncGroup replaces the one its client gave up on.
    group.invokeSync(member, syncError(GroupError.REBALANCE_IN_PROGRESS));
    member.syncWaiter = respond;
    rebalancer.removePendingSyncMember(group, request.memberId);
    if (!group.isLeader(request.memberId)) return;
    const assignments = new Map<string, Buffer>();
    for (const a of request.assignments) if (group.has(a.memberId)) assignments.set(a.memberId, ownedCopy(a.assignment));
    const generationId = group.generationId;
    void rebalancer.storeGroup(group, assignments, 'store group assignment').then((error) => {
      // Another member may have joined meanwhile: only the generation this assignment is for takes it.
      if (ctx.isClosed() || !group.is('CompletingRebalance') || group.generationId !== generationId) return;
      if (error !== GroupError.NONE) {
        rebalancer.resetAndPropagateAssignmentError(group, error);
        rebalancer.maybePrepareRebalance(group);
        return;
      }
      rebalancer.setAndPropagateAssignment(group, assignments);
      group.transitionTo('Stable', rebalancer.nowMs());
    });
  });
}

export function heartbeat(ctx: CoordinatorContext, request: HeartbeatRequest): HeartbeatResult {
  if (ctx.isClosed()) return { error: GroupError.COORDINATOR_NOT_AVAILABLE };
  if (!isValidGroupId(request.groupId, false)) return { error: GroupError.INVALID_GROUP_ID };
  const group = ctx.groups.get(request.groupId);
  if (group === undefined) return { error: GroupError.UNKNOWN_MEMBER_ID };
  const error = validateGenerationMember(group, request.generationId, request.memberId, request.groupInstanceId);
  if (error !== GroupError.NONE) return { error };
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return { error: GroupError.UNKNOWN_MEMBER_ID };
    case 'PreparingRebalance':
      // The one way a member that is not joining learns it must: heartbeats answer 27 until it rejoins.
      ctx.rebalancer.touchSession(group, group.get(request.memberId));
      return { error: GroupError.REBALANCE_IN_PROGRESS };
    case 'CompletingRebalance':
    case 'Stable':
      ctx.rebalancer.touchSession(group, group.get(request.memberId));
      return { error: GroupError.NONE };
  }
}

export function leaveGroup(ctx: CoordinatorContext, groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
  if (ctx.isClosed()) return { error: GroupError.COORDINATOR_NOT_AVAILABLE, members: [] };
  if (!isValidGroupId(groupId, false)) return { error: GroupError.INVALID_GROUP_ID, members: [] };
  const group = ctx.groups.get(groupId);
  const answer = (m: LeavingMember, error: GroupError): LeavingMember & { error: GroupError } => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, error });
  if (group === undefined) return { error: GroupError.NONE, members: leaving.map((m) => answer(m, GroupError.UNKNOWN_MEMBER_ID)) };
  if (group.is('Dead')) return { error: GroupError.COORDINATOR_NOT_AVAILABLE, members: [] };
  const members = leaving.map((m) => answer(m, leaveOne(ctx, group, m)));
  return { error: GroupError.NONE, members };
}

function leaveOne(ctx: CoordinatorContext, group: Group, leaving: LeavingMember): GroupError {
  const { rebalancer } = ctx;
  if (leaving.memberId === '') {
    // LeaveGroup v3+ may remove a static member by instance id alone (an admin removal, KIP-345).
    const currentId = leaving.groupInstanceId === null ? undefined : group.currentStaticMemberId(leaving.groupInstanceId);
    if (currentId === undefined) return GroupError.UNKNOWN_MEMBER_ID;
    rebalancer.removeMemberAndUpdateGroup(group, group.get(currentId));
    return GroupError.NONE;
  }
  if (group.pendingMembers.has(leaving.memberId)) {
    rebalancer.removePendingMember(group, leaving.memberId);
    return GroupError.NONE;
  }
  const error = group.validateMember(leaving.memberId, leaving.groupInstanceId);
  if (error !== GroupError.NONE) return error;
  rebalancer.removeMemberAndUpdateGroup(group, group.get(leaving.memberId));
  return GroupError.NONE;
}
