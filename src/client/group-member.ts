// One member of a consumer group, as `wharf consume --group` needs it: Kafka's classic protocol
// (JoinGroup → SyncGroup → Heartbeat → LeaveGroup, protocol-matrix §2.1) for a single subscribed
// topic, with the range assignor when this member leads, and commits under its generation.
//
// The member offers only `range` (Kafka's RangeAssignor, which librdkafka, kafka-python and Java
// consumers offer too), so it can share a group with them; a kafkajs group (RoundRobinAssigner
// only) refuses it with INCONSISTENT_GROUP_PROTOCOL. Requests go one after another over the
// client's connection: the caller heartbeats between fetches, so a fetch's max wait must stay well
// under the session timeout.
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import { decodeConsumerAssignment, decodeConsumerSubscription, encodeConsumerAssignment, encodeConsumerSubscription } from '../protocols/kafka/schema/consumer-protocol.js';
import { KafkaCodecError } from '../protocols/kafka/codec/codec-error.js';
import { BrokerError, checkErrorCode } from './client-errors.js';
import { commitOffsets, CONSUMER_PROTOCOL_TYPE, type OffsetToCommit } from './group-admin.js';
import type { KafkaClient } from './kafka-client.js';
import { fetchMetadata } from './metadata.js';
import { CLIENT_APIS } from './version-negotiation.js';

export const RANGE_ASSIGNOR = 'range';

export interface GroupMemberOptions {
  /** How long the broker keeps this member without a heartbeat (default 10 s). */
  readonly sessionTimeoutMs?: number;
  /** How long a rebalance waits for this member to rejoin (default 30 s). */
  readonly rebalanceTimeoutMs?: number;
}

/**
 * Answers after which the member joins again (with its id, or a fresh one for UNKNOWN_MEMBER_ID).
 * NOT_COORDINATOR is not among them: this client talks to one broker only, so it reports that
 * answer (with what to do) instead of retrying against the same broker.
 */
