// OffsetCommit (key 8), versions 2–7: kafka-python sends v2 (its fixed version, also Kafka 4's
// minimum), kafkajs v5, librdkafka v7 (group_instance_id, KIP-345). v2–4's retention_time_ms is
// ignored (offsets are kept until deleted, docs/consumer-groups.md); v6 adds the leader epoch
// (KIP-320). The answer comes once the commit is durable in the offsets log.
import assert from 'node:assert/strict';
import type { OffsetCommitPartition, PartitionResult } from '../../../broker/groups/index.js';
import { offsetCommitSchema } from '../schema/offset-commit.js';
import { defineHandler } from './handler.js';
import { groupErrorCode } from './group-support.js';

export const offsetCommitHandler = defineHandler({
  schema: offsetCommitSchema,
  versionMin: 2,
  versionMax: 7,
  async handle(ctx, request) {
    const offsets: OffsetCommitPartition[] = [];
    for (const t of request.topics) {
      for (const p of t.partitions) {
        offsets.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata });
      }
    }
    const result = await ctx.services.broker.groups.commitOffsets({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      offsets,
    });
    // One result per requested partition, in request order: answer in the request's own shape.
    assert.equal(result.partitions.length, offsets.length, 'commitOffsets answers every partition');
    let i = 0;
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: groupErrorCode((result.partitions[i++] as PartitionResult).error) })),
    }));
    return { throttleTimeMs: 0, topics };
  },
});
