// FindCoordinator (key 10). v1 adds key_type (0 group, 1 transaction; KIP-98) and error_message,
// v3 is flexible (KIP-482). v4+ batches keys (KIP-699) and is out of range.
import { defineApi } from './api-schema.js';
import { int16, int32, int8, string } from './fields.js';

export const findCoordinatorSchema = defineApi({
  apiKey: 10,
  name: 'FindCoordinator',
  versions: '0-3',
  flexibleVersions: '3+',
  request: {
    key: string('0-3'),
    keyType: int8('1+').optional(),
  },
  response: {
    throttleTimeMs: int32('1+').optional(),
    errorCode: int16('0-3'),
    errorMessage: string('1-3').nullable('1-3').default(null),
    nodeId: int32('0-3'),
    host: string('0-3'),
    port: int32('0-3'),
  },
});
