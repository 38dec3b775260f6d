// CreatePartitions (key 37, KIP-195), versions 0–1 (v1 only moves throttling after the response).
// `count` is the new total; partitions are only ever added. Assignments, when given, may only
// place the new partitions on this node.
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import { createPartitionsSchema } from '../schema/create-partitions.js';
import { defineHandler } from './handler.js';

export const createPartitionsHandler = defineHandler({
  schema: createPartitionsSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx, request) {
    const { broker, self } = ctx.services;
    const results = [];
    for (const t of request.topics) {
      const badAssignment = t.assignments?.some((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== self.nodeId) ?? false;
      if (badAssignment) {
        results.push({ name: t.name, errorCode: KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT, errorMessage: `new partitions can only be placed on this broker (node ${self.nodeId})` });
        continue;
      }
      try {
        await broker.topics.createPartitions(t.name, t.count, request.validateOnly);
        results.push({ name: t.name, errorCode: KafkaErrorCode.NONE, errorMessage: null });
      } catch (err) {
        const mapped = kafkaErrorFor(err);
        if (!mapped.expected) ctx.services.logger.error({ err, topic: t.name }, 'create partitions: failed unexpectedly');
        results.push({ name: t.name, errorCode: mapped.errorCode, errorMessage: mapped.message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
