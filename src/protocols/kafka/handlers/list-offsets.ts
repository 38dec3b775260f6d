// ListOffsets (key 2), versions 1–2 (protocol-matrix §1.4): v1 is kafka-python's and librdkafka's
// OffsetTime gate, v2 adds isolation_level. Timestamp -1 asks for the latest offset (the high
// watermark, which is also the last stable offset while there are no transactions, G15), -2 for
// the earliest (the log start offset); any other value for the first record at or after that
// time, or offset -1 when every record is older (Kafka's answer).
import { offsetForTimestamp } from '../../../broker/offset-for-time.js';
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestData, ResponseInput } from '../schema/api-schema.js';
import { listOffsetsSchema } from '../schema/list-offsets.js';
import { defineHandler, type RequestContext } from './handler.js';

type PartitionRequest = RequestData<typeof listOffsetsSchema>['topics'][number]['partitions'][number];
type PartitionResponse = ResponseInput<typeof listOffsetsSchema>['topics'][number]['partitions'][number];

const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;

export const listOffsetsHandler = defineHandler({
  schema: listOffsetsSchema,
  versionMin: 1,
  versionMax: 2,
  async handle(ctx, request) {
    const topics = await Promise.all(request.topics.map(async (t) => ({
      name: t.name,
      partitions: await Promise.all(t.partitions.map((p) => listOffset(ctx, t.name, p))),
    })));
    return { throttleTimeMs: 0, topics };
  },
});

async function listOffset(ctx: RequestContext, topic: string, p: PartitionRequest): Promise<PartitionResponse> {
  const base = { partitionIndex: p.partitionIndex, errorCode: KafkaErrorCode.NONE, timestamp: -1, offset: -1 };
  try {
    const log = ctx.services.broker.topics.partition(topic, p.partitionIndex);
    if (p.timestamp === LATEST_TIMESTAMP) return { ...base, offset: log.highWatermark };
    if (p.timestamp === EARLIEST_TIMESTAMP) return { ...base, offset: log.logStartOffset };
    const found = await offsetForTimestamp(log, p.timestamp);
    return found === null ? base : { ...base, timestamp: found.timestampMs, offset: found.offset };
  } catch (err) {
    const mapped = kafkaErrorFor(err);
    if (!mapped.expected) ctx.services.logger.error({ err, topic, partition: p.partitionIndex }, 'list offsets: lookup failed unexpectedly');
    return { ...base, errorCode: mapped.errorCode };
  }
}
