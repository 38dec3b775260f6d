// An AMQP message as a Kafka RecordBatch v2 record, so a durable queue stores the same format as
// every topic (docs/interop.md): key = routing key, value = body, header `x-amqp-exchange` = the
// exchange it was published to, header `x-amqp-properties` = the content header's property
// flags and list exactly as received, timestamp = when the queue took it (TTL counts from there).
import { createRecord, createRecordBatch, encodeRecordBatch, type Record, type RecordHeader } from '../../records/index.js';
import type { Message } from './types.js';

export const EXCHANGE_HEADER = 'x-amqp-exchange';
export const PROPERTIES_HEADER = 'x-amqp-properties';

/** Record batches stay below this (several go into one append); a single larger message gets a batch of its own. */
export const MESSAGE_BATCH_BYTES_TARGET = 1024 * 1024;

/** A message and when the queue took it, as queued for the next append. */
export interface PendingRecord {
  message: Message;
  enqueuedAtMs: number;
}

/** The parts of a stored message; buffers are copies the caller may keep. */
export interface StoredMessage {
  exchange: string;
  routingKey: string;
  properties: Buffer;
  body: Buffer;
  enqueuedAtMs: number;
}

const EMPTY = Buffer.alloc(0);

/** Encodes `records` (in order, offsets consecutive) as one RecordBatch v2. */
export function encodeMessageBatch(records: readonly PendingRecord[]): Buffer {
  const baseTimestamp = records.length > 0 ? (records[0] as PendingRecord).enqueuedAtMs : -1;
  let maxTimestamp = baseTimestamp;
  const out: Record[] = new Array<Record>(records.length);
  for (let i = 0; i < records.length; i++) {
    const { message, enqueuedAtMs } = records[i] as PendingRecord;
    if (enqueuedAtMs > maxTimestamp) maxTimestamp = enqueuedAtMs;
    const headers: RecordHeader[] = [
      { key: EXCHANGE_HEADER, value: Buffer.from(message.exchange, 'utf8') },
      { key: PROPERTIES_HEADER, value: message.properties },
    ];
    out[i] = createRecord({
      timestampDelta: enqueuedAtMs - baseTimestamp,
      offsetDelta: i,
      key: Buffer.from(message.routingKey, 'utf8'),
      value: message.body,
      headers,
    });
  }
  return encodeRecordBatch(createRecordBatch({ baseTimestamp, maxTimestamp, records: out }));
}

/** Rough encoded size of one message, for cutting batches (the exact size is the codec's business). */
export function estimatedRecordBytes(message: Message): number {
  return 48 + message.exchange.length * 3 + message.routingKey.length * 3 + message.properties.length + message.body.length;
}

/**
 * Reads a stored message out of a decoded record. Properties and body are copied into one
 * allocation of their own: the record's buffers are views into a read of up to a megabyte, which a
 * single message left in the queue would otherwise keep alive.
 */
export function decodeMessageRecord(record: Record, baseTimestamp: number): StoredMessage {
  let exchange = '';
  let properties: Buffer = EMPTY;
  for (const h of record.headers) {
    if (h.key === EXCHANGE_HEADER && h.value !== null) exchange = h.value.toString('utf8');
    else if (h.key === PROPERTIES_HEADER && h.value !== null) properties = h.value;
  }
  const body = record.value ?? EMPTY;
  const copy = Buffer.allocUnsafeSlow(properties.length + body.length);
  properties.copy(copy, 0);
  body.copy(copy, properties.length);
  return {
    exchange,
    routingKey: record.key === null ? '' : record.key.toString('utf8'),
    properties: copy.subarray(0, properties.length),
    body: copy.subarray(properties.length),
    enqueuedAtMs: baseTimestamp + record.timestampDelta,
  };
}
