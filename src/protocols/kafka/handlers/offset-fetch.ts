// OffsetFetch (key 9), versions 1–5: kafka-python's consumer sends v1 (its admin v3), kafkajs v4,
// librdkafka v5. v2 adds the top-level error code and null topics for "every partition the group
// has committed" (KIP-88); v5 the leader epoch (KIP-320). v6 is flexible; v7's require_stable only
// matters with transactions. Partitions without a commit answer offset -1 (the client then uses
// its auto.offset.reset).
import type { CommittedOffset } from '../../../broker/groups/index.js';
import { offsetFetchSchema } from '../schema/offset-fetch.js';
import { defineHandler } from './handler.js';
import { byTopic, groupErrorCode } from './group-support.js';

/** KIP-88: the first version with a top-level error code. */
const TOP_LEVEL_ERROR_VERSION_MIN = 2;

export const offsetFetchHandler = defineHandler({
  schema: offsetFetchSchema,
  versionMin: 1,
  versionMax: 5,
  async handle(ctx, request, version) {
    const wanted = request.topics === null
      ? null
      : request.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
    const result = ctx.services.broker.groups.fetchOffsets(request.groupId, wanted);
    const groupError = groupErrorCode(result.error);
    let partitions: CommittedOffset[] = result.partitions;
    if (groupError !== 0 && version < TOP_LEVEL_ERROR_VERSION_MIN) {
      // v1 has no top-level error: Kafka puts the group's error on every partition asked for.
      partitions = (wanted ?? []).map((tp) => ({ ...tp, offset: -1, leaderEpoch: -1, metadata: '', error: result.error }));
    }
    const topics = byTopic(partitions, (p) => ({
      partitionIndex: p.partition,
      committedOffset: p.offset,
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: groupErrorCode(p.error),
    }));
    return { throttleTimeMs: 0, topics, errorCode: groupError };
  },
});
