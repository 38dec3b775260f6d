// Metadata (key 3). v1 adds controller_id, is_internal and rack (KIP-4), v2 cluster_id (KIP-78),
// v3 throttle_time_ms, v4 allow_auto_topic_creation, v5 offline_replicas (KIP-112), v7
// leader_epoch (KIP-320), v8 authorized operations (KIP-430), v9 is flexible (KIP-482).
// Topic IDs (v10+) are out of range on purpose (protocol-matrix §1.7 G11).
// Topic-list meaning (§1.7 G13): at v0 an empty list means all topics; from v1 null means all.
import { defineApi } from './api-schema.js';
import { array, bool, int16, int32, string } from './fields.js';

/** Kafka's "authorized operations not requested" marker (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const metadataSchema = defineApi({
  apiKey: 3,
  name: 'Metadata',
  versions: '0-9',
  flexibleVersions: '9+',
  request: {
    topics: array('0+', { name: string('0+') }).nullable('1+'),
    // Absent before v4, where brokers behave as if it were true (G13).
    allowAutoTopicCreation: bool('4+').default(true),
    includeClusterAuthorizedOperations: bool('8-10').optional(),
    includeTopicAuthorizedOperations: bool('8+').optional(),
  },
  response: {
    throttleTimeMs: int32('3+').optional(),
    brokers: array('0+', {
      nodeId: int32('0+'),
      host: string('0+'),
      port: int32('0+'),
      rack: string('1+').nullable('1+').default(null),
    }),
    clusterId: string('2+').nullable('2+').default(null),
    controllerId: int32('1+').default(-1),
    topics: array('0+', {
      errorCode: int16('0+'),
      name: string('0+'),
      isInternal: bool('1+').default(false),
      partitions: array('0+', {
        errorCode: int16('0+'),
        partitionIndex: int32('0+'),
        leaderId: int32('0+'),
        leaderEpoch: int32('7+').default(-1),
        replicaNodes: array('0+', 'int32'),
        isrNodes: array('0+', 'int32'),
        offlineReplicas: array('5+', 'int32').optional(),
      }),
      topicAuthorizedOperations: int32('8+').default(AUTHORIZED_OPERATIONS_OMITTED),
    }),
    clusterAuthorizedOperations: int32('8-10').default(AUTHORIZED_OPERATIONS_OMITTED),
  },
});
