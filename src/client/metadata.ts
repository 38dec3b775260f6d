// Topic and partition metadata, from Metadata v1+ (v1 is where a null topic list means "all
// topics" and an empty one "none", protocol-matrix §1.7 G13).
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import { checkErrorCode } from './client-errors.js';
import type { KafkaClient } from './kafka-client.js';
import { CLIENT_APIS } from './version-negotiation.js';

export interface PartitionMetadata {
  readonly partition: number;
  readonly leaderId: number;
  readonly errorCode: number;
}

export interface TopicMetadata {
  readonly name: string;
  readonly errorCode: number;
  readonly isInternal: boolean;
  /** Sorted by partition number. */
  readonly partitions: readonly PartitionMetadata[];
}

export interface ClusterMetadata {
  readonly clusterId: string | null;
  readonly controllerId: number;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
  readonly topics: readonly TopicMetadata[];
}

/** Metadata of `topics`, or of every topic when `topics` is null. */
export async function fetchMetadata(client: KafkaClient, topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<ClusterMetadata> {
  const body = await client.request(CLIENT_APIS.metadata, {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation,
  });
  return {
    clusterId: body.clusterId,
    controllerId: body.controllerId,
    brokers: body.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port })),
    topics: body.topics.map((t) => ({
      name: t.name,
      errorCode: t.errorCode,
      isInternal: t.isInternal,
      partitions: t.partitions
        .map((p) => ({ partition: p.partitionIndex, leaderId: p.leaderId, errorCode: p.errorCode }))
        .sort((a, b) => a.partition - b.partition),
    })),
  };
}

export interface TopicLookupOptions {
  /** Ask the broker to create a missing topic (it does when its auto-create setting is on). */
  readonly autoCreate?: boolean;
  readonly retryDelayMs?: number;
}

/** How often a lookup is repeated while a topic is being created (LEADER_NOT_AVAILABLE, no partitions yet). */
const CREATING_ATTEMPTS = 20;
/** How often a missing topic is asked for again after asking for it to be created. */
const AUTO_CREATE_ATTEMPTS = 3;

/**
 * One topic's metadata, waiting out the retriable answers a topic being created gives;
 * UNKNOWN_TOPIC_OR_PARTITION is final unless auto-creation was asked for.
 */
export async function fetchTopic(client: KafkaClient, topic: string, options: TopicLookupOptions = {}): Promise<TopicMetadata> {
  const autoCreate = options.autoCreate ?? false;
  for (let attempt = 1; ; attempt++) {
    const md = await fetchMetadata(client, [topic], autoCreate);
    const t = md.topics.find((x) => x.name === topic);
    const errorCode = t?.errorCode ?? KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (t !== undefined && errorCode === 0 && t.partitions.length > 0) return t;
    const unknown = errorCode === KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const attempts = unknown ? (autoCreate ? AUTO_CREATE_ATTEMPTS : 1) : CREATING_ATTEMPTS;
    if (attempt >= attempts || (errorCode !== 0 && !unknown && errorCode !== KafkaErrorCode.LEADER_NOT_AVAILABLE)) {
      const why = unknown && autoCreate ? ', which the broker did not create (its automatic topic creation is off),' : '';
      checkErrorCode(errorCode, `looking up topic ${topic}${why}`);
      // No error but no partitions either: a topic still being created.
      checkErrorCode(KafkaErrorCode.LEADER_NOT_AVAILABLE, `looking up topic ${topic} (it has no partitions yet)`);
    }
    await new Promise((r) => setTimeout(r, options.retryDelayMs ?? 100));
  }
}
