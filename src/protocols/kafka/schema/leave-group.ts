// LeaveGroup (key 13). v1 adds throttle_time_ms; v3 replaces the single member_id with a batch of
// members, each with its group_instance_id (KIP-345); v4 is flexible (KIP-482).
import { defineApi } from './api-schema.js';
import { array, int16, int32, string } from './fields.js';

export const leaveGroupSchema = defineApi({
  apiKey: 13,
  name: 'LeaveGroup',
  versions: '0-4',
  flexibleVersions: '4+',
  request: {
    groupId: string('0+'),
    memberId: string('0-2').optional(),
    members: array('3+', {
      memberId: string('3+'),
      groupInstanceId: string('3+').nullable('3+').default(null),
    }).optional(),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    errorCode: int16('0+'),
    members: array('3+', {
      memberId: string('3+'),
      groupInstanceId: string('3+').nullable('3+'),
      errorCode: int16('3+'),
    }).optional(),
  },
});