const REJOIN_CODES: ReadonlySet<number> = new Set([
  KafkaErrorCode.REBALANCE_IN_PROGRESS, KafkaErrorCode.ILLEGAL_GENERATION, KafkaErrorCode.UNKNOWN_MEMBER_ID,
  KafkaErrorCode.COORDINATOR_NOT_AVAILABLE, KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);
const JOIN_ATTEMPTS_MAX = 30;
const RETRY_DELAY_MS = 200;

export class GroupMember {
  memberId = '';
  generationId = -1;
  /** Partitions of the topic assigned in the current generation. */
  assignment: number[] = [];
  private readonly sessionTimeoutMs: number;
  private readonly rebalanceTimeoutMs: number;

  constructor(private readonly client: KafkaClient, readonly groupId: string, readonly topic: string, options: GroupMemberOptions = {}) {
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 30_000;
  }

  /** Joins (or rejoins) the group and returns this member's partitions of the topic. */
  async join(): Promise<number[]> {
    for (let attempt = 1; attempt <= JOIN_ATTEMPTS_MAX; attempt++) {
      const joined = await this.client.request(CLIENT_APIS.joinGroup, {
        groupId: this.groupId,
        sessionTimeoutMs: this.sessionTimeoutMs,
        rebalanceTimeoutMs: this.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: [{ name: RANGE_ASSIGNOR, metadata: encodeConsumerSubscription(0, { topics: [this.topic], ownedPartitions: [] }) }],
      }, { timeoutMs: this.rebalanceTimeoutMs + 30_000 });
      // KIP-394 (JoinGroup v4+): the broker hands out the id first; join again with it.
      if (joined.errorCode === KafkaErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = joined.memberId;
        continue;
      }
      if (await this.shouldRetry(joined.errorCode)) continue;
      checkErrorCode(joined.errorCode, `joining group ${this.groupId}`);
      this.memberId = joined.memberId;
      this.generationId = joined.generationId;
      const assignments = joined.leader === joined.memberId ? await this.assign(joined.members) : [];
      const synced = await this.client.request(CLIENT_APIS.syncGroup, {
        groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null, assignments,
      }, { timeoutMs: this.rebalanceTimeoutMs + 30_000 });
      if (await this.shouldRetry(synced.errorCode)) continue;
      checkErrorCode(synced.errorCode, `syncing with group ${this.groupId}`);
      this.assignment = this.partitionsIn(synced.assignment);
      return this.assignment;
    }
    throw new BrokerError(KafkaErrorCode.REBALANCE_IN_PROGRESS, `group ${this.groupId} kept rebalancing through ${JOIN_ATTEMPTS_MAX} attempts to join; try again later`);
  }

  /** 'rejoin' when the group is rebalancing (or forgot this member); 'ok' otherwise. */
  async heartbeat(): Promise<'ok' | 'rejoin'> {
    const body = await this.client.request(CLIENT_APIS.heartbeat, { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
    if (body.errorCode === KafkaErrorCode.NONE) return 'ok';
    if (REJOIN_CODES.has(body.errorCode)) {
      if (body.errorCode === KafkaErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
      return 'rejoin';
    }
    checkErrorCode(body.errorCode, `heartbeating in group ${this.groupId}`);
    return 'ok';
  }

  /** Commits under this member's generation; false when the group rebalanced meanwhile (rejoin). */
  async commit(offsets: readonly OffsetToCommit[]): Promise<boolean> {
    try {
      await commitOffsets(this.client, this.groupId, offsets, { generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
      return true;
    } catch (err) {
      if (err instanceof BrokerError && REJOIN_CODES.has(err.kafkaErrorCode)) return false;
      throw err;
    }
  }

  /** Leaves the group so the others take its partitions at once; a failure only delays that. */
  async leave(): Promise<void> {
    if (this.memberId === '') return;
    const version = this.client.version(CLIENT_APIS.leaveGroup);
    const members = [{ memberId: this.memberId, groupInstanceId: null }];
    await this.client.request(CLIENT_APIS.leaveGroup, version >= 3 ? { groupId: this.groupId, members } : { groupId: this.groupId, memberId: this.memberId }, { version })
      .catch(() => undefined);
    this.memberId = '';
  }

  private async shouldRetry(errorCode: number): Promise<boolean> {
    if (!REJOIN_CODES.has(errorCode)) return false;
    if (errorCode === KafkaErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
    else await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    return true;
  }

  /**
   * Kafka's RangeAssignor: per topic, the members subscribed to it in member-id order each take a
   * contiguous range, the first (partitions mod members) one more.
   */
  private async assign(members: ReadonlyArray<{ memberId: string; metadata: Buffer }>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subscribers = new Map<string, string[]>();
    for (const m of members) {
      for (const topic of subscribedTopics(m.metadata)) subscribers.set(topic, [...(subscribers.get(topic) ?? []), m.memberId]);
    }
    const metadata = await fetchMetadata(this.client, [...subscribers.keys()]);
    const assigned = new Map<string, Array<{ topic: string; partitions: number[] }>>(members.map((m) => [m.memberId, []]));
    for (const [topic, ids] of subscribers) {
      const count = metadata.topics.find((t) => t.name === topic && t.errorCode === 0)?.partitions.length ?? 0;
      const sorted = [...ids].sort();
      const per = Math.floor(count / sorted.length);
      const extra = count % sorted.length;
      sorted.forEach((memberId, i) => {
        const start = i * per + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        if (length > 0) assigned.get(memberId)?.push({ topic, partitions: Array.from({ length }, (_v, k) => start + k) });
      });
    }
    return [...assigned].map(([memberId, assignedPartitions]) => ({ memberId, assignment: encodeConsumerAssignment(0, { assignedPartitions }) }));
  }

  private partitionsIn(bytes: Buffer): number[] {
    try {
      const mine = decodeConsumerAssignment(bytes).assignedPartitions.filter((a) => a.topic === this.topic);
      return [...new Set(mine.flatMap((a) => a.partitions))].sort((a, b) => a - b);
    } catch (err) {
      if (err instanceof KafkaCodecError) return [];
      throw err;
    }
  }
}

function subscribedTopics(metadata: Buffer): string[] {
  try {
    return decodeConsumerSubscription(metadata).topics;
  } catch (err) {
    if (err instanceof KafkaCodecError) return [];
    throw err;
  }
}
