// Produce (key 0). The request layout is the same from v3 to v8 (v3 adds transactional_id,
// KIP-98; v7 only announces zstd, KIP-110); v9 is flexible (KIP-482). v0–2 decode too, but carry
// magic 0/1 message sets, which Wharf refuses per partition (protocol-matrix §1.7 G3).
// `records` stays raw bytes: the broker checks the CRC and patches baseOffset in place.
// Response: v2 log_append_time (KIP-32), v5 log_start_offset (KIP-107), v8 record_errors and
// error_message (KIP-467).
import { defineApi } from './api-schema.js';
import { array, int16, int32, int64, records, string } from './fields.js';

export const produceSchema = defineApi({
  apiKey: 0,
  name: 'Produce',
  versions: '0-9',
  flexibleVersions: '9+',
  request: {
    transactionalId: string('3+').nullable('3+').default(null),
    /** 0: no response at all (G8), 1: leader, -1: all in-sync replicas. */
    acks: int16('0+'),
    timeoutMs: int32('0+'),
    topicData: array('0+', {
      name: string('0+'),
      partitionData: array('0+', {
        index: int32('0+'),
        records: records('0+'),
      }),
    }),
  },
  response: {
    responses: array('0+', {
      name: string('0+'),
      partitionResponses: array('0+', {
        index: int32('0+'),
        errorCode: int16('0+'),
        baseOffset: int64('0+'),
        logAppendTimeMs: int64('2+').default(-1),
        logStartOffset: int64('5+').default(-1),
        recordErrors: array('8+', {
          batchIndex: int32('8+'),
          batchIndexErrorMessage: string('8+').nullable('8+').default(null),
        }).optional(),
        errorMessage: string('8+').nullable('8+').default(null),
      }),
    }),
    throttleTimeMs: int32('1+').optional(),
  },
});
