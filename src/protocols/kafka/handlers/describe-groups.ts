// DescribeGroups (key 15), versions 0–4: kafkajs sends v2, kafka-python's admin v3, librdkafka v4.
// v3 adds authorized operations (KIP-430), v4 each member's group_instance_id (KIP-345), which
// `wharf groups describe` shows for static members. v5 is flexible. Member metadata and
// assignments are the clients' opaque bytes, filled only while the group is Stable (as Kafka);
// an unknown group is state "Dead" with no error, as Kafka answers before v6.
import { AUTHORIZED_OPERATIONS_OMITTED } from '../schema/metadata.js';
import { describeGroupsSchema } from '../schema/describe-groups.js';
import { defineHandler } from './handler.js';
import { groupErrorCode } from './group-support.js';

/**
 * What Kafka reports when asked and no authorizer is configured: every operation a group
 * supports (READ 3, DELETE 6, DESCRIBE 8 of AclOperation, as bits).
 */
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export const describeGroupsHandler = defineHandler({
  schema: describeGroupsSchema,
  versionMin: 0,
  versionMax: 4,
  async handle(ctx, request) {
    const groups = request.groups.map((groupId) => {
      const g = ctx.services.broker.groups.describeGroup(groupId);
      return {
        errorCode: groupErrorCode(g.error),
        groupId,
        groupState: g.state,
        protocolType: g.protocolType,
        protocolData: g.protocolName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: m.metadata,
          memberAssignment: m.assignment,
        })),
        authorizedOperations: request.includeAuthorizedOperations ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      };
    });
    return { throttleTimeMs: 0, groups };
  },
});
