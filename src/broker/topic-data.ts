// Writes to and reads from topic partitions, protocol-neutral: the Kafka Produce and Fetch
// handlers, and later the HTTP gateway, go through these functions.
import { BATCH_LENGTH_POS, BATCH_LOG_OVERHEAD_BYTES } from '../records/batch-header.js';
import type { AppendResult } from '../log/partition-log.js';
import { BrokerErrorCode, brokerError } from './broker-errors.js';
import type { TopicRegistry } from './topics.js';

export interface ProduceResult extends AppendResult {
  logStartOffset: number;
}

/**
 * Appends the record batches of one partition. Each batch must fit the topic's
 * max.message.bytes; the log then checks length, magic and CRC and assigns offsets in place.
 * The log takes ownership of `records`.
 */
export async function produceToPartition(topics: TopicRegistry, topic: string, partition: number, records: Buffer): Promise<ProduceResult> {
  const log = topics.partition(topic, partition);
  const t = topics.get(topic);
  const max = t === undefined ? 0 : topics.maxMessageBytes(t);
  // Walk only the length fields: a malformed length is left for the log's full check.
  for (let pos = 0; pos + BATCH_LOG_OVERHEAD_BYTES <= records.length; ) {
    const total = records.readInt32BE(pos + BATCH_LENGTH_POS) + BATCH_LOG_OVERHEAD_BYTES;
    if (total > max) {
      throw brokerError(BrokerErrorCode.MESSAGE_TOO_LARGE, `a record batch of ${total} bytes is larger than max.message.bytes=${max} of topic ${topic}`);
    }
    if (total <= BATCH_LOG_OVERHEAD_BYTES) break;
    pos += total;
  }
  const result = await log.append(records);
  return { ...result, logStartOffset: log.logStartOffset };
}
