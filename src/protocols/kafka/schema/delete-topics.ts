// DeleteTopics (key 20). v1 adds throttle_time_ms, v4 is flexible (KIP-482). v5 error_message
// and v6 topic IDs are out of range. Sent to the controller (§1.3 d).
import { defineApi } from './api-schema.js';
import { array, int16, int32, string } from './fields.js';

export const deleteTopicsSchema = defineApi({
  apiKey: 20,
  name: 'DeleteTopics',
  versions: '0-4',
  flexibleVersions: '4+',
  request: {
    topicNames: array('0-5', 'string'),
    timeoutMs: int32('0+'),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    responses: array('0+', { name: string('0+'), errorCode: int16('0+') }),
  },
});
