// The classic rebalance protocol's moving parts (Kafka's GroupCoordinator internals): starting a
// rebalance, completing the join phase, handing out the leader's assignment, and every deadline —
// the initial delay, the rebalance timeout, the pending-sync timeout, member sessions and
// MEMBER_ID_REQUIRED ids. The request files decide when; this file does it.
//
//   Empty ──join──► PreparingRebalance ──all joined / timeout──► CompletingRebalance ──leader sync──► Stable
//                         ▲   (no members left ─► Empty)                 │                            │
//                         └──────── member joins, leaves, expires, changes metadata ◄─────────────────┘
import { strict as assert } from 'node:assert';
import type { ResolvedGroupCoordinatorOptions } from './coordinator-options.js';
import type { DeadlineQueue } from './deadline-queue.js';
import { Group, joinError, syncError } from './group.js';
import { GroupError } from './group-errors.js';
import { GroupMember, type MemberSpec } from './group-member.js';
import { storedGroupOf } from './group-persistence.js';
import type { GroupProtocol, JoinGroupResult } from './group-types.js';
import type { StoreWriter } from './store-writer.js';

const EMPTY = Buffer.alloc(0);

type JoinWaiter = (result: JoinGroupResult) => void;

export class Rebalancer {
  private readonly deadlines: DeadlineQueue;
  private readonly options: ResolvedGroupCoordinatorOptions;
  private readonly writer: StoreWriter;
  private readonly isClosed: () => boolean;

  constructor(deadlines: DeadlineQueue, options: ResolvedGroupCoordinatorOptions, writer: StoreWriter, isClosed: () => boolean) {
    this.deadlines = deadlines;
    this.options = options;
    this.writer = writer;
    this.isClosed = isClosed;
  }

  nowMs(): number {
    return this.deadlines.nowMs();
  }

  // ---- joining ----

  /** A new member joins and the group rebalances (its JoinGroup stays open until the join completes). */
  addMemberAndRebalance(group: Group, spec: MemberSpec, waiter: JoinWaiter): GroupMember {
    const member = new GroupMember(spec);
    member.isNew = true;
    // Only a group's very first rebalance extends its initial delay for newcomers (as Kafka).
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    this.dropPendingMember(group, spec.memberId);
    group.add(member, waiter);
    // A new member cannot heartbeat before its JoinGroup returns, and a client that gave up on a
    // long rebalance retries with a fresh join; the new-member timeout drops such leftovers.
    this.touchSession(group, member, this.options.newMemberJoinTimeoutMs);
    this.maybePrepareRebalance(group);
    return member;
  }

  /** A known member rejoins with (possibly new) protocols and timeouts. */
  updateMemberAndRebalance(
    group: Group, member: GroupMember, protocols: readonly GroupProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, waiter: JoinWaiter,
  ): void {
    this.supersedeJoin(group, member);
    group.updateMember(member, protocols, rebalanceTimeoutMs, sessionTimeoutMs, waiter);
    this.maybePrepareRebalance(group);
  }

  /**
   * A second JoinGroup from a member already waiting replaces the first, whose client has given up
   * on it (Kafka drops the old callback; a promise must settle, so it gets REBALANCE_IN_PROGRESS).
   */
  supersedeJoin(group: Group, member: GroupMember): void {
    group.invokeJoin(member, joinError(member.memberId, GroupError.REBALANCE_IN_PROGRESS));
  }

  maybePrepareRebalance(group: Group): void {
    if (group.canRebalance) this.prepareRebalance(group);
  }

