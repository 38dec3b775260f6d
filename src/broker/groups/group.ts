// One group's state (Kafka's GroupMetadata): its state machine, members, static-member map,
// protocol votes, generation and committed offsets. Synchronous bookkeeping only; the rules of
// when to rebalance live in rebalance.ts and the request files.
import { strict as assert } from 'node:assert';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-subscription.js';
import type { Deadline } from './deadline-queue.js';
import { GroupError } from './group-errors.js';
import type { GroupMember } from './group-member.js';
import type { GroupProtocol, GroupState, JoinGroupMember, JoinGroupResult, SyncGroupResult } from './group-types.js';
import type { OffsetValue } from './offset-store.js';

const EMPTY = Buffer.alloc(0);

/** States each state may be entered from (Kafka's GroupState.validPreviousStates). */
const VALID_PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function joinError(memberId: string, error: GroupError): JoinGroupResult {
  return { error, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [] };
}

export function syncError(error: GroupError): SyncGroupResult {
  return { error, protocolType: null, protocolName: null, assignment: EMPTY };
}

export class Group {
  readonly groupId: string;
  state: GroupState = 'Empty';
  stateTimestampMs: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** In join order: the first member becomes leader, and votes are counted in this order. */
  readonly members = new Map<string, GroupMember>();
  /** group.instance.id → its current member id. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, with their expiry; they hold the join open. */
  readonly pendingMembers = new Map<string, Deadline>();
  /** Members of the new generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  numMembersAwaitingJoin = 0;
  /** A member joined during the initial delay, so the delay runs again (group.initial.rebalance.delay.ms). */
  newMemberAdded = false;
  /** The join phase's timer: the initial delay, or the rebalance timeout. */
  joinTimer: Deadline | null = null;
  joinTimerIsInitial = false;
  /** Members that do not send SyncGroup within the rebalance timeout are removed. */
  syncTimer: Deadline | null = null;
  /** Union of the members' subscriptions for a consumer group; null when unknown. */
  subscribedTopics: ReadonlySet<string> | null = null;
  /** topic → partition → committed offset. */
  readonly offsets = new Map<string, Map<number, OffsetValue>>();
  /** topic → partition → offset writes in flight (a deletion must tombstone them too). */
  readonly pendingOffsetWrites = new Map<string, Map<number, number>>();
  private readonly protocolVotes = new Map<string, number>();

  constructor(groupId: string, nowMs: number) {
    this.groupId = groupId;
    this.stateTimestampMs = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, nowMs: number): void {
    assert.ok(VALID_PREVIOUS[state].includes(this.state), 'invalid group state transition');
    this.state = state;
    this.stateTimestampMs = nowMs;
  }

