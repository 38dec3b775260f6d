// OffsetDelete (key 47, KIP-496): removes a group's committed offsets for some partitions. Only
// v0 exists in the Kafka versions Wharf follows (librdkafka sends it; kafkajs and kafka-python do
// not). The group-level error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, …) comes first in the response.
import { defineApi } from './api-schema.js';
import { array, int16, int32, string } from './fields.js';

export const offsetDeleteSchema = defineApi({
  apiKey: 47,
  name: 'OffsetDelete',
  versions: '0',
  flexibleVersions: 'none',
  request: {
    groupId: string('0+'),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', { partitionIndex: int32('0+') }),
    }),
  },
  response: {
    errorCode: int16('0+'),
    throttleTimeMs: int32('0+').optional(),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', { partitionIndex: int32('0+'), errorCode: int16('0+') }),
    }),
  },
});