  prepareRebalance(group: Group): void {
    // Members waiting for an assignment of the generation being abandoned must rejoin.
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentError(group, GroupError.REBALANCE_IN_PROGRESS);
    this.clearSyncExpiration(group);
    const wasEmpty = group.is('Empty');
    const rebalanceTimeoutMs = group.rebalanceTimeoutMs();
    group.transitionTo('PreparingRebalance', this.nowMs());
    if (wasEmpty) {
      const delayMs = this.options.initialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delayMs, Math.max(rebalanceTimeoutMs - delayMs, 0));
    } else {
      this.scheduleJoin(group, rebalanceTimeoutMs);
      this.maybeCompleteJoin(group);
    }
  }

  /** Completes the join phase now if every member has rejoined (never during the initial delay). */
  maybeCompleteJoin(group: Group): void {
    if (group.is('PreparingRebalance') && !group.joinTimerIsInitial && group.hasAllMembersJoined) this.completeJoin(group);
  }

  /**
   * group.initial.rebalance.delay.ms: the first rebalance of an empty group waits `delayMs`, and
   * again while new members keep arriving, until the rebalance timeout is used up.
   */
  private scheduleInitialJoin(group: Group, delayMs: number, remainingMs: number): void {
    this.deadlines.cancel(group.joinTimer);
    group.joinTimerIsInitial = true;
    group.joinTimer = this.deadlines.schedule(this.nowMs() + delayMs, () => {
      group.joinTimer = null;
      if (this.isClosed() || !group.is('PreparingRebalance')) return;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const nextDelayMs = Math.min(this.options.initialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, nextDelayMs, Math.max(remainingMs - nextDelayMs, 0));
      } else {
        this.completeJoin(group);
      }
    });
  }

  /** The rebalance timeout: members that have not rejoined by then are dropped. */
  private scheduleJoin(group: Group, timeoutMs: number): void {
    this.deadlines.cancel(group.joinTimer);
    group.joinTimerIsInitial = false;
    group.joinTimer = this.deadlines.schedule(this.nowMs() + timeoutMs, () => {
      group.joinTimer = null;
      if (!this.isClosed() && group.is('PreparingRebalance')) this.completeJoin(group);
    });
  }

  /** Kafka's onCompleteJoin: drop dynamic members that did not rejoin, start the next generation, answer every JoinGroup. */
  private completeJoin(group: Group): void {
    this.deadlines.cancel(group.joinTimer);
    group.joinTimer = null;
    group.joinTimerIsInitial = false;
    // Static members keep their place until their session expires (KIP-345): a restart is not a departure.
    for (const member of [...group.members.values()]) {
      if (!member.isAwaitingJoin && !member.isStatic) this.removeMember(group, member);
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined are left: wait again, until their sessions end.
      this.scheduleJoin(group, group.rebalanceTimeoutMs());
      return;
    }
    group.initNextGeneration(this.nowMs());
    if (group.is('Empty')) {
      // The empty generation is stored so a restart does not bring back the last members. A
      // failure only means the older generation comes back and times out: reported, not fatal.
      void this.storeGroup(group, null, 'store empty group');
      return;
    }
    const leaderMembers = group.currentMemberMetadata();
    for (const member of group.members.values()) {
      group.invokeJoin(member, {
        error: GroupError.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leaderId: group.leaderId ?? '',
        memberId: member.memberId,
        members: group.isLeader(member.memberId) ? leaderMembers : [],
      });
      this.touchSession(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    this.scheduleSyncExpiration(group);
  }

  // ---- syncing ----

  setAndPropagateAssignment(group: Group, assignments: ReadonlyMap<string, Buffer>): void {
    assert.ok(group.is('CompletingRebalance'), 'assignments are set while completing a rebalance');
    for (const member of group.members.values()) member.assignment = assignments.get(member.memberId) ?? EMPTY;
    this.propagateAssignment(group, GroupError.NONE);
  }

  resetAndPropagateAssignmentError(group: Group, error: GroupError): void {
    assert.ok(group.is('CompletingRebalance'), 'assignments are reset while completing a rebalance');
    for (const member of group.members.values()) member.assignment = EMPTY;
    this.propagateAssignment(group, error);
  }

  private propagateAssignment(group: Group, error: GroupError): void {
    for (const member of group.members.values()) {
      const result = error === GroupError.NONE
        ? { error, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment }
        : syncError(error);
      // A session that ran out while the member waited for its assignment was left alone; it starts again now.
      if (group.invokeSync(member, result)) this.touchSession(group, member);
    }
  }

  removePendingSyncMember(group: Group, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) {
      this.deadlines.cancel(group.syncTimer);
      group.syncTimer = null;
    }
  }

  private clearSyncExpiration(group: Group): void {
    group.pendingSyncMembers.clear();
    this.deadlines.cancel(group.syncTimer);
    group.syncTimer = null;
  }

  /** Members of the new generation that send no SyncGroup within the rebalance timeout are dropped. */
  private scheduleSyncExpiration(group: Group): void {
    this.deadlines.cancel(group.syncTimer);
    const generationId = group.generationId;
    group.syncTimer = this.deadlines.schedule(this.nowMs() + group.rebalanceTimeoutMs(), () => {
      group.syncTimer = null;
      if (this.isClosed() || group.generationId !== generationId) return;
      if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
      if (group.pendingSyncMembers.size === 0) return;
      for (const memberId of [...group.pendingSyncMembers]) {
        const member = group.members.get(memberId);
        if (member !== undefined) this.removeMember(group, member);
      }
      this.prepareRebalance(group);
    });
  }

  /** Stores the group with `assignments` (or each member's current one); NONE once durable. */
  storeGroup(group: Group, assignments: ReadonlyMap<string, Buffer> | null, action: string): Promise<GroupError> {
    return this.writer.append([{ kind: 'group', groupId: group.groupId, value: storedGroupOf(group, assignments) }], action);
  }

  // ---- sessions and removal ----

  /** Pushes the member's session deadline to now + `timeoutMs` (a heartbeat, a finished long poll). */
  touchSession(group: Group, member: GroupMember, timeoutMs: number = member.sessionTimeoutMs): void {
    member.sessionDeadlineMs = this.nowMs() + timeoutMs;
    const timer = member.sessionTimer;
    // An entry due no later than the new deadline stays: when it fires it re-queues itself. So a
    // heartbeat costs a field write, not a heap operation.
    if (timer !== null && timer.pending && timer.atMs <= member.sessionDeadlineMs) return;
    this.deadlines.cancel(timer);
    member.sessionTimer = this.deadlines.schedule(member.sessionDeadlineMs, () => this.onSessionTimer(group, member));
  }

  private onSessionTimer(group: Group, member: GroupMember): void {
    member.sessionTimer = null;
    if (this.isClosed() || group.members.get(member.memberId) !== member) return;
    if (this.nowMs() < member.sessionDeadlineMs) {
      member.sessionTimer = this.deadlines.schedule(member.sessionDeadlineMs, () => this.onSessionTimer(group, member));
      return;
    }
    // A member inside a JoinGroup or SyncGroup cannot heartbeat: that wait counts as one (Kafka's
    // hasSatisfiedHeartbeat), and its session restarts when the long poll is answered. A new
    // member is the exception: its deadline is the new-member timeout.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.removeMemberAndUpdateGroup(group, member);
  }

  /** Removes a member that left or expired, ending its long polls, and moves the group on. */
  removeMemberAndUpdateGroup(group: Group, member: GroupMember): void {
    // A new member may expire inside its JoinGroup; UNKNOWN_MEMBER_ID makes a live client rejoin.
    group.invokeJoin(member, joinError('', GroupError.UNKNOWN_MEMBER_ID));
    group.invokeSync(member, syncError(GroupError.UNKNOWN_MEMBER_ID));
    this.removeMember(group, member);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalance(group);
    else if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
  }

  /** Takes the member out of the group and the deadline queue, nothing more. */
  removeMember(group: Group, member: GroupMember): void {
    group.remove(member.memberId);
    this.deadlines.cancel(member.sessionTimer);
    member.sessionTimer = null;
    if (group.pendingSyncMembers.size === 0) {
      this.deadlines.cancel(group.syncTimer);
      group.syncTimer = null;
    }
  }

  // ---- MEMBER_ID_REQUIRED ids (KIP-394) ----

  /** Holds the join open for a member id handed out with MEMBER_ID_REQUIRED, for one session. */
  addPendingMember(group: Group, memberId: string, sessionTimeoutMs: number): void {
    group.pendingMembers.set(memberId, this.deadlines.schedule(this.nowMs() + sessionTimeoutMs, () => {
      if (!this.isClosed() && group.pendingMembers.has(memberId)) this.removePendingMember(group, memberId);
    }));
  }

  removePendingMember(group: Group, memberId: string): void {
    this.dropPendingMember(group, memberId);
    if (group.is('PreparingRebalance')) this.maybeCompleteJoin(group);
  }

  private dropPendingMember(group: Group, memberId: string): void {
    this.deadlines.cancel(group.pendingMembers.get(memberId) ?? null);
    group.pendingMembers.delete(memberId);
  }
}
