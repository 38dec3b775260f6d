// JoinGroup (key 11), versions 0–5. kafkajs and librdkafka send v5, kafka-python v2 (protocol-
// matrix §1.2). v4 is where a new member without an id first gets MEMBER_ID_REQUIRED (KIP-394);
// v5 carries group_instance_id for static membership (KIP-345). v6 is flexible and v7+ echoes
// protocol_type; neither is needed by these clients (§1.5).
//
// A long poll: the coordinator settles it when the rebalance's join phase completes. Everything
// behind it on this connection waits (responses go back in order, G9), as with Kafka.
import { GroupError, type JoinGroupResult } from '../../../broker/groups/index.js';
import { joinGroupSchema } from '../schema/join-group.js';
import { defineHandler } from './handler.js';
import { answerUnlessClosed, clientHostOf, groupErrorCode } from './group-support.js';

/** KIP-394: from v4 on a new dynamic member is handed an id first and rejoins with it. */
const MEMBER_ID_REQUIRED_VERSION_MIN = 4;

export const joinGroupHandler = defineHandler({
  schema: joinGroupSchema,
  versionMin: 0,
  versionMax: 5,
  async handle(ctx, request, version) {
    const pending = ctx.services.broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocols: request.protocols,
      sessionTimeoutMs: request.sessionTimeoutMs,
      // -1 at v0 (no field): the coordinator uses the session timeout, as Kafka does.
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      requireKnownMemberId: version >= MEMBER_ID_REQUIRED_VERSION_MIN,
      clientId: ctx.header.clientId,
      clientHost: clientHostOf(ctx),
    });
    // A closing connection or broker: the client finds the coordinator again and rejoins.
    const result = await answerUnlessClosed(pending, ctx.connection.signal, (): JoinGroupResult => ({
      error: GroupError.COORDINATOR_NOT_AVAILABLE, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId: request.memberId, members: [],
    }));
    return {
      throttleTimeMs: 0,
      errorCode: groupErrorCode(result.error),
      generationId: result.generationId,
      // Versions before 7 carry a non-null protocol name; an error has none.
      protocolName: result.protocolName ?? '',
      leader: result.leaderId,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
    };
  },
});
