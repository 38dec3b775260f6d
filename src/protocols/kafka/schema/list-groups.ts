// ListGroups (key 16). v1 adds throttle_time_ms, v3 is flexible (KIP-482). The states filter
// (v4, KIP-518) and type filter (v5, KIP-848) are out of range.
import { defineApi } from './api-schema.js';
import { array, int16, int32, string } from './fields.js';

export const listGroupsSchema = defineApi({
  apiKey: 16,
  name: 'ListGroups',
  versions: '0-3',
  flexibleVersions: '3+',
  request: {},
  response: {
    throttleTimeMs: int32('1+').optional(),
    errorCode: int16('0+'),
    groups: array('0+', { groupId: string('0+'), protocolType: string('0+') }),
  },
});
