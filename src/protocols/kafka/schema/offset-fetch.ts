// OffsetFetch (key 9). v2 adds a top-level error_code and lets topics be null for "all topics"
// (KIP-88); v3 throttle_time_ms; v5 committed_leader_epoch (KIP-320); v6 is flexible (KIP-482);
// v7 require_stable (KIP-447). Batched groups (v8+, KIP-709) are out of range.
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int64, string } from './fields.js';

export const offsetFetchSchema = defineApi({
  apiKey: 9,
  name: 'OffsetFetch',
  versions: '0-7',
  flexibleVersions: '6+',
  request: {
    groupId: string('0-7'),
    topics: array('0-7', { name: string('0-7'), partitionIndexes: array('0-7', 'int32') }).nullable('2-7'),
    requireStable: bool('7+').default(false),
  },
  response: {
    throttleTimeMs: int32('3+').optional(),
    topics: array('0-7', {
      name: string('0-7'),
      partitions: array('0-7', {
        partitionIndex: int32('0-7'),
        /** -1 when the group has no committed offset for the partition. */
        committedOffset: int64('0-7'),
        committedLeaderEpoch: int32('5-7').default(-1),
        metadata: string('0-7').nullable('0-7'),
        errorCode: int16('0-7'),
      }),
    }),
    errorCode: int16('2-7').optional(),
  },
});
