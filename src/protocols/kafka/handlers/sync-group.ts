// SyncGroup (key 14), versions 0–3: kafkajs and librdkafka send v3 (group_instance_id, KIP-345),
// kafka-python v1. The leader sends every member's assignment, followers an empty list; each
// member gets its own bytes once the leader's assignment is stored (a long poll for followers).
// v4 is flexible; v5's protocol_type/name (KIP-559) are out of range.
import { GroupError, type SyncGroupResult } from '../../../broker/groups/index.js';
import { syncGroupSchema } from '../schema/sync-group.js';
import { defineHandler } from './handler.js';
import { answerUnlessClosed, groupErrorCode } from './group-support.js';

const EMPTY = Buffer.alloc(0);

export const syncGroupHandler = defineHandler({
  schema: syncGroupSchema,
  versionMin: 0,
  versionMax: 3,
  async handle(ctx, request) {
    const pending = ctx.services.broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      assignments: request.assignments,
    });
    const result = await answerUnlessClosed(pending, ctx.connection.signal, (): SyncGroupResult => ({
      error: GroupError.COORDINATOR_NOT_AVAILABLE, protocolType: null, protocolName: null, assignment: EMPTY,
    }));
    return { throttleTimeMs: 0, errorCode: groupErrorCode(result.error), assignment: result.assignment };
  },
});
