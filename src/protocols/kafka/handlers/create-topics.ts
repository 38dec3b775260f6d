// CreateTopics (key 19), versions 2–3 (identical layouts; protocol-matrix §1.4). Sent to the
// controller, which is this node (G4). num_partitions -1 takes the broker default (KIP-464's
// meaning, accepted at every version); a single node holds one replica, so the replication
// factor must be 1 or -1; explicit assignments may only name this node.
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestData, ResponseInput } from '../schema/api-schema.js';
import { createTopicsSchema } from '../schema/create-topics.js';
import { defineHandler, type RequestContext } from './handler.js';

type TopicRequest = RequestData<typeof createTopicsSchema>['topics'][number];
type TopicResult = ResponseInput<typeof createTopicsSchema>['topics'][number];

const BROKER_DEFAULT = -1;

export const createTopicsHandler = defineHandler({
  schema: createTopicsSchema,
  versionMin: 2,
  versionMax: 3,
  async handle(ctx, request) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics = [];
    // One at a time, in request order, so the answers match what a client sees afterwards.
    for (const t of request.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        topics.push(result(t.name, KafkaErrorCode.INVALID_REQUEST, `topic ${t.name} appears more than once in the request; name each topic once`));
      } else {
        topics.push(await createTopic(ctx, t, request.validateOnly));
      }
    }
    return { throttleTimeMs: 0, topics };
  },
});

async function createTopic(ctx: RequestContext, t: TopicRequest, validateOnly: boolean): Promise<TopicResult> {
  const { self, broker, defaultPartitions } = ctx.services;
  if (t.replicationFactor !== 1 && t.replicationFactor !== BROKER_DEFAULT) {
    return result(t.name, KafkaErrorCode.INVALID_REPLICATION_FACTOR, `replication factor ${t.replicationFactor} is impossible on a single broker; use 1 (or -1 for the default)`);
  }
  let partitions = t.numPartitions === BROKER_DEFAULT ? defaultPartitions : t.numPartitions;
  if (t.assignments.length > 0) {
    if (t.numPartitions !== BROKER_DEFAULT) {
      return result(t.name, KafkaErrorCode.INVALID_REQUEST, 'give either num_partitions or replica assignments, not both (set num_partitions to -1)');
    }
    const bad = t.assignments.find((a, i) => a.partitionIndex !== i || a.brokerIds.length !== 1 || a.brokerIds[0] !== self.nodeId);
    if (bad !== undefined) {
      return result(t.name, KafkaErrorCode.INVALID_REPLICA_ASSIGNMENT, `assignments must list partitions 0..n-1 in order, each on this broker only (node ${self.nodeId})`);
    }
    partitions = t.assignments.length;
  }
  const configs: Record<string, string | null> = {};
  for (const c of t.configs) {
    if (Object.hasOwn(configs, c.name)) return result(t.name, KafkaErrorCode.INVALID_REQUEST, `config ${c.name} is given twice`);
    configs[c.name] = c.value;
  }
  try {
    if (validateOnly) broker.topics.validateCreate(t.name, partitions, configs);
    else await broker.topics.create(t.name, partitions, configs);
    return result(t.name, KafkaErrorCode.NONE, null);
  } catch (err) {
    const mapped = kafkaErrorFor(err);
    if (!mapped.expected) ctx.services.logger.error({ err, topic: t.name }, 'create topics: failed unexpectedly');
    return result(t.name, mapped.errorCode, mapped.message);
  }
}

function result(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, errorCode, errorMessage };
}
