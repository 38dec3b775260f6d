// Offsets by time with ListOffsets v1+ (KIP-79: one offset per partition): the earliest, the
// latest, or the first offset whose timestamp is at or after a given time.
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import { checkErrorCode } from './client-errors.js';
import type { KafkaClient } from './kafka-client.js';
import { CLIENT_APIS } from './version-negotiation.js';

/** Kafka's special timestamps (ListOffsetsRequest.EARLIEST_TIMESTAMP / LATEST_TIMESTAMP). */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface ListedOffset {
  readonly partition: number;
  /** -1 when a timestamp query finds no record at or after that time. */
  readonly offset: number;
  readonly timestamp: number;
}

/**
 * Looks up one offset per partition of `topic`. `timestamp` is a time in ms since the epoch,
 * EARLIEST_TIMESTAMP (the log start offset) or LATEST_TIMESTAMP (the log end offset).
 */
export async function listOffsets(client: KafkaClient, topic: string, partitions: readonly number[], timestamp: number): Promise<Map<number, ListedOffset>> {
  const body = await client.request(CLIENT_APIS.listOffsets, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }],
  });
  const out = new Map<number, ListedOffset>();
  for (const t of body.topics) {
    for (const p of t.partitions) {
      checkErrorCode(p.errorCode, `looking up offsets of ${topic} partition ${p.partitionIndex}`);
      out.set(p.partitionIndex, { partition: p.partitionIndex, offset: p.offset, timestamp: p.timestamp });
    }
  }
  for (const p of partitions) {
    if (!out.has(p)) checkErrorCode(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `looking up offsets of ${topic} partition ${p} (the broker did not answer for it)`);
  }
  return out;
}
