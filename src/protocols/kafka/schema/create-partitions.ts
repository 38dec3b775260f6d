// CreatePartitions (key 37, KIP-195). v1 is v0 with throttling after the response (KIP-219),
// v2 is flexible (KIP-482). `assignments` null lets the broker place the new partitions.
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, string } from './fields.js';

export const createPartitionsSchema = defineApi({
  apiKey: 37,
  name: 'CreatePartitions',
  versions: '0-2',
  flexibleVersions: '2+',
  request: {
    topics: array('0+', {
      name: string('0+'),
      count: int32('0+'),
      assignments: array('0+', { brokerIds: array('0+', 'int32') }).nullable('0+'),
    }),
    timeoutMs: int32('0+'),
    validateOnly: bool('0+'),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    results: array('0+', {
      name: string('0+'),
      errorCode: int16('0+'),
      errorMessage: string('0+').nullable('0+').default(null),
    }),
  },
});
