// Metadata (key 3), versions 0–4 (protocol-matrix §1.4): kafka-python probes with v0 and uses v1,
// kafkajs and librdkafka send v4. v1+ carries controller_id, which must name a broker in the list
// (G4); v2+ the cluster id. Topic ids start at v10, out of range (G11).
//
// Which topics (G13): at v0 an empty list means all topics; from v1 null means all and an empty
// list none. Missing topics are created when auto-creation is on and the request allows it
// (allow_auto_topic_creation, v4+; older versions behave as if it were true).
import { validateTopicName, type Topic } from '../../../broker/topics.js';
import { kafkaErrorFor } from '../broker-error-map.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { ResponseInput } from '../schema/api-schema.js';
import { metadataSchema } from '../schema/metadata.js';
import { defineHandler, type RequestContext } from './handler.js';

type TopicMetadata = ResponseInput<typeof metadataSchema>['topics'][number];

export const metadataHandler = defineHandler({
  schema: metadataSchema,
  versionMin: 0,
  versionMax: 4,
  async handle(ctx, request, version) {
    const { broker, self, clusterId } = ctx.services;
    const all = request.topics === null || (version === 0 && request.topics.length === 0);
    let topics: TopicMetadata[];
    if (all) {
      topics = broker.topics.list().map((t) => describeTopic(ctx, t));
    } else {
      const allowCreate = ctx.services.autoCreateTopics && (version < 4 || request.allowAutoTopicCreation);
      const names = [...new Set((request.topics ?? []).map((t) => t.name))];
      topics = await Promise.all(names.map((name) => lookupTopic(ctx, name, allowCreate)));
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: self.nodeId, host: self.host, port: self.port, rack: null }],
      clusterId,
      controllerId: self.nodeId,
      topics,
    };
  },
});

async function lookupTopic(ctx: RequestContext, name: string, allowCreate: boolean): Promise<TopicMetadata> {
  const { broker, topicCreator } = ctx.services;
  try {
    validateTopicName(name);
    const existing = broker.topics.get(name);
    if (existing !== undefined) return describeTopic(ctx, existing);
    if (!allowCreate) return topicError(name, KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    return describeTopic(ctx, await topicCreator.ensure(name));
  } catch (err) {
    const mapped = kafkaErrorFor(err);
    if (!mapped.expected) ctx.services.logger.error({ err, topic: name }, 'metadata: creating a topic failed');
    return topicError(name, mapped.errorCode);
  }
}

function topicError(name: string, errorCode: number): TopicMetadata {
  return { errorCode, name, isInternal: false, partitions: [] };
}

function describeTopic(ctx: RequestContext, topic: Topic): TopicMetadata {
  const nodeId = ctx.services.self.nodeId;
  const partitions = [];
  for (let p = 0; p < topic.partitions.length; p++) {
    partitions.push({ errorCode: KafkaErrorCode.NONE, partitionIndex: p, leaderId: nodeId, replicaNodes: [nodeId], isrNodes: [nodeId] });
  }
  return { errorCode: KafkaErrorCode.NONE, name: topic.name, isInternal: false, partitions };
}
