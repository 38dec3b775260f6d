// JoinGroup (Kafka's handleJoinGroup and its doNewMemberJoinGroup / doCurrentMemberJoinGroup /
// updateStaticMemberAndRebalance). A long poll: the promise settles when the join phase completes,
// or at once with an error, MEMBER_ID_REQUIRED, or the current generation for a member whose
// rejoin changes nothing.
import { strict as assert } from 'node:assert';
import { isValidGroupId, ownedProtocols, type CoordinatorContext } from './coordinator-context.js';
import { Group, joinError } from './group.js';
import { GroupError } from './group-errors.js';
import type { GroupMember, MemberSpec } from './group-member.js';
import type { GroupProtocol, JoinGroupRequest, JoinGroupResult } from './group-types.js';

type Respond = (result: JoinGroupResult) => void;

/** The request with owned buffers and the v0 rebalance timeout filled in. */
interface Join extends JoinGroupRequest {
  protocols: GroupProtocol[];
}

export function joinGroup(ctx: CoordinatorContext, request: JoinGroupRequest): Promise<JoinGroupResult> {
  const { groupId, memberId } = request;
  if (ctx.isClosed()) return Promise.resolve(joinError(memberId, GroupError.COORDINATOR_NOT_AVAILABLE));
  if (!isValidGroupId(groupId, false)) return Promise.resolve(joinError(memberId, GroupError.INVALID_GROUP_ID));
  const { sessionTimeoutMinMs, sessionTimeoutMaxMs } = ctx.options;
  if (request.sessionTimeoutMs < sessionTimeoutMinMs || request.sessionTimeoutMs > sessionTimeoutMaxMs) {
    return Promise.resolve(joinError(memberId, GroupError.INVALID_SESSION_TIMEOUT));
  }
  const join: Join = {
    ...request,
    // JoinGroup v0 has no rebalance timeout: the session timeout serves (as Kafka's KafkaApis).
    rebalanceTimeoutMs: request.rebalanceTimeoutMs < 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
    protocols: ownedProtocols(request.protocols),
  };
  const isNewMember = memberId === '';
  let group = ctx.groups.get(groupId);
  if (group === undefined) {
    // Only a member without an id creates a group; a member id for an unknown group is stale.
    if (!isNewMember) return Promise.resolve(joinError(memberId, GroupError.UNKNOWN_MEMBER_ID));
    group = new Group(groupId, ctx.rebalancer.nowMs());
    ctx.groups.set(groupId, group);
  }
  const target = group;
  // A restarting static member counts as the member it replaces (Kafka checks the empty id, so a
  // full group would refuse its own member's restart).
  const placeOf = isNewMember && join.groupInstanceId !== null ? target.currentStaticMemberId(join.groupInstanceId) ?? '' : memberId;
  return new Promise<JoinGroupResult>((respond) => {
    if (!acceptsJoiningMember(target, placeOf, ctx.options.groupMaxSize)) {
      // Over the limit: a member that has not rejoined this rebalance gives up its place.
      const member = target.members.get(placeOf);
      if (member !== undefined) ctx.rebalancer.removeMemberAndUpdateGroup(target, member);
      respond(joinError('', GroupError.GROUP_MAX_SIZE_REACHED));
    } else if (isNewMember) {
      joinNewMember(ctx, target, join, respond);
    } else {
      joinCurrentMember(ctx, target, join, respond);
    }
    if (target.is('PreparingRebalance')) ctx.rebalancer.maybeCompleteJoin(target);
  });
}

/**
 * group.max.size: while preparing a rebalance, members that already rejoined are kept and others
 * fill up to the limit (counting joined members lets the last to rejoin be shed if the limit was
 * lowered); otherwise existing members are kept and new ones fill up to the limit.
 */
function acceptsJoiningMember(group: Group, memberId: string, groupMaxSize: number): boolean {
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance':
      return (group.members.get(memberId)?.isAwaitingJoin ?? false) || group.numMembersAwaitingJoin < groupMaxSize;
    case 'CompletingRebalance':
    case 'Stable':
      return group.has(memberId) || group.size < groupMaxSize;
  }
}

function joinNewMember(ctx: CoordinatorContext, group: Group, join: Join, respond: Respond): void {
  if (group.is('Dead')) return respond(joinError('', GroupError.COORDINATOR_NOT_AVAILABLE));
  if (!group.supportsProtocols(join.protocolType, join.protocols)) return respond(joinError('', GroupError.INCONSISTENT_GROUP_PROTOCOL));
  const newMemberId = `${join.groupInstanceId ?? join.clientId}-${ctx.options.uuid()}`;
  if (join.groupInstanceId !== null) {
    const oldMemberId = group.currentStaticMemberId(join.groupInstanceId);
    // KIP-345: a restarted static member takes over its old place (and assignment).
    if (oldMemberId !== undefined) return replaceStaticMember(ctx, group, join.groupInstanceId, oldMemberId, newMemberId, join, respond);
    ctx.rebalancer.addMemberAndRebalance(group, memberSpec(join, newMemberId), respond);
    return;
  }
  if (join.requireKnownMemberId) {
    // KIP-394 (JoinGroup v4+): hand out the id first; the member rejoins with it. No static member is asked.
    ctx.rebalancer.addPendingMember(group, newMemberId, join.sessionTimeoutMs);
    return respond(joinError(newMemberId, GroupError.MEMBER_ID_REQUIRED));
  }
  ctx.rebalancer.addMemberAndRebalance(group, memberSpec(join, newMemberId), respond);
}

