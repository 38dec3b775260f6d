// The JSON fields of a queue message and of a topic record, the same in the REST answers, the
// WebSocket frames and the Server-Sent Events (docs/gateway.md).
import { isUtf8 } from 'node:buffer';
import type { QueueEntry } from '../../broker/amqp/types.js';
import type { RecordHeader } from '../../records/index.js';
import { encodePayload, type ReadEncoding } from './payload.js';
import { propertiesToJson, setOwn } from './properties-json.js';

export interface MessageFields {
  payload: string;
  payloadEncoding: string;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  properties: Record<string, unknown>;
}

export function messageFields(entry: QueueEntry, encoding: ReadEncoding): MessageFields {
  const m = entry.message;
  const { payload, payloadEncoding } = encodePayload(m.body, encoding);
  return { payload, payloadEncoding, exchange: m.exchange, routingKey: m.routingKey, redelivered: entry.redelivered, properties: propertiesToJson(m.properties) };
}

export interface ReadRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  keyEncoding: string | null;
  value: string | null;
  valueEncoding: string | null;
  /** UTF-8 values as strings, others as {"$base64": "…"}, null as null; a repeated name keeps its last value. */
  headers: { [name: string]: unknown };
}

export function recordFields(offset: number, timestamp: number, key: Buffer | null, value: Buffer | null,
  headers: readonly RecordHeader[], encoding: ReadEncoding): ReadRecord {
  const k = key === null ? null : encodePayload(key, encoding);
  const v = value === null ? null : encodePayload(value, encoding);
  const out: { [name: string]: unknown } = {};
  for (const h of headers) {
    setOwn(out, h.key, h.value === null ? null : isUtf8(h.value) ? h.value.toString('utf8') : { $base64: h.value.toString('base64') });
  }
  return {
    offset, timestamp,
    key: k?.payload ?? null, keyEncoding: k?.payloadEncoding ?? null,
    value: v?.payload ?? null, valueEncoding: v?.payloadEncoding ?? null,
    headers: out,
  };
}
