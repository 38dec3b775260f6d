// The transaction APIs of KIP-98, at the versions Tier 1 needs (0–1) up to their first flexible
// version (3, KIP-482). Small and alike, so they share one file.
//   AddPartitionsToTxn (24): v4+ batches transactions for brokers (KIP-890) and is out of range;
//     the v0–3 fields are named without Kafka's "V3AndBelow" prefix.
//   AddOffsetsToTxn (25), EndTxn (26): v1 throttles after the response (KIP-219).
//   TxnOffsetCommit (28): v2 committed_leader_epoch (KIP-320), v3 group metadata (KIP-447).
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, int64, string } from './fields.js';

export const addPartitionsToTxnSchema = defineApi({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  versions: '0-3',
  flexibleVersions: '3+',
  request: {
    transactionalId: string('0-3'),
    producerId: int64('0-3'),
    producerEpoch: int16('0-3'),
    topics: array('0-3', { name: string('0+'), partitions: array('0+', 'int32') }),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    results: array('0-3', {
      name: string('0+'),
      resultsByPartition: array('0+', { partitionIndex: int32('0+'), partitionErrorCode: int16('0+') }),
    }),
  },
});

export const addOffsetsToTxnSchema = defineApi({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  versions: '0-3',
  flexibleVersions: '3+',
  request: {
    transactionalId: string('0+'),
    producerId: int64('0+'),
    producerEpoch: int16('0+'),
    groupId: string('0+'),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    errorCode: int16('0+'),
  },
});

export const endTxnSchema = defineApi({
  apiKey: 26,
  name: 'EndTxn',
  versions: '0-3',
  flexibleVersions: '3+',
  request: {
    transactionalId: string('0+'),
    producerId: int64('0+'),
    producerEpoch: int16('0+'),
    /** true commits, false aborts. */
    committed: bool('0+'),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    errorCode: int16('0+'),
  },
});

export const txnOffsetCommitSchema = defineApi({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  versions: '0-3',
  flexibleVersions: '3+',
  request: {
    transactionalId: string('0+'),
    groupId: string('0+'),
    producerId: int64('0+'),
    producerEpoch: int16('0+'),
    generationId: int32('3+').default(-1),
    memberId: string('3+').optional(),
    groupInstanceId: string('3+').nullable('3+').default(null),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', {
        partitionIndex: int32('0+'),
        committedOffset: int64('0+'),
        committedLeaderEpoch: int32('2+').default(-1),
        committedMetadata: string('0+').nullable('0+'),
      }),
    }),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    topics: array('0+', {
      name: string('0+'),
      partitions: array('0+', { partitionIndex: int32('0+'), errorCode: int16('0+') }),
    }),
  },
});
