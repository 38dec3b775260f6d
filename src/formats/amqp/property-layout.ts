// Where each basic property sits (AMQP 0-9-1 §4.2.6.1, class basic "properties"): its index in
// the property list and its flag bit, 15 - index (bit 0 says another flags word follows).
// Shared by the full decoder (basic-properties.ts) and the per-message scanners (property-list.ts).
import { unencodable } from './amqp-format-error.js';
import type { BasicProperties } from './field-types.js';

export type PropertyType = 'shortstr' | 'table' | 'octet' | 'timestamp';

/** Spec order; the index is the property's position. */
export const BASIC_PROPERTIES: readonly { readonly name: keyof BasicProperties; readonly type: PropertyType }[] = [
  { name: 'contentType', type: 'shortstr' },
  { name: 'contentEncoding', type: 'shortstr' },
  { name: 'headers', type: 'table' },
  { name: 'deliveryMode', type: 'octet' },
  { name: 'priority', type: 'octet' },
  { name: 'correlationId', type: 'shortstr' },
  { name: 'replyTo', type: 'shortstr' },
  { name: 'expiration', type: 'shortstr' },
  { name: 'messageId', type: 'shortstr' },
  { name: 'timestamp', type: 'timestamp' },
  { name: 'type', type: 'shortstr' },
  { name: 'userId', type: 'shortstr' },
  { name: 'appId', type: 'shortstr' },
  { name: 'clusterId', type: 'shortstr' },
];

export const PROPERTY_COUNT = 14;
export const PropertyIndex = { HEADERS: 2, DELIVERY_MODE: 3, PRIORITY: 4, REPLY_TO: 6, EXPIRATION: 7 } as const;

export function propertyFlag(index: number): number {
  return 1 << (15 - index);
}

export function shortstrBytes(s: string, field: string): number {
  const n = Buffer.byteLength(s, 'utf8');
  if (n > 255) throw unencodable(`${field} is ${n} bytes of UTF-8; a shortstr holds at most 255`);
  return n;
}
