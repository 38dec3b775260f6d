// Fetch (key 1). v3 max_bytes (KIP-74), v4 isolation_level, last_stable_offset and
// aborted_transactions (KIP-98), v5 log_start_offset (KIP-107), v7 fetch sessions (KIP-227),
// v9 current_leader_epoch (KIP-320), v11 rack_id and preferred_read_replica (KIP-392), v12 is
// flexible (KIP-482) with last_fetched_epoch and the tagged diverging_epoch / current_leader /
// snapshot_id of KIP-595 and KIP-630. Topic IDs (v13+) are out of range (§1.7 G11).
// `records` is passed through as Buffers (one or several segment slices), never copied when large.
import { defineApi } from './api-schema.js';
import { array, int16, int32, int64, int8, records, string, struct } from './fields.js';

export const fetchSchema = defineApi({
  apiKey: 1,
  name: 'Fetch',
  versions: '0-12',
  flexibleVersions: '12+',
  request: {
    clusterId: string('12+').nullable('12+').default(null).tagged(0, '12+'),
    /** -1 for consumers; a broker id for followers (replication). */
    replicaId: int32('0-14').default(-1),
    maxWaitMs: int32('0+'),
    minBytes: int32('0+'),
    maxBytes: int32('3+').default(0x7fffffff),
    /** 0 read_uncommitted, 1 read_committed (kafkajs's default, §1.3). */
    isolationLevel: int8('4+').optional(),
    sessionId: int32('7+').optional(),
    sessionEpoch: int32('7+').default(-1),
    topics: array('0+', {
      topic: string('0-12'),
      partitions: array('0+', {
        partition: int32('0+'),
        currentLeaderEpoch: int32('9+').default(-1),
        fetchOffset: int64('0+'),
        lastFetchedEpoch: int32('12+').default(-1),
        logStartOffset: int64('5+').default(-1),
        partitionMaxBytes: int32('0+'),
      }),
    }),
    forgottenTopicsData: array('7+', { topic: string('7-12'), partitions: array('7+', 'int32') }).optional(),
    rackId: string('11+').optional(),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    errorCode: int16('7+').optional(),
    /** 0: no fetch session; clients then keep sending full fetches (§1.7 G10). */
    sessionId: int32('7+').optional(),
    responses: array('0+', {
      topic: string('0-12'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        errorCode: int16('0+'),
        highWatermark: int64('0+'),
        lastStableOffset: int64('4+').default(-1),
        logStartOffset: int64('5+').default(-1),
        divergingEpoch: struct('12+', { epoch: int32('12+').default(-1), endOffset: int64('12+').default(-1) }).tagged(0, '12+'),
        currentLeader: struct('12+', { leaderId: int32('12+').default(-1), leaderEpoch: int32('12+').default(-1) }).tagged(1, '12+'),
        snapshotId: struct('12+', { endOffset: int64('0+').default(-1), epoch: int32('0+').default(-1) }).tagged(2, '12+'),
        abortedTransactions: array('4+', { producerId: int64('4+'), firstOffset: int64('4+') }).nullable('4+').optional(),
        preferredReadReplica: int32('11+').default(-1),
        records: records('0+'),
      }),
    }),
  },
});
