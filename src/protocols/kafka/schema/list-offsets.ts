// ListOffsets (key 2). v0 returns a list of offsets per partition; v1 one offset and its
// timestamp (KIP-79); v2 adds isolation_level (KIP-98) and throttle_time_ms; v4
// current_leader_epoch and leader_epoch (KIP-320); v6 is flexible (KIP-482).
// Timestamps -1 (latest) and -2 (earliest) are the usual queries.
import { defineApi } from './api-schema.js';
import { array, int16, int32, int64, int8, string } from './fields.js';

export const listOffsetsSchema = defineApi({
  apiKey: 2,
  name: 'ListOffsets',
  versions: '0-6',
  flexibleVersions: '6+',
  request: {
    replicaId: int32('0+'),
    isolationLevel: int8('2+').optional(),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        currentLeaderEpoch: int32('4+').default(-1),
        timestamp: int64('0+'),
        maxNumOffsets: int32('0').default(1),
      }),
    }),
  },
  response: {
    throttleTimeMs: int32('2+').optional(),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        errorCode: int16('0+'),
        oldStyleOffsets: array('0', 'int64').optional(),
        timestamp: int64('1+').default(-1),
        offset: int64('1+').default(-1),
        leaderEpoch: int32('4+').default(-1),
      }),
    }),
  },
});
