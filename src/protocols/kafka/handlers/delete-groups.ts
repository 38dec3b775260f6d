// DeleteGroups (key 42, KIP-229), versions 0–1 (kafkajs and librdkafka; kafka-python's admin
// v1). Only empty groups go (NON_EMPTY_GROUP otherwise); their committed offsets go with them.
import { deleteGroupsSchema } from '../schema/delete-groups.js';
import { defineHandler } from './handler.js';
import { groupErrorCode } from './group-support.js';

export const deleteGroupsHandler = defineHandler({
  schema: deleteGroupsSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx, request) {
    const deleted = await ctx.services.broker.groups.deleteGroups(request.groupsNames);
    return { throttleTimeMs: 0, results: deleted.map((d) => ({ groupId: d.groupId, errorCode: groupErrorCode(d.error) })) };
  },
});
