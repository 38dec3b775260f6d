// JoinGroup (key 11), classic group protocol. v1 adds rebalance_timeout_ms (KIP-62), v2
// throttle_time_ms, v4 may answer MEMBER_ID_REQUIRED (KIP-394), v5 group_instance_id for static
// membership (KIP-345), v6 is flexible (KIP-482). At v7+ protocol_type must be echoed (out of range).
// `metadata` is the client's opaque subscription; it is stored and handed back, never parsed here.
import { defineApi } from './api-schema.js';
import { array, bytes, int16, int32, string } from './fields.js';

export const joinGroupSchema = defineApi({
  apiKey: 11,
  name: 'JoinGroup',
  versions: '0-6',
  flexibleVersions: '6+',
  request: {
    groupId: string('0+'),
    sessionTimeoutMs: int32('0+'),
    /** Absent at v0, where the session timeout serves as the rebalance timeout too. */
    rebalanceTimeoutMs: int32('1+').default(-1),
    memberId: string('0+'),
    groupInstanceId: string('5+').nullable('5+').default(null),
    protocolType: string('0+'),
    protocols: array('0+', { name: string('0+'), metadata: bytes('0+') }),
  },
  response: {
    throttleTimeMs: int32('2+').optional(),
    errorCode: int16('0+'),
    generationId: int32('0+').default(-1),
    protocolName: string('0+'),
    leader: string('0+'),
    memberId: string('0+'),
    /** Filled for the leader only; followers get an empty list. */
    members: array('0+', {
      memberId: string('0+'),
      groupInstanceId: string('5+').nullable('5+').default(null),
      metadata: bytes('0+'),
    }),
  },
});
