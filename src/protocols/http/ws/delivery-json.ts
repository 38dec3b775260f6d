// The JSON of a delivery, shared by the WebSocket (`message`, `record`) and Server-Sent Events
// (`event: message`, `event: record`). Shapes as in docs/gateway.md.
import type { QueueEntry } from '../../../broker/amqp/types.js';
import type { RecordHeader } from '../../../records/index.js';
import { messageFields, recordFields, type MessageFields, type ReadRecord } from '../delivery-fields.js';
import type { ReadEncoding } from '../payload.js';

export type MessageFrame = { op: 'message'; id: string | number; tag: number } & MessageFields;

export function messageFrame(id: string | number, tag: number, entry: QueueEntry, encoding: ReadEncoding): MessageFrame {
  return { op: 'message', id, tag, ...messageFields(entry, encoding) };
}

/** The REST read's record plus the subscription's fields. */
export type RecordFrame = { op: 'record'; id: string | number; tag: number; partition: number } & ReadRecord;

export interface RecordFields {
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

export function recordFrame(id: string | number, tag: number, r: RecordFields, encoding: ReadEncoding): RecordFrame {
  return { op: 'record', id, tag, partition: r.partition, ...recordFields(r.offset, r.timestamp, r.key, r.value, r.headers, encoding) };
}
