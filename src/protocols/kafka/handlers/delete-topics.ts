// DeleteTopics (key 20), version 1 (protocol-matrix §1.4). Sent to the controller, this node.
// Deleting removes the definition first, then the partition logs (broker/topics.ts).
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import { deleteTopicsSchema } from '../schema/delete-topics.js';
import { defineHandler } from './handler.js';

export const deleteTopicsHandler = defineHandler({
  schema: deleteTopicsSchema,
  versionMin: 1,
  versionMax: 1,
  async handle(ctx, request) {
    const responses = [];
    for (const name of new Set(request.topicNames)) {
      try {
        await ctx.services.broker.topics.delete(name);
        responses.push({ name, errorCode: KafkaErrorCode.NONE });
      } catch (err) {
        const mapped = kafkaErrorFor(err);
        if (!mapped.expected) ctx.services.logger.error({ err, topic: name }, 'delete topics: failed unexpectedly');
        responses.push({ name, errorCode: mapped.errorCode });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
});
