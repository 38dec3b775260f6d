// The Tier 1 table of protocol-matrix §1.4: what a single Wharf node advertises so that kafkajs,
// librdkafka and kafka-python each send as few distinct versions as possible with no feature gate
// lost. Each range here must be served by a handler before it is registered for real; schemas
// already decode wider ranges (§1.5), so moving to Tier 2 only edits this table.
import { ApiRegistry, declareApi, type ApiDeclaration } from './api-registry.js';
import {
  addOffsetsToTxnSchema, addPartitionsToTxnSchema, apiVersionsSchema, createPartitionsSchema, createTopicsSchema, deleteGroupsSchema, deleteTopicsSchema,
  describeConfigsSchema, describeGroupsSchema, endTxnSchema, fetchSchema, findCoordinatorSchema, heartbeatSchema, initProducerIdSchema, joinGroupSchema, leaveGroupSchema,
  listGroupsSchema, listOffsetsSchema, metadataSchema, offsetCommitSchema, offsetFetchSchema, produceSchema, syncGroupSchema, txnOffsetCommitSchema,
} from './schema/index.js';

export const TIER1_APIS: readonly ApiDeclaration[] = [
  // Produce 0–2 are advertised and refused per partition, as Kafka 4 does (KAFKA-18659): librdkafka
  // turns gzip/snappy/lz4 off unless Produce 0 is in range, and 7 keeps its zstd gate open (§1.6-B, G3).
  declareApi(produceSchema, 0, 7),
  // 4 for librdkafka's MsgVer2 gate and kafka-python; 10–11 make kafka-python guess ≥ 2.1 (§1.6-A).
  declareApi(fetchSchema, 4, 11),
  declareApi(listOffsetsSchema, 1, 2),
  // v4 carries allow_auto_topic_creation; v0 is kafka-python's probe (G1, G13).
  declareApi(metadataSchema, 0, 4),
  declareApi(offsetCommitSchema, 2, 2),
  declareApi(offsetFetchSchema, 1, 2),
  // v0 feeds librdkafka's LZ4 and group-coordinator gates (§1.6-B).
  declareApi(findCoordinatorSchema, 0, 1),
  declareApi(joinGroupSchema, 0, 2),
  declareApi(heartbeatSchema, 0, 1),
  declareApi(leaveGroupSchema, 0, 1),
  declareApi(syncGroupSchema, 0, 1),
  declareApi(describeGroupsSchema, 0, 2),
  declareApi(listGroupsSchema, 0, 2),
  // 0–3: kafka-python probes with v0, librdkafka leads with flexible v3 (G2).
  declareApi(apiVersionsSchema, 0, 3),
  declareApi(createTopicsSchema, 2, 3),
  declareApi(deleteTopicsSchema, 1, 1),
  // v0 in range is librdkafka's IdempotentProducer gate; 2+ would be flexible.
  declareApi(initProducerIdSchema, 0, 1),
  declareApi(describeConfigsSchema, 1, 1),
  declareApi(createPartitionsSchema, 0, 1),
  declareApi(deleteGroupsSchema, 0, 1),
];

/** Tier 1's transaction APIs, to register once the broker has transactions. */
export const TIER1_TRANSACTION_APIS: readonly ApiDeclaration[] = [
  declareApi(addPartitionsToTxnSchema, 0, 1),
  declareApi(addOffsetsToTxnSchema, 0, 1),
  declareApi(endTxnSchema, 0, 1),
  declareApi(txnOffsetCommitSchema, 0, 1),
];

export function createTier1Registry(declarations: readonly ApiDeclaration[] = TIER1_APIS): ApiRegistry {
  const registry = new ApiRegistry();
  for (const d of declarations) registry.register(d);
  return registry;
}
