// OffsetCommit (key 8). v1 adds generation, member id and a per-partition commit timestamp
// (v1 only); v2–4 a group-wide retention_time_ms, dropped in v5 (KIP-211); v3 throttle_time_ms;
// v6 committed_leader_epoch (KIP-320); v7 group_instance_id (KIP-345); v8 is flexible (KIP-482).
// The generation field is named as in Kafka since KIP-848 (it carries the member epoch there).
import { defineApi } from './api-schema.js';
import { array, int16, int32, int64, string } from './fields.js';

export const offsetCommitSchema = defineApi({
  apiKey: 8,
  name: 'OffsetCommit',
  versions: '0-8',
  flexibleVersions: '8+',
  request: {
    groupId: string('0+'),
    generationIdOrMemberEpoch: int32('1+').default(-1),
    memberId: string('1+').optional(),
    groupInstanceId: string('7+').nullable('7+').default(null),
    /** -1: use the broker's offsets.retention.minutes. */
    retentionTimeMs: int64('2-4').default(-1),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        committedOffset: int64('0+'),
        committedLeaderEpoch: int32('6+').default(-1),
        commitTimestamp: int64('1').default(-1),
        committedMetadata: string('0+').nullable('0+'),
      }),
    }),
  },
  response: {
    throttleTimeMs: int32('3+').optional(),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', { partitionIndex: int32('0+'), errorCode: int16('0+') }),
    }),
  },
});
