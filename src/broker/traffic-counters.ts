// Monotonic traffic counts kept on the model objects themselves: plain number fields bumped on
// the data path (no allocation, no labels), read at scrape time by /metrics and sampled into
// rates by the management API. Counts start at zero when the broker starts, like Prometheus
// counters; a deleted queue or topic takes its counts with it.
//
// Bytes of a topic partition are RecordBatch bytes as the log stores them (batch headers and the
// 12-byte offset/length prefix included, compressed payloads as compressed): what a producer's
// batches occupy in the log, and what a reader is sent. Records are counted from each batch
// header's record count, so no record is decoded to count it.
import { BATCH_HEADER_BYTES, BATCH_LENGTH_POS, BATCH_LOG_OVERHEAD_BYTES, RECORDS_COUNT_POS } from '../records/batch-header.js';

/** One AMQP queue's message counts. */
export class QueueCounters {
  /** Messages the queue accepted from a publish (or a dead-letter route). */
  published = 0;
  /** Deliveries to consumers and basic.get answers, first deliveries and redeliveries alike. */
  delivered = 0;
  /** Of `delivered`, those sent with redelivered=true. */
  redelivered = 0;
  /** Deliveries settled by the consumer's ack, or by no-ack on delivery. */
  acked = 0;
}

/** One topic partition's traffic: what producers appended and what readers were sent. */
export class PartitionCounters {
  recordsIn = 0;
  bytesIn = 0;
  recordsOut = 0;
  bytesOut = 0;
}

/**
 * Records in the whole batches of `bytes`, summed from their headers. Stops at a batch that is
 * cut short or malformed (the log refuses such input before anything is counted).
 */
export function batchRecordCount(bytes: Buffer): number {
  let records = 0;
  for (let pos = 0; pos + BATCH_HEADER_BYTES <= bytes.length; ) {
    const total = bytes.readInt32BE(pos + BATCH_LENGTH_POS) + BATCH_LOG_OVERHEAD_BYTES;
    if (total < BATCH_HEADER_BYTES || pos + total > bytes.length) break;
    const count = bytes.readInt32BE(pos + RECORDS_COUNT_POS);
    if (count > 0) records += count;
    pos += total;
  }
  return records;
}

/** Counts whole batches sent to a reader (Kafka Fetch, an HTTP read, a WebSocket subscription). */
export function countBatchesOut(counters: PartitionCounters | undefined, bytes: Buffer): void {
  if (counters === undefined || bytes.length === 0) return;
  counters.recordsOut += batchRecordCount(bytes);
  counters.bytesOut += bytes.length;
}
