// DeleteGroups (key 42, KIP-229). v1 throttles after the response (KIP-219), v2 is flexible
// (KIP-482). Only empty groups can be deleted (NON_EMPTY_GROUP, 68).
import { defineApi } from './api-schema.js';
import { array, int16, int32, string } from './fields.js';

export const deleteGroupsSchema = defineApi({
  apiKey: 42,
  name: 'DeleteGroups',
  versions: '0-2',
  flexibleVersions: '2+',
  request: {
    groupsNames: array('0+', 'string'),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    results: array('0+', { groupId: string('0+'), errorCode: int16('0+') }),
  },
});
