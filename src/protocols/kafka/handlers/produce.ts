// Produce (key 0). Advertised 0–7, served 3–7 (protocol-matrix §1.4, G3): v0–2 stay advertised
// because librdkafka only compresses when Produce 0 is in range, and are refused per partition
// with UNSUPPORTED_VERSION, as Kafka 4 does (KAFKA-18659). v3–7 share one layout.
//
// Hot path: record bytes are never decoded or copied. Each partition's `records` (a view into
// the request frame) goes to the broker, which checks max.message.bytes, then to the log, which
// checks the CRC (G7), patches base offsets in place and appends; the log owns the bytes until
// the append settles, and the session then reuses the frame's memory (frameReusable). acks 0, 1
// and -1 all wait for the flush policy (a single node is every replica), but acks=0 sends nothing
// back (G8), or closes the connection when a partition failed.
//
// Idempotent producers (KIP-98): a batch with a producer id is checked against the partition's
// producer state in the same synchronous step that hands it to the log (produceToPartition), so
// pipelined requests (up to 5, G16) are checked in request order. A retried duplicate is answered
// NONE with its original base offset; sequence and epoch errors come back per partition through
// broker-error-map.ts (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, …).
import { produceToPartition, type ProduceResult } from '../../../broker/topic-data.js';
import { validateTopicName } from '../../../broker/topics.js';
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestData, ResponseInput } from '../schema/api-schema.js';
import { produceSchema } from '../schema/produce.js';
import { CLOSE_CONNECTION, NO_RESPONSE, defineHandler, type HandlerResult, type RequestContext } from './handler.js';

type ProduceRequest = RequestData<typeof produceSchema>;
type ProduceResponse = ResponseInput<typeof produceSchema>;
type PartitionResponse = ProduceResponse['responses'][number]['partitionResponses'][number];

/** First version served; lower ones carry magic 0/1 message sets, which the log never stores (G6). */
const PRODUCE_VERSION_SERVED_MIN = 3;

export const produceHandler = defineHandler({
  schema: produceSchema,
  versionMin: 0,
  versionMax: 7,
  // Every append has settled (written and acknowledged, or refused) before handle resolves, and
  // the log keeps no view of a batch after that, so the session may reuse the frame's memory.
  frameReusable: true,
  async handle(ctx, request, version) {
    if (version < PRODUCE_VERSION_SERVED_MIN) return answer(request, everyPartition(request, KafkaErrorCode.UNSUPPORTED_VERSION));
    const { acks } = request;
    if (acks !== 0 && acks !== 1 && acks !== -1) return answer(request, everyPartition(request, KafkaErrorCode.INVALID_REQUIRED_ACKS));
    const pending = await ctx.connection.appendOrder.run(() => startAppends(ctx, request));
    return answer(request, await Promise.all(pending.map((topic) => Promise.all(topic))));
  },
});

/**
 * Hands every partition's batches to the log, in request order. Synchronous unless a topic must
 * be created first; the returned promises settle when the appends are durable.
 */
function startAppends(ctx: RequestContext, request: ProduceRequest): Promise<Promise<PartitionResponse>[][]> | Promise<PartitionResponse>[][] {
  const { broker, autoCreateTopics, topicCreator } = ctx.services;
  const failed = new Map<string, unknown>();
  const missing: string[] = [];
  for (const t of request.topicData) {
    if (broker.topics.get(t.name) !== undefined) continue;
    const invalid = nameError(t.name);
    // A name that can never be a topic is INVALID_TOPIC_EXCEPTION, not unknown.
    if (invalid !== null) failed.set(t.name, invalid);
    else if (autoCreateTopics) missing.push(t.name);
  }
  if (missing.length === 0) return appendAll(ctx, request, failed);
  return Promise.all(missing.map((name) => topicCreator.ensure(name).then(() => undefined, (err: unknown) => {
    failed.set(name, err);
  }))).then(() => appendAll(ctx, request, failed));
}

function appendAll(ctx: RequestContext, request: ProduceRequest, failedTopics: ReadonlyMap<string, unknown>): Promise<PartitionResponse>[][] {
  const topics = ctx.services.broker.topics;
  return request.topicData.map((t) => {
    const failure = failedTopics.get(t.name);
    return t.partitionData.map((p) => {
      if (failure !== undefined) return Promise.resolve(failed(ctx, p.index, failure));
      if (p.records === null) return Promise.resolve(refused(p.index, KafkaErrorCode.CORRUPT_MESSAGE, 'records are null; send a RecordBatch v2'));
      return produceToPartition(topics, t.name, p.index, p.records).then(
        (result) => succeeded(p.index, result),
        (err: unknown) => failed(ctx, p.index, err),
      );
    });
  });
}

function nameError(name: string): unknown {
  try {
    validateTopicName(name);
    return null;
  } catch (err) {
    return err;
  }
}

function succeeded(index: number, result: ProduceResult): PartitionResponse {
  return { index, errorCode: KafkaErrorCode.NONE, baseOffset: result.baseOffset, logAppendTimeMs: -1, logStartOffset: result.logStartOffset };
}

function refused(index: number, errorCode: number, message: string | null): PartitionResponse {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, errorMessage: message };
}

function failed(ctx: RequestContext, index: number, err: unknown): PartitionResponse {
  const mapped = kafkaErrorFor(err);
  if (!mapped.expected) ctx.services.logger.error({ err, partition: index }, 'produce: append failed unexpectedly');
  return refused(index, mapped.errorCode, mapped.message);
}

function everyPartition(request: ProduceRequest, errorCode: number): PartitionResponse[][] {
  return request.topicData.map((t) => t.partitionData.map((p) => refused(p.index, errorCode, null)));
}

function answer(request: ProduceRequest, results: PartitionResponse[][]): HandlerResult<typeof produceSchema> {
  if (request.acks === 0) {
    const anyError = results.some((t) => t.some((p) => p.errorCode !== KafkaErrorCode.NONE));
    return anyError ? CLOSE_CONNECTION : NO_RESPONSE;
  }
  return {
    responses: request.topicData.map((t, i) => ({ name: t.name, partitionResponses: results[i] ?? [] })),
    throttleTimeMs: 0,
  };
}
