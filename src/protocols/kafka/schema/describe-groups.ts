// DescribeGroups (key 15). v1 adds throttle_time_ms, v3 authorized operations (KIP-430), v4
// group_instance_id (KIP-345), v5 is flexible (KIP-482). Metadata and assignment are opaque bytes.
import { defineApi } from './api-schema.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.js';
import { array, bool, bytes, int16, int32, string } from './fields.js';

export const describeGroupsSchema = defineApi({
  apiKey: 15,
  name: 'DescribeGroups',
  versions: '0-5',
  flexibleVersions: '5+',
  request: {
    groups: array('0+', 'string'),
    includeAuthorizedOperations: bool('3+').optional(),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    groups: array('0+', {
      errorCode: int16('0+'),
      groupId: string('0+'),
      groupState: string('0+'),
      protocolType: string('0+'),
      protocolData: string('0+'),
      members: array('0+', {
        memberId: string('0+'),
        groupInstanceId: string('4+').nullable('4+').default(null),
        clientId: string('0+'),
        clientHost: string('0+'),
        memberMetadata: bytes('0+'),
        memberAssignment: bytes('0+'),
      }),
      authorizedOperations: int32('3+').default(AUTHORIZED_OPERATIONS_OMITTED),
    }),
  },
});