  /** Stable, CompletingRebalance and Empty groups may start a rebalance. */
  get canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): GroupMember {
    const member = this.members.get(memberId);
    assert.ok(member !== undefined, 'member must be in the group');
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  currentStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /**
   * Kafka's validateCurrentMember: with an instance id, it must map to `memberId`
   * (FENCED_INSTANCE_ID when another member holds it, UNKNOWN_MEMBER_ID when none does); and
   * `memberId` must be in the group.
   */
  validateMember(memberId: string, groupInstanceId: string | null): GroupError {
    if (groupInstanceId !== null) {
      const current = this.staticMembers.get(groupInstanceId);
      if (current === undefined) return GroupError.UNKNOWN_MEMBER_ID;
      if (current !== memberId) return GroupError.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? GroupError.NONE : GroupError.UNKNOWN_MEMBER_ID;
  }

  add(member: GroupMember, waiter: ((result: JoinGroupResult) => void) | null): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    assert.equal(this.protocolType, member.protocolType, 'member protocol type must match the group');
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countVotes(member, 1);
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
    member.joinWaiter = waiter;
    if (waiter !== null) this.numMembersAwaitingJoin++;
  }

  /** Removes a member (or a pending member id); the first remaining member leads if it led. */
  remove(memberId: string): GroupMember | undefined {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      this.countVotes(member, -1);
      if (member.isAwaitingJoin) this.numMembersAwaitingJoin--;
      if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId) {
        this.staticMembers.delete(member.groupInstanceId);
      }
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    return member;
  }

  /** New protocols, timeouts and join long poll for a known member. */
  updateMember(
    member: GroupMember, protocols: readonly GroupProtocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number,
    waiter: ((result: JoinGroupResult) => void) | null,
  ): void {
    this.countVotes(member, -1);
    member.protocols = protocols;
    this.countVotes(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (waiter !== null && !member.isAwaitingJoin) this.numMembersAwaitingJoin++;
    else if (waiter === null && member.isAwaitingJoin) this.numMembersAwaitingJoin--;
    member.joinWaiter = waiter;
  }

  /**
   * Gives a static member's place (assignment, leadership) to a new member id. Long polls of the
   * old id end with FENCED_INSTANCE_ID at once: that process has been replaced.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): GroupMember {
    const member = this.get(oldMemberId);
    this.invokeJoin(member, joinError(oldMemberId, GroupError.FENCED_INSTANCE_ID));
    this.invokeSync(member, syncError(GroupError.FENCED_INSTANCE_ID));
    // Re-inserting under the new id keeps the member's place in join order.
    const entries = [...this.members.entries()].map(([id, m]): [string, GroupMember] => [id === oldMemberId ? newMemberId : id, m]);
    this.members.clear();
    for (const [id, m] of entries) this.members.set(id, m);
    member.memberId = newMemberId;
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /** Ends the member's JoinGroup long poll with `result`; false when it has none open. */
  invokeJoin(member: GroupMember, result: JoinGroupResult): boolean {
    const waiter = member.joinWaiter;
    if (waiter === null) return false;
    member.joinWaiter = null;
    this.numMembersAwaitingJoin--;
    waiter(result);
    return true;
  }

  invokeSync(member: GroupMember, result: SyncGroupResult): boolean {
    const waiter = member.syncWaiter;
    if (waiter === null) return false;
    member.syncWaiter = null;
    waiter(result);
    return true;
  }

  get hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  /**
   * Whether a member with these protocols may join: an empty group takes any non-empty list with
   * a protocol type; otherwise the type must match and one protocol must be one every member has.
   */
  supportsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    const size = this.members.size;
    return this.protocolType === protocolType && protocols.some((p) => (this.protocolVotes.get(p.name) ?? 0) === size);
  }

  /**
   * The protocol for the next generation: each member votes for its first protocol that every
   * member supports; most votes wins. A tie goes to the protocol voted for first in join order
   * (Kafka leaves ties to hash order; this makes them reproducible).
   */
  selectProtocol(): string {
    assert.ok(this.members.size > 0, 'cannot select a protocol for an empty group');
    const candidates = new Set<string>();
    for (const [name, count] of this.protocolVotes) if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const vote = member.vote(candidates);
      assert.ok(vote !== null, 'every member supports a common protocol');
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = 0;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  /** When the leader did not rejoin, any member that did leads; false if none rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.get(this.leaderId).isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** Bumps the generation and picks its protocol: CompletingRebalance, or Empty without members. */
  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', nowMs);
    }
    this.subscribedTopics = this.computeSubscribedTopics();
    this.pendingSyncMembers.clear();
  }

  /** Every member with its metadata for the chosen protocol: what the leader assigns from. */
  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName;
    assert.ok(protocol !== null, 'a generation with members has a protocol');
    return [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(protocol) }));
  }

  /** The longest rebalance timeout of the members: how long a rebalance waits for them. */
  rebalanceTimeoutMs(): number {
    let timeoutMs = 0;
    for (const m of this.members.values()) timeoutMs = Math.max(timeoutMs, m.rebalanceTimeoutMs);
    return timeoutMs;
  }

  get isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /** Unknown subscriptions count as subscribed, to be safe (as Kafka). */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics === null || this.subscribedTopics.has(topic);
  }

  computeSubscribedTopics(): ReadonlySet<string> | null {
    if (!this.isConsumerGroup) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopicsOf(member.metadataFor(this.protocolName));
      if (subscribed === null) return null;
      for (const t of subscribed) topics.add(t);
    }
    return topics;
  }

  // ---- committed offsets ----

  offset(topic: string, partition: number): OffsetValue | undefined {
    return this.offsets.get(topic)?.get(partition);
  }

  setOffset(topic: string, partition: number, value: OffsetValue | null): void {
    let partitions = this.offsets.get(topic);
    if (value === null) {
      partitions?.delete(partition);
      if (partitions?.size === 0) this.offsets.delete(topic);
      return;
    }
    if (partitions === undefined) this.offsets.set(topic, (partitions = new Map()));
    partitions.set(partition, value);
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0 || this.pendingOffsetWrites.size > 0;
  }

  /** Counts a write in flight for each partition (`delta` +1 when it starts, -1 when it ends). */
  trackPendingWrites(partitions: ReadonlyArray<{ topic: string; partition: number }>, delta: 1 | -1): void {
    for (const { topic, partition } of partitions) {
      let byPartition = this.pendingOffsetWrites.get(topic);
      if (byPartition === undefined) this.pendingOffsetWrites.set(topic, (byPartition = new Map()));
      const count = (byPartition.get(partition) ?? 0) + delta;
      assert.ok(count >= 0, 'pending offset writes never go negative');
      if (count === 0) byPartition.delete(partition);
      else byPartition.set(partition, count);
      if (byPartition.size === 0) this.pendingOffsetWrites.delete(topic);
    }
  }

  private countVotes(member: GroupMember, delta: 1 | -1): void {
    for (const name of member.protocolNames()) {
      const count = (this.protocolVotes.get(name) ?? 0) + delta;
      if (count === 0) this.protocolVotes.delete(name);
      else this.protocolVotes.set(name, count);
    }
  }
}
