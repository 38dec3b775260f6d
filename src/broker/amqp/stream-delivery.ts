// A stream record as the entry a stream consumer is given: the AMQP message the interop mapping
// makes of it (src/broker/interop, docs/interop.md), with the header RabbitMQ adds to every
// delivery from a stream, `x-stream-offset` (long), the record's offset. The header is spliced
// into the encoded headers table: it is always the headers property that grows, and only
// content-type and content-encoding come before it in the property list, so nothing is decoded.
import { recordTimestampMs, type Record as KafkaRecord, type RecordBatch } from '../../records/index.js';
import { recordToMessage } from '../interop/amqp-record-mapping.js';
import type { QueueEntry } from './types.js';

export const STREAM_OFFSET_HEADER = 'x-stream-offset';

const FLAG_CONTENT_TYPE = 1 << 15;
const FLAG_CONTENT_ENCODING = 1 << 14;
const FLAG_HEADERS = 1 << 13;
const TAG_LONG = 0x6c; // 'l'
const TWO_32 = 4294967296;
/** The encoded table entry: name (shortstr), tag, int64. */
const ENTRY_BYTES = 1 + STREAM_OFFSET_HEADER.length + 1 + 8;
const ENTRY_NAME = Buffer.from(STREAM_OFFSET_HEADER, 'latin1');

/** The entry delivered for the record at `offset`; the body is a view of the read (the channel copies it into frames). */
export function streamEntry(batch: RecordBatch, record: KafkaRecord, offset: number): QueueEntry {
  const timestampMs = recordTimestampMs(batch, record);
  const m = recordToMessage(record, timestampMs);
  return {
    message: {
      exchange: m.exchange,
      routingKey: m.routingKey,
      properties: withStreamOffset(m.properties, offset),
      body: m.body,
      // The summary fields serve routing and queue rules, which a delivery no longer meets.
      persistent: true,
      priority: 0,
      expirationMs: -1,
    },
    seq: offset,
    offset,
    redelivered: false,
    enqueuedAtMs: timestampMs,
    expiresAtMs: Infinity,
  };
}

/** `properties` with `x-stream-offset` = `offset` ('l') appended to its headers table (created when absent). */
export function withStreamOffset(properties: Buffer, offset: number): Buffer {
  const flags = properties.readUInt16BE(0);
  let pos = 2;
  for (let word = flags; (word & 1) !== 0; pos += 2) word = properties.readUInt16BE(pos);
  if ((flags & FLAG_CONTENT_TYPE) !== 0) pos += 1 + (properties[pos] as number);
  if ((flags & FLAG_CONTENT_ENCODING) !== 0) pos += 1 + (properties[pos] as number);
  const hasTable = (flags & FLAG_HEADERS) !== 0;
  const tableBytes = hasTable ? properties.readUInt32BE(pos) : 0;
  const entryAt = pos + 4 + tableBytes;
  const out = Buffer.allocUnsafe(properties.length + ENTRY_BYTES + (hasTable ? 0 : 4));
  properties.copy(out, 0, 0, hasTable ? entryAt : pos);
  out.writeUInt32BE(tableBytes + ENTRY_BYTES, pos);
  let at = entryAt;
  out[at++] = ENTRY_NAME.length;
  at += ENTRY_NAME.copy(out, at);
  out[at++] = TAG_LONG;
  out.writeUInt32BE(Math.floor(offset / TWO_32), at);
  out.writeUInt32BE(offset % TWO_32, at + 4);
  properties.copy(out, at + 8, hasTable ? entryAt : pos);
  if (!hasTable) out.writeUInt16BE(flags | FLAG_HEADERS, 0);
  return out;
}
