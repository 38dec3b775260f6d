// The values GroupCoordinator takes and returns: plain TypeScript, no wire types. Field names
// follow Kafka's request schemas so a handler copies them across; where a Kafka version lacks a
// field, the comment says what to pass.
import type { GroupError } from './group-errors.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** One assignor a member supports, with its subscription bytes (opaque to the broker). */
/** Who a member is and the timeouts it asked for: the same in memory and in the offsets log. */
export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
}

export interface GroupProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  /** '' for a member that has no id yet. */
  memberId: string;
  /** group.instance.id (JoinGroup v5+, KIP-345); null for a dynamic member. */
  groupInstanceId: string | null;
  /** 'consumer' for Kafka consumers; every member of a group must send the same. */
  protocolType: string;
  /** In the member's order of preference. */
  protocols: readonly GroupProtocol[];
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: pass -1 (or the session timeout) and the session timeout is used. */
  rebalanceTimeoutMs: number;
  /** true from JoinGroup v4 on (KIP-394): a new dynamic member first gets MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  clientId: string;
  clientHost: string;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  /** The member's metadata for the chosen protocol. */
  metadata: Buffer;
}

export interface JoinGroupResult {
  error: GroupError;
  /** -1 with an error. */
  generationId: number;
  /** null with an error (JoinGroup v7+ sends it nullable; older versions do not carry it). */
  protocolType: string | null;
  /** The chosen protocol; null with an error (write '' where the version needs a string). */
  protocolName: string | null;
  /** '' with an error. */
  leaderId: string;
  /** The member's id: a new one for a new member, and with MEMBER_ID_REQUIRED the id to rejoin with. */
  memberId: string;
  /** Every member with its metadata, for the leader only; [] for followers and with an error. */
  members: JoinGroupMember[];
}

export interface MemberAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** SyncGroup v3+; null before. */
  groupInstanceId: string | null;
  /** SyncGroup v5+ (KIP-559); null/absent when the version does not carry it. */
  protocolType?: string | null;
  protocolName?: string | null;
  /** The leader's assignment; [] from followers. */
  assignments: readonly MemberAssignment[];
}

export interface SyncGroupResult {
  error: GroupError;
  /** null with an error. */
  protocolType: string | null;
  protocolName: string | null;
  /** This member's bytes; empty when it has none or with an error. */
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** Heartbeat v3+; null before. */
  groupInstanceId: string | null;
}

export interface HeartbeatResult {
  error: GroupError;
}

export interface LeavingMember {
  /** '' to remove a static member by its instance id alone (an admin removal). */
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  /** NONE unless the whole request failed (closed coordinator, invalid group id). */
  error: GroupError;
  /** One per leaving member, in request order. LeaveGroup v0-2 answers with the first non-NONE of these. */
  members: Array<LeavingMember & { error: GroupError }>;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface OffsetCommitPartition extends TopicPartition {
  offset: number;
  /** -1 when the client has none (OffsetCommit before v6). */
  leaderEpoch: number;
  /** null is stored as '' (as Kafka does). */
  metadata: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 for a commit outside group management (a simple consumer, an admin tool). */
  generationId: number;
  /** '' when the client is not a member (and OffsetCommit v0). */
  memberId: string;
  /** OffsetCommit v7+; null before. */
  groupInstanceId: string | null;
  offsets: readonly OffsetCommitPartition[];
}

export interface PartitionResult extends TopicPartition {
  error: GroupError;
}

export interface OffsetCommitResult {
  /** One per requested partition, in request order. */
  partitions: PartitionResult[];
}

export interface CommittedOffset extends TopicPartition {
  /** -1 when the group has no committed offset for the partition. */
  offset: number;
  leaderEpoch: number;
  metadata: string;
  error: GroupError;
}

export interface OffsetFetchResult {
  error: GroupError;
  partitions: CommittedOffset[];
}

export interface OffsetDeleteResult {
  /** A group-level error leaves `partitions` empty. */
  error: GroupError;
  partitions: PartitionResult[];
}

export interface GroupListing {
  groupId: string;
  /** '' for a group that only holds offsets (simple consumers). */
  protocolType: string;
  state: GroupState;
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Metadata for the chosen protocol and the assignment: only while Stable (empty otherwise, as Kafka). */
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupDescription {
  error: GroupError;
  groupId: string;
  /** 'Dead' for a group the coordinator does not know (DescribeGroups v0-5 answer NONE with it). */
  state: GroupState;
  protocolType: string;
  /** The chosen protocol while Stable; '' otherwise. */
  protocolName: string;
  members: DescribedMember[];
}

export interface GroupDeletion {
  groupId: string;
  error: GroupError;
}
