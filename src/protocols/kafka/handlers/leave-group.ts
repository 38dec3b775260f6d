// LeaveGroup (key 13), versions 0–3: kafkajs sends v3, librdkafka and kafka-python v1. v0–2 name
// one member; v3 (KIP-345) a batch, each with its group_instance_id and its own error code. For
// v0–2 Kafka answers with the first member's error as the request's (LeaveGroupResponse), and so
// does this handler.
import { GroupError } from '../../../broker/groups/index.js';
import { leaveGroupSchema } from '../schema/leave-group.js';
import { defineHandler } from './handler.js';
import { groupErrorCode } from './group-support.js';

/** KIP-345: the first version with a batch of members. */
const BATCH_VERSION_MIN = 3;

export const leaveGroupHandler = defineHandler({
  schema: leaveGroupSchema,
  versionMin: 0,
  versionMax: 3,
  async handle(ctx, request, version) {
    const batched = version >= BATCH_VERSION_MIN;
    const leaving = batched ? request.members : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = ctx.services.broker.groups.leaveGroup(request.groupId, leaving);
    if (batched) {
      return {
        throttleTimeMs: 0,
        errorCode: groupErrorCode(result.error),
        members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: groupErrorCode(m.error) })),
      };
    }
    const memberError = result.members.find((m) => m.error !== GroupError.NONE)?.error ?? GroupError.NONE;
    return { throttleTimeMs: 0, errorCode: groupErrorCode(result.error !== GroupError.NONE ? result.error : memberError) };
  },
});