function joinCurrentMember(ctx: CoordinatorContext, group: Group, join: Join, respond: Respond): void {
  const { memberId } = join;
  if (group.is('Dead')) return respond(joinError(memberId, GroupError.COORDINATOR_NOT_AVAILABLE));
  if (!group.supportsProtocols(join.protocolType, join.protocols)) return respond(joinError(memberId, GroupError.INCONSISTENT_GROUP_PROTOCOL));
  if (group.pendingMembers.has(memberId)) {
    // Pending ids are handed to dynamic members only; Kafka treats an instance id here as a
    // broken invariant, but it is the client's input, so it is answered, not asserted.
    if (join.groupInstanceId !== null) return respond(joinError(memberId, GroupError.UNKNOWN_MEMBER_ID));
    ctx.rebalancer.addMemberAndRebalance(group, memberSpec(join, memberId), respond);
    return;
  }
  const error = group.validateMember(memberId, join.groupInstanceId);
  if (error !== GroupError.NONE) return respond(joinError(memberId, error));
  const member = group.get(memberId);
  switch (group.state) {
    case 'PreparingRebalance':
      return rejoin(ctx, group, member, join, respond);
    case 'CompletingRebalance':
      // Same metadata: the member missed its JoinGroup response; send it again.
      if (member.matches(join.protocols)) return respond(currentGeneration(group, memberId, group.isLeader(memberId)));
      return rejoin(ctx, group, member, join, respond);
    case 'Stable':
      // The leader rejoining forces a rebalance: that is how it reacts to changes its members'
      // metadata does not show (new partitions of a subscribed topic, for a consumer).
      if (group.isLeader(memberId) || !member.matches(join.protocols)) return rejoin(ctx, group, member, join, respond);
      return respond(currentGeneration(group, memberId, false));
    case 'Empty':
    case 'Dead':
      return respond(joinError(memberId, GroupError.UNKNOWN_MEMBER_ID));
  }
}

function rejoin(ctx: CoordinatorContext, group: Group, member: GroupMember, join: Join, respond: Respond): void {
  ctx.rebalancer.updateMemberAndRebalance(group, member, join.protocols, join.rebalanceTimeoutMs, join.sessionTimeoutMs, respond);
}

/**
 * A static member restarted with an empty member id. In a Stable group whose protocol would not
 * change, it gets the new id and keeps its assignment without a rebalance, once the group is
 * stored; it is told the old leader id, so even a restarted leader does not assign again (its new
 * assignment would not be sent out by a stable group). Otherwise the group rebalances.
 */
function replaceStaticMember(
  ctx: CoordinatorContext, group: Group, groupInstanceId: string, oldMemberId: string, newMemberId: string, join: Join, respond: Respond,
): void {
  const { rebalancer } = ctx;
  const currentLeader = group.leaderId ?? '';
  const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
  rebalancer.touchSession(group, member);
  const old = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
  group.updateMember(member, join.protocols, join.rebalanceTimeoutMs, join.sessionTimeoutMs, respond);
  switch (group.state) {
    case 'Stable': {
      if (group.protocolName !== group.selectProtocol()) return rebalancer.maybePrepareRebalance(group);
      void rebalancer.storeGroup(group, null, 'store replaced static member').then((error) => {
        if (ctx.isClosed()) return;
        if (error === GroupError.NONE) {
          group.invokeJoin(member, { ...currentGeneration(group, newMemberId, false), leaderId: currentLeader });
          return;
        }
        // Not stored: undo the replacement, so a restart does not bring back a member id nobody
        // was told about, and fail this join (the old process, if alive, keeps its place).
        if (group.members.get(newMemberId) !== member || !member.isAwaitingJoin) return;
        const waiter = member.joinWaiter;
        group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
        group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId);
        rebalancer.touchSession(group, member);
        waiter?.(joinError('', error));
      });
      return;
    }
    case 'CompletingRebalance':
      // The leader may already be assigning to the old id: start over so the new id gets its share.
      return rebalancer.prepareRebalance(group);
    case 'PreparingRebalance':
      return;
    case 'Empty':
    case 'Dead':
      assert.fail('a group with a static member is neither Empty nor Dead');
  }
}

function currentGeneration(group: Group, memberId: string, withMembers: boolean): JoinGroupResult {
  return {
    error: GroupError.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leaderId: group.leaderId ?? '',
    memberId,
    members: withMembers ? group.currentMemberMetadata() : [],
  };
}

function memberSpec(join: Join, memberId: string): MemberSpec {
  return {
    memberId,
    groupInstanceId: join.groupInstanceId,
    clientId: join.clientId,
    clientHost: join.clientHost,
    rebalanceTimeoutMs: join.rebalanceTimeoutMs,
    sessionTimeoutMs: join.sessionTimeoutMs,
    protocolType: join.protocolType,
    protocols: join.protocols,
  };
}
