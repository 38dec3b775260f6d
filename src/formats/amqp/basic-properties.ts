// The basic class's content-header properties (AMQP 0-9-1 §4.2.6.1, class basic "properties"):
// a 16-bit flags word, property i present when bit 15-i is set (bit 0 says another flags word
// follows), then the present properties in that order. `buf` everywhere in this layer is exactly
// that: flags word(s) and property list, as the content header carries them after body-size.
import { AmqpReader } from './amqp-reader.js';
import { malformed, unencodable } from './amqp-format-error.js';
import { fieldTableSize, readFieldTable, writeFieldTable } from './field-table.js';
import type { BasicProperties } from './field-types.js';
import { BASIC_PROPERTIES, PROPERTY_COUNT, propertyFlag, shortstrBytes } from './property-layout.js';

export { BASIC_PROPERTIES, PROPERTY_COUNT, PropertyIndex, propertyFlag } from './property-layout.js';
export type { PropertyType } from './property-layout.js';
// The per-message operations on encoded properties live in property-list.ts; re-exported so the
// whole basic-properties API has one import path.
export { readPropertySummary, normalizePropertiesForDelivery, readHeaders, withHeaders, withReplyTo } from './property-list.js';
export type { PropertySummary } from './property-list.js';

/** Reads the flags word(s); extra words may only continue, since basic has no 15th property. */
export function readPropertyFlags(r: AmqpReader): number {
  const flags = r.u16('property flags');
  if (flags & 0x2) throw malformed('property flags set bit 1, which names no basic property');
  let more = flags & 1;
  while (more) {
    const next = r.u16('property flags');
    if (next & 0xfffe) throw malformed('property flags continue with properties the basic class does not have');
    more = next & 1;
  }
  return flags;
}

export function decodeBasicProperties(buf: Buffer): BasicProperties {
  const r = new AmqpReader(buf);
  const flags = readPropertyFlags(r);
  const p: BasicProperties = {};
  if (flags & 0x8000) p.contentType = r.shortstr('content-type');
  if (flags & 0x4000) p.contentEncoding = r.shortstr('content-encoding');
  if (flags & 0x2000) p.headers = readFieldTable(r, 0);
  if (flags & 0x1000) p.deliveryMode = r.u8('delivery-mode');
  if (flags & 0x0800) p.priority = r.u8('priority');
  if (flags & 0x0400) p.correlationId = r.shortstr('correlation-id');
  if (flags & 0x0200) p.replyTo = r.shortstr('reply-to');
  if (flags & 0x0100) p.expiration = r.shortstr('expiration');
  if (flags & 0x0080) p.messageId = r.shortstr('message-id');
  // Above 2^53 seconds the timestamp is rounded; only a hostile client sends one.
  if (flags & 0x0040) p.timestamp = r.u64Number('timestamp');
  if (flags & 0x0020) p.type = r.shortstr('type');
  if (flags & 0x0010) p.userId = r.shortstr('user-id');
  if (flags & 0x0008) p.appId = r.shortstr('app-id');
  if (flags & 0x0004) p.clusterId = r.shortstr('cluster-id');
  if (r.remaining() !== 0) throw malformed(`basic properties are followed by ${r.remaining()} unexpected bytes`);
  return p;
}

function checkOctet(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw unencodable(`${field} ${v} is not an octet (0..255)`);
  return v;
}

export function encodeBasicProperties(p: BasicProperties): Buffer {
  let flags = 0;
  let size = 2;
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    const { name, type } = BASIC_PROPERTIES[i] as (typeof BASIC_PROPERTIES)[number];
    const v = p[name];
    if (v === undefined) continue;
    flags |= propertyFlag(i);
    if (type === 'shortstr') size += 1 + shortstrBytes(v as string, name);
    else if (type === 'table') size += fieldTableSize(p.headers ?? new Map());
    else size += type === 'octet' ? 1 : 8;
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt16BE(flags, 0);
  let pos = 2;
  for (let i = 0; i < PROPERTY_COUNT; i++) {
    const { name, type } = BASIC_PROPERTIES[i] as (typeof BASIC_PROPERTIES)[number];
    const v = p[name];
    if (v === undefined) continue;
    if (type === 'shortstr') {
      const s = v as string;
      buf[pos] = Buffer.byteLength(s, 'utf8');
      pos += 1 + buf.write(s, pos + 1, 'utf8');
    } else if (type === 'table') {
      pos = writeFieldTable(buf, pos, p.headers ?? new Map());
    } else if (type === 'octet') {
      buf[pos++] = checkOctet(v as number, name);
    } else {
      const t = v as number;
      if (!Number.isSafeInteger(t) || t < 0) throw unencodable(`timestamp ${t} is not a non-negative integer of seconds`);
      buf.writeUInt32BE(Math.floor(t / 4294967296), pos);
      buf.writeUInt32BE(t % 4294967296, pos + 4);
      pos += 8;
    }
  }
  return buf;
}
