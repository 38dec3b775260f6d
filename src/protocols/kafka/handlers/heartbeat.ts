// Heartbeat (key 12), versions 0–3: kafkajs and librdkafka send v3 (group_instance_id), kafka-
// python v1. REBALANCE_IN_PROGRESS is how a member that is not joining learns it must rejoin
// (protocol-matrix §2.1); a heartbeat also keeps the member's session alive.
import { heartbeatSchema } from '../schema/heartbeat.js';
import { defineHandler } from './handler.js';
import { groupErrorCode } from './group-support.js';

export const heartbeatHandler = defineHandler({
  schema: heartbeatSchema,
  versionMin: 0,
  versionMax: 3,
  async handle(ctx, request) {
    const result = ctx.services.broker.groups.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode: groupErrorCode(result.error) };
  },
});
