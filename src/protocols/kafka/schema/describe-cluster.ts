// DescribeCluster (key 60, KIP-700), flexible from v0. v1 adds endpoint_type (KIP-919: 1 brokers,
// 2 controllers). Java's Admin.describeCluster tries it before falling back to Metadata.
import { defineApi } from './api-schema.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.js';
import { array, bool, int16, int32, int8, string } from './fields.js';

export const describeClusterSchema = defineApi({
  apiKey: 60,
  name: 'DescribeCluster',
  versions: '0-1',
  flexibleVersions: '0+',
  request: {
    includeClusterAuthorizedOperations: bool('0+'),
    endpointType: int8('1+').default(1),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    errorCode: int16('0+'),
    errorMessage: string('0+').nullable('0+').default(null),
    endpointType: int8('1+').default(1),
    clusterId: string('0+'),
    controllerId: int32('0+').default(-1),
    brokers: array('0+', {
      brokerId: int32('0+'),
      host: string('0+'),
      port: int32('0+'),
      rack: string('0+').nullable('0+').default(null),
    }),
    clusterAuthorizedOperations: int32('0+').default(AUTHORIZED_OPERATIONS_OMITTED),
  },
});
