// The schema declarations give handlers real types: decoded requests have every field (absent
// ones defaulted), responses may omit fields declared optional/default/tagged and nothing else.
// Most checks here are made by the compiler (`@ts-expect-error` fails the build when it is wrong).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaReader } from '../../../../src/protocols/kafka/codec/reader.js';
import { encodeResponse } from '../../../../src/protocols/kafka/messages.js';
import type { RequestData, ResponseInput } from '../../../../src/protocols/kafka/schema/api-schema.js';
import { fetchSchema, heartbeatSchema, produceSchema } from '../../../../src/protocols/kafka/schema/index.js';

test('decoded requests are typed and complete, absent fields defaulted', () => {
  // Produce v2 has no transactional_id: it decodes as its default, null.
  const bytes = Buffer.from('0001' + '000003e8' + '00000000', 'hex');
  const request: RequestData<typeof produceSchema> = produceSchema.request.decode(2, new KafkaReader(bytes));
  const transactionalId: string | null = request.transactionalId;
  const acks: number = request.acks;
  const records: Buffer | null | undefined = request.topicData[0]?.partitionData[0]?.records;
  assert.deepEqual([transactionalId, acks, request.timeoutMs, records], [null, 1, 1000, undefined]);
});

test('responses may leave out optional fields, but not required ones', () => {
  const heartbeat: ResponseInput<typeof heartbeatSchema> = { errorCode: 27 };
  // @ts-expect-error errorCode is required
  const missing: ResponseInput<typeof heartbeatSchema> = { throttleTimeMs: 1 };
  void missing;
  assert.equal(Buffer.concat(encodeResponse(heartbeatSchema, 1, 1, heartbeat)).readInt16BE(12), 27);

  const fetch: ResponseInput<typeof fetchSchema> = {
    responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 0, records: [Buffer.alloc(1)] }] }],
  };
  // @ts-expect-error records are Buffers, not strings
  const wrong: ResponseInput<typeof fetchSchema> = { responses: [{ topic: 't', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 0, records: 'x' }] }] };
  void wrong;
  assert.ok(encodeResponse(fetchSchema, 4, 1, fetch).length >= 1);
});
