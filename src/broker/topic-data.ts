// Writes to and reads from topic partitions, protocol-neutral: the Kafka Produce and Fetch
// handlers, and later the HTTP gateway, go through these functions.
import { BATCH_HEADER_BYTES, BATCH_LENGTH_POS, BATCH_LOG_OVERHEAD_BYTES, batchRecordsCount } from '../records/batch-header.js';
import type { AppendResult } from '../log/partition-log.js';
import { BrokerErrorCode, brokerError } from './broker-errors.js';
import { hasProducerId } from './producer-batch.js';
import type { TopicRegistry } from './topics.js';

export interface ProduceResult extends AppendResult {
  logStartOffset: number;
}

/**
 * Appends the record batches of one partition. Each batch must fit the topic's
 * max.message.bytes; the log then checks length, magic and CRC and assigns offsets in place.
 * A batch with a producer id goes through the partition's producer state first (KIP-98): a
 * retried duplicate resolves with the offsets it was first stored at and is not stored again.
 * The log owns `records` until the returned promise settles; then the caller may reuse them. The
 * batches are handed to the log (or queued behind the producer state's first load) before this
 * returns, so calls reach a partition in call order.
 */
export async function produceToPartition(topics: TopicRegistry, topic: string, partition: number, records: Buffer): Promise<ProduceResult> {
  const log = topics.partition(topic, partition);
  const t = topics.get(topic);
  const max = t === undefined ? 0 : topics.maxMessageBytes(t);
  let batches = 0;
  let recordCount = 0;
  let idempotent = false;
  // Walk only header fields (length, producer id, record count): a malformed length is left for the log's full check.
  for (let pos = 0; pos + BATCH_LOG_OVERHEAD_BYTES <= records.length; ) {
    const total = records.readInt32BE(pos + BATCH_LENGTH_POS) + BATCH_LOG_OVERHEAD_BYTES;
    if (total > max) {
      throw brokerError(BrokerErrorCode.MESSAGE_TOO_LARGE, `a record batch of ${total} bytes is larger than max.message.bytes=${max} of topic ${topic}`);
    }
    if (total <= BATCH_LOG_OVERHEAD_BYTES) break;
    if (hasProducerId(records, pos)) idempotent = true;
    if (total >= BATCH_HEADER_BYTES && pos + total <= records.length) recordCount += Math.max(0, batchRecordsCount(records, pos));
    batches++;
    pos += total;
  }
  // A retried duplicate resolves with the offsets first given to it, below what was appended before.
  const appendedBefore = idempotent ? log.offsets.appendedOffset : 0;
  const result = idempotent ? await topics.idempotence.partition(log).append(records, batches) : await log.append(records);
  const counters = t?.counters[partition];
  if (counters !== undefined && result.baseOffset >= appendedBefore) {
    counters.recordsIn += recordCount;
    counters.bytesIn += records.length;
  }
  return { ...result, logStartOffset: log.logStartOffset };
}
