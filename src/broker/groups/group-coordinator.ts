// The protocol-neutral group coordinator: Kafka's classic consumer-group protocol (JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup) and committed offsets, over an OffsetStore. Handlers call
// these methods with plain values and get plain values back, with a GroupError per request or
// per partition; nothing here throws for a client's input. docs/consumer-groups.md tells the story.
import type { CoordinatorContext } from './coordinator-context.js';
import { GroupError } from './group-errors.js';
import { resolveGroupCoordinatorOptions, type GroupCoordinatorOptions, type ResolvedGroupCoordinatorOptions } from './coordinator-options.js';
import { DeadlineQueue } from './deadline-queue.js';
import { joinError, syncError, type Group } from './group.js';
import { cleanupEmptyGroups, deleteGroups, describeGroup, listGroups } from './group-admin.js';
import { GroupReplay } from './group-persistence.js';
import type {
  GroupDeletion, GroupDescription, GroupListing, HeartbeatRequest, HeartbeatResult, JoinGroupRequest, JoinGroupResult, LeaveGroupResult,
  LeavingMember, OffsetCommitRequest, OffsetCommitResult, OffsetDeleteResult, OffsetFetchResult, SyncGroupRequest, SyncGroupResult,
  TopicPartition,
} from './group-types.js';
import { joinGroup } from './join-group.js';
import { heartbeat, leaveGroup, syncGroup } from './member-requests.js';
import { commitOffsets, deleteOffsets, fetchOffsets, resetOffsets } from './offset-commits.js';
import type { OffsetStore, OffsetStoreReplay } from './offset-store.js';
import { Rebalancer } from './rebalance.js';
import { StoreWriter } from './store-writer.js';

export class GroupCoordinator {
  /** What open() replayed from the store. */
  readonly loaded: OffsetStoreReplay;
  private readonly ctx: CoordinatorContext;
  private readonly deadlines: DeadlineQueue;
  private readonly writer: StoreWriter;
  private readonly options: ResolvedGroupCoordinatorOptions;
  private closing: Promise<void> | null = null;

  private constructor(store: OffsetStore, options: ResolvedGroupCoordinatorOptions, groups: Map<string, Group>, loaded: OffsetStoreReplay) {
    this.loaded = loaded;
    this.options = options;
    this.deadlines = new DeadlineQueue(options.clock, options.timers);
    this.writer = new StoreWriter(store, options.onStoreError);
    const isClosed = (): boolean => this.closing !== null;
    this.ctx = {
      groups,
      options,
      deadlines: this.deadlines,
      rebalancer: new Rebalancer(this.deadlines, options, this.writer, isClosed),
      writer: this.writer,
      isClosed,
    };
  }

  /**
   * Replays the store (every committed offset and stored group) and starts serving. Groups come
   * back as last stored: Stable with their members, whose sessions start now (so members that
   * are gone expire and the group rebalances), or Empty. Throws WHARF_ERR_GROUP_CONFIG for an
   * option out of range, or the store's error if it cannot be read.
   */
  static async open(store: OffsetStore, options: GroupCoordinatorOptions = {}): Promise<GroupCoordinator> {
    const resolved = resolveGroupCoordinatorOptions(options);
    const replay = new GroupReplay(resolved.clock());
    const loaded = await store.replay(replay.visit);
    const coordinator = new GroupCoordinator(store, resolved, replay.finish(), loaded);
    coordinator.startLoadedGroups();
    coordinator.scheduleCleanup();
    return coordinator;
  }

  /** JoinGroup: settles when the join phase completes (or at once with an error / MEMBER_ID_REQUIRED). */
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResult> {
    return joinGroup(this.ctx, request);
  }

  /** SyncGroup: the leader sends the assignment; everyone settles with its own bytes once it is stored. */
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResult> {
    return syncGroup(this.ctx, request);
  }

  heartbeat(request: HeartbeatRequest): HeartbeatResult {
    return heartbeat(this.ctx, request);
  }

  /** LeaveGroup (v0-2: one member with groupInstanceId null). */
  leaveGroup(groupId: string, members: readonly LeavingMember[]): LeaveGroupResult {
    return leaveGroup(this.ctx, groupId, members);
  }

  /** OffsetCommit: settles once the offsets are durable, with an error per partition. */
  commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResult> {
    return commitOffsets(this.ctx, request);
  }

  /** OffsetFetch: `partitions` null means every partition the group has an offset for. */
  fetchOffsets(groupId: string, partitions: readonly TopicPartition[] | null): OffsetFetchResult {
    return fetchOffsets(this.ctx, groupId, partitions);
  }

  /** OffsetDelete. */
  deleteOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<OffsetDeleteResult> {
    return deleteOffsets(this.ctx, groupId, partitions);
  }

  /** Sets offsets for a group without members (the CLI's reset-offsets); NON_EMPTY_GROUP otherwise. */
  resetOffsets(groupId: string, offsets: ReadonlyArray<TopicPartition & { offset: number }>): Promise<OffsetDeleteResult> {
    return resetOffsets(this.ctx, groupId, offsets);
  }

  listGroups(): GroupListing[] {
    return listGroups(this.ctx);
  }

  describeGroup(groupId: string): GroupDescription {
    return describeGroup(this.ctx, groupId);
  }

  /** DeleteGroups: one result per id, in order. */
  deleteGroups(groupIds: readonly string[]): Promise<GroupDeletion[]> {
    return deleteGroups(this.ctx, groupIds);
  }

  /**
   * Stops serving: every open JoinGroup and SyncGroup settles with COORDINATOR_NOT_AVAILABLE
   * (clients find the coordinator again and rejoin), later calls get the same, deadlines stop,
   * and appends in flight finish before the store closes.
   */
  close(): Promise<void> {
    if (this.closing === null) this.closing = this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.deadlines.close();
    for (const group of this.ctx.groups.values()) {
      for (const member of group.members.values()) {
        group.invokeJoin(member, joinError(member.memberId, GroupError.COORDINATOR_NOT_AVAILABLE));
        group.invokeSync(member, syncError(GroupError.COORDINATOR_NOT_AVAILABLE));
      }
    }
    await this.writer.drain();
    await this.writer.close();
  }

  private startLoadedGroups(): void {
    const { rebalancer } = this.ctx;
    for (const group of this.ctx.groups.values()) {
      for (const member of group.members.values()) rebalancer.touchSession(group, member);
      // A lowered group.max.size: rebalance so the members that do not fit drop out (as Kafka).
      if (group.size > this.options.groupMaxSize) rebalancer.prepareRebalance(group);
    }
  }

  private scheduleCleanup(): void {
    const intervalMs = this.options.emptyGroupCleanupIntervalMs;
    if (intervalMs === 0) return;
    this.deadlines.schedule(this.deadlines.nowMs() + intervalMs, () => {
      cleanupEmptyGroups(this.ctx);
      this.scheduleCleanup();
    });
  }
}
