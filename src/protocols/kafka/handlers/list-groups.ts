// ListGroups (key 16), versions 0–2: kafkajs and kafka-python's admin send v2, librdkafka v2 here.
// v3 is flexible; the states filter (v4) is out of range. Groups that only hold offsets (simple
// consumers, an admin's reset) are listed with an empty protocol type, as Kafka does.
import { KafkaErrorCode } from '../error-codes.js';
import { listGroupsSchema } from '../schema/list-groups.js';
import { defineHandler } from './handler.js';

export const listGroupsHandler = defineHandler({
  schema: listGroupsSchema,
  versionMin: 0,
  versionMax: 2,
  async handle(ctx) {
    const groups = ctx.services.broker.groups.listGroups().map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
    return { throttleTimeMs: 0, errorCode: KafkaErrorCode.NONE, groups };
  },
});
