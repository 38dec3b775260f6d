// Heartbeat (key 12). v1 adds throttle_time_ms, v3 group_instance_id (KIP-345), v4 is flexible
// (KIP-482). REBALANCE_IN_PROGRESS (27) is how a member learns it must rejoin.
import { defineApi } from './api-schema.js';
import { int16, int32, string } from './fields.js';

export const heartbeatSchema = defineApi({
  apiKey: 12,
  name: 'Heartbeat',
  versions: '0-4',
  flexibleVersions: '4+',
  request: {
    groupId: string('0+'),
    generationId: int32('0+'),
    memberId: string('0+'),
    groupInstanceId: string('3+').nullable('3+').default(null),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    errorCode: int16('0+'),
  },
});
