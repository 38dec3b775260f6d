// CreateTopics (key 19). v1 adds validate_only and error_message (KIP-108), v2 throttle_time_ms,
// v4 lets num_partitions / replication_factor be -1 for broker defaults (KIP-464), v5 is flexible
// (KIP-482) and returns the topic's configs (KIP-525). Sent to the controller (§1.3 d).
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int8, string } from './fields.js';

export const createTopicsSchema = defineApi({
  apiKey: 19,
  name: 'CreateTopics',
  versions: '0-5',
  flexibleVersions: '5+',
  request: {
    topics: array('0+', {
      name: string('0+'),
      numPartitions: int32('0+'),
      replicationFactor: int16('0+'),
      assignments: array('0+', { partitionIndex: int32('0+'), brokerIds: array('0+', 'int32') }),
      configs: array('0+', { name: string('0+'), value: string('0+').nullable('0+') }),
    }),
    timeoutMs: int32('0+').default(60000),
    validateOnly: bool('1+').default(false),
  },
  response: {
    throttleTimeMs: int32('2+').optional(),
    topics: array('0+', {
      name: string('0+'),
      errorCode: int16('0+'),
      errorMessage: string('1+').nullable('0+').default(null),
      topicConfigErrorCode: int16('5+').tagged(0, '5+'),
      numPartitions: int32('5+').default(-1),
      replicationFactor: int16('5+').default(-1),
      configs: array('5+', {
        name: string('5+'),
        value: string('5+').nullable('5+'),
        readOnly: bool('5+'),
        configSource: int8('5+').default(-1),
        isSensitive: bool('5+'),
      }).nullable('5+').optional(),
    }),
  },
});
