// InitProducerId (key 22), versions 0–1 (protocol-matrix §1.4): a producer id for an idempotent
// producer (KIP-98), epoch 0. v0 in the advertised range opens librdkafka's IdempotentProducer
// gate (§1.6-B); kafkajs sends the non-transactional request to the controller, this node (§1.3 e,
// G4). v2+ (flexible) and v3+ (KIP-360 epoch bump with the current id and epoch) are not served,
// so a client recovers from a lost sequence by asking for a new id, which is what librdkafka and
// Java do when the broker's InitProducerId is older than v3.
//
// Ids come from a durable counter reserved in blocks (broker/producer-ids.ts), so a restart never
// hands out an id twice. Transactions are not served: a transactional id gets UNSUPPORTED_VERSION,
// Kafka's answer to transaction requests a cluster cannot serve (its transaction APIs checked the
// inter-broker protocol version with UnsupportedVersionException) and Redpanda's when transactions
// are disabled; clients treat it as fatal instead of retrying forever.
import { KafkaErrorCode } from '../error-codes.js';
import type { ResponseInput } from '../schema/api-schema.js';
import { initProducerIdSchema } from '../schema/init-producer-id.js';
import { defineHandler } from './handler.js';

type InitProducerIdResponse = ResponseInput<typeof initProducerIdSchema>;

export const initProducerIdHandler = defineHandler({
  schema: initProducerIdSchema,
  versionMin: 0,
  versionMax: 1,
  async handle(ctx, request) {
    const { transactionalId } = request;
    // Kafka's TransactionCoordinator answers an empty transactional id with INVALID_REQUEST.
    if (transactionalId === '') return refused(KafkaErrorCode.INVALID_REQUEST);
    if (transactionalId !== null) return refused(KafkaErrorCode.UNSUPPORTED_VERSION);
    let producerId: number;
    try {
      producerId = await ctx.services.broker.topics.idempotence.producerIds.allocate();
    } catch (err) {
      // The metadata store could not reserve a block (disk). Kafka's producer-id manager answers
      // COORDINATOR_LOAD_IN_PROGRESS while it has no block, which every client retries.
      ctx.services.logger.error({ err }, 'InitProducerId: could not reserve producer ids in the metadata store; clients will retry');
      return refused(KafkaErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    }
    return { throttleTimeMs: 0, errorCode: KafkaErrorCode.NONE, producerId, producerEpoch: 0 };
  },
});

function refused(errorCode: number): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 };
}
