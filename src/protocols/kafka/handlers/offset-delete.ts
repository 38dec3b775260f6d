// OffsetDelete (key 47, KIP-496), version 0 (librdkafka's DeleteConsumerGroupOffsets; Kafka's
// kafka-consumer-groups --delete-offsets). An empty group loses any of its offsets; an active one
// only those of topics no member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC per partition).
import type { TopicPartition } from '../../../broker/groups/index.js';
import { offsetDeleteSchema } from '../schema/offset-delete.js';
import { defineHandler } from './handler.js';
import { byTopic, groupErrorCode } from './group-support.js';

export const offsetDeleteHandler = defineHandler({
  schema: offsetDeleteSchema,
  versionMin: 0,
  versionMax: 0,
  async handle(ctx, request) {
    const partitions: TopicPartition[] = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const result = await ctx.services.broker.groups.deleteOffsets(request.groupId, partitions);
    const topics = byTopic(result.partitions, (p) => ({ partitionIndex: p.partition, errorCode: groupErrorCode(p.error) }));
    return { errorCode: groupErrorCode(result.error), throttleTimeMs: 0, topics };
  },
});
