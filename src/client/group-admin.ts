// Consumer-group administration over the Kafka protocol: list and describe groups (members and
// what each is assigned, decoded from the consumer protocol's assignment bytes), read committed
// offsets, commit offsets from outside the group (generation -1, as Kafka's
// kafka-consumer-groups does for --reset-offsets) and delete groups. Every request goes to the
// bootstrap broker, which coordinates every group on a single Wharf node; a Kafka broker that is
// not the group's coordinator answers NOT_COORDINATOR, and the error says what to do.
import { KafkaCodecError } from '../protocols/kafka/codec/codec-error.js';
import { decodeConsumerAssignment } from '../protocols/kafka/schema/consumer-protocol.js';
import { checkErrorCode } from './client-errors.js';
import type { KafkaClient } from './kafka-client.js';
import { CLIENT_APIS } from './version-negotiation.js';

/** Kafka's protocol type of consumer groups; only theirs have assignments in the consumer protocol. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface GroupListing {
  readonly groupId: string;
  /** 'consumer' for Kafka consumers; '' for a group that only holds committed offsets. */
  readonly protocolType: string;
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface GroupMemberDescription {
  readonly memberId: string;
  /** group.instance.id of a static member (DescribeGroups v4+); null otherwise. */
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Decoded ConsumerProtocolAssignment; null when the group is not a consumer group or the bytes do not parse. */
  readonly assignment: readonly TopicPartitions[] | null;
}

export interface GroupDescription {
  readonly groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, or Dead for a group the broker does not know. */
  readonly state: string;
  readonly protocolType: string;
  /** The assignor the members agreed on ('range', 'RoundRobinAssigner', …) while Stable; '' otherwise. */
  readonly protocol: string;
  readonly members: readonly GroupMemberDescription[];
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when the group has no commit for the partition. */
  readonly offset: number;
  readonly metadata: string | null;
}

export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Who commits: a group member (its generation and ids), or nobody in particular (generation -1). */
export interface Committer {
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export const OUTSIDE_THE_GROUP: Committer = { generationId: -1, memberId: '', groupInstanceId: null };

export async function listGroups(client: KafkaClient): Promise<GroupListing[]> {
  const body = await client.request(CLIENT_APIS.listGroups, {});
  checkErrorCode(body.errorCode, 'listing consumer groups');
  return body.groups
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

export async function describeGroups(client: KafkaClient, groupIds: readonly string[]): Promise<GroupDescription[]> {
  if (groupIds.length === 0) return [];
  const body = await client.request(CLIENT_APIS.describeGroups, { groups: groupIds, includeAuthorizedOperations: false });
  return body.groups.map((g) => {
    checkErrorCode(g.errorCode, `describing group ${g.groupId}`);
    const consumer = g.protocolType === CONSUMER_PROTOCOL_TYPE;
    return {
      groupId: g.groupId,
      state: g.groupState,
      protocolType: g.protocolType,
      protocol: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: consumer ? readAssignment(m.memberAssignment) : null,
      })),
    };
  });
}

/** A member's partitions, or null when its bytes are not a consumer-protocol assignment. */
export function readAssignment(bytes: Buffer): TopicPartitions[] | null {
  try {
    return decodeConsumerAssignment(bytes).assignedPartitions.map((a) => ({ topic: a.topic, partitions: [...a.partitions].sort((x, y) => x - y) }));
  } catch (err) {
    if (err instanceof KafkaCodecError) return null;
    throw err;
  }
}

/** The group's committed offsets: of `partitions`, or of every partition it has committed (null). */
export async function fetchCommittedOffsets(client: KafkaClient, groupId: string, partitions: readonly OffsetToCommit[] | readonly TopicPartitions[] | null): Promise<CommittedOffset[]> {
  const topics = partitions === null ? null : toTopicList(partitions);
  const body = await client.request(CLIENT_APIS.offsetFetch, {
    groupId,
    topics: topics === null ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
    requireStable: false,
  });
  checkErrorCode(body.errorCode, `reading the committed offsets of group ${groupId}`);
  const out: CommittedOffset[] = [];
  for (const t of body.topics) {
    for (const p of t.partitions) {
      checkErrorCode(p.errorCode, `reading the committed offset of group ${groupId} for ${t.name} partition ${p.partitionIndex}`);
      out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata });
    }
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * Commits offsets for the group. Throws a BrokerError for the first partition the broker refused:
 * UNKNOWN_MEMBER_ID for a commit from outside a group that has members, REBALANCE_IN_PROGRESS or
 * ILLEGAL_GENERATION for a member that must rejoin.
 */
export async function commitOffsets(client: KafkaClient, groupId: string, offsets: readonly OffsetToCommit[], committer: Committer = OUTSIDE_THE_GROUP): Promise<void> {
  if (offsets.length === 0) return;
  const byTopic = new Map<string, Map<number, number>>();
  for (const o of offsets) {
    const partitions = byTopic.get(o.topic) ?? new Map<number, number>();
    byTopic.set(o.topic, partitions);
    partitions.set(o.partition, o.offset);
  }
  const body = await client.request(CLIENT_APIS.offsetCommit, {
    groupId,
    generationIdOrMemberEpoch: committer.generationId,
    memberId: committer.memberId,
    groupInstanceId: committer.groupInstanceId,
    retentionTimeMs: -1,
    topics: [...byTopic].map(([name, partitions]) => ({
      name,
      partitions: [...partitions].map(([partitionIndex, committedOffset]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: '' })),
    })),
  });
  for (const t of body.topics) {
    for (const p of t.partitions) checkErrorCode(p.errorCode, `committing the offset of group ${groupId} for ${t.name} partition ${p.partitionIndex}`);
  }
}

/** Deletes empty groups and their committed offsets; NON_EMPTY_GROUP while a group has members. */
export async function deleteGroups(client: KafkaClient, groupIds: readonly string[]): Promise<void> {
  const body = await client.request(CLIENT_APIS.deleteGroups, { groupsNames: groupIds });
  for (const r of body.results) checkErrorCode(r.errorCode, `deleting group ${r.groupId}`);
}

function toTopicList(partitions: readonly OffsetToCommit[] | readonly TopicPartitions[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) {
    const list = byTopic.get(p.topic) ?? [];
    byTopic.set(p.topic, list);
    if ('partitions' in p) list.push(...p.partitions);
    else list.push(p.partition);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: [...new Set(list)].sort((a, b) => a - b) }));
}
