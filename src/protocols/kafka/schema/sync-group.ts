// SyncGroup (key 14). v1 adds throttle_time_ms, v3 group_instance_id (KIP-345), v4 is flexible
// (KIP-482). protocol_type/name (v5, KIP-559) are out of range. Assignments are opaque bytes.
import { defineApi } from './api-schema.js';
import { array, bytes, int16, int32, string } from './fields.js';

export const syncGroupSchema = defineApi({
  apiKey: 14,
  name: 'SyncGroup',
  versions: '0-4',
  flexibleVersions: '4+',
  request: {
    groupId: string('0+'),
    generationId: int32('0+'),
    memberId: string('0+'),
    groupInstanceId: string('3+').nullable('3+').default(null),
    /** Sent by the leader only. */
    assignments: array('0+', { memberId: string('0+'), assignment: bytes('0+') }),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    errorCode: int16('0+'),
    assignment: bytes('0+'),
  },
});
