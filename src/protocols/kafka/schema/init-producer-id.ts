// InitProducerId (key 22, KIP-98). v1 throttles after the response (KIP-219), v2 is flexible
// (KIP-482), v3 lets a producer bump its epoch by sending its current id and epoch (KIP-360),
// v4 may answer PRODUCER_FENCED. kafkajs sends it to the controller (§1.3 e).
import { defineApi } from './api-schema.js';
import { int16, int32, int64, string } from './fields.js';

export const initProducerIdSchema = defineApi({
  apiKey: 22,
  name: 'InitProducerId',
  versions: '0-4',
  flexibleVersions: '2+',
  request: {
    /** Null for an idempotent, non-transactional producer. */
    transactionalId: string('0+').nullable('0+'),
    transactionTimeoutMs: int32('0+'),
    producerId: int64('3+').default(-1),
    producerEpoch: int16('3+').default(-1),
  },
  response: {
    throttleTimeMs: int32('0+').optional(),
    errorCode: int16('0+'),
    producerId: int64('0+').default(-1),
    producerEpoch: int16('0+'),
  },
});
