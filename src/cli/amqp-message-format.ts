// How `wharf get` prints a message.
//   text  exchange=logs routing-key=app.error redelivered=false properties={content-type=text/plain, delivery-mode=2} headers={source=cli} body=disk full
//         one line per message for people: control characters escaped, body last so it may hold spaces.
//   json  one object per line for scripts: properties in camelCase, headers as a plain object,
//         the body as UTF-8 text (or base64 with "bodyEncoding": "base64" when it is not UTF-8).
//   body  the body's bytes as they are, then "\n": what `wharf publish --lines` reads back.
import type { GetResult } from '../client/amqp/amqp-channel.js';
import type { BasicProperties, FieldTable, FieldValue } from '../formats/amqp/field-types.js';
import { escapeControl } from './record-format.js';

export const MESSAGE_FORMATS = ['text', 'json', 'body'] as const;
export type MessageFormat = (typeof MESSAGE_FORMATS)[number];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function decimal(scale: number, value: number): number {
  return value / 10 ** scale;
}

/** A field value for people: strings as text, bytes in hex, arrays in [], tables in {}. */
export function fieldValueText(v: FieldValue): string {
  switch (v.tag) {
    case 'S': return escapeControl(v.value.toString('utf8'));
    case 'x': return `0x${v.value.toString('hex')}`;
    case 'A': return `[${v.value.map(fieldValueText).join(', ')}]`;
    case 'F': return `{${tableText(v.value)}}`;
    case 'D': return String(decimal(v.value.scale, v.value.value));
    case 'V': return '(void)';
    default: return String(v.value);
  }
}

export function tableText(t: FieldTable): string {
  return [...t].map(([k, v]) => `${escapeControl(k)}=${fieldValueText(v)}`).join(', ');
}

/** A field value as plain JSON: 64-bit integers beyond 2^53 and bytes become strings (bytes in base64). */
export function fieldValueJson(v: FieldValue): Json {
  switch (v.tag) {
    case 'S': return v.value.toString('utf8');
    case 'x': return v.value.toString('base64');
    case 'A': return v.value.map(fieldValueJson);
    case 'F': return tableJson(v.value);
    case 'D': return decimal(v.value.scale, v.value.value);
    case 'V': return null;
    case 'l': case 'L': case 'T': return typeof v.value === 'bigint' ? v.value.toString() : v.value;
    default: return v.value;
  }
}

export function tableJson(t: FieldTable): { [key: string]: Json } {
  const o: { [key: string]: Json } = {};
  for (const [k, v] of t) o[k] = fieldValueJson(v);
  return o;
}

const PROPERTY_LABELS: readonly [Exclude<keyof BasicProperties, 'headers'>, string][] = [
  ['contentType', 'content-type'], ['contentEncoding', 'content-encoding'], ['deliveryMode', 'delivery-mode'], ['priority', 'priority'],
  ['correlationId', 'correlation-id'], ['replyTo', 'reply-to'], ['expiration', 'expiration'], ['messageId', 'message-id'],
  ['timestamp', 'timestamp'], ['type', 'type'], ['userId', 'user-id'], ['appId', 'app-id'], ['clusterId', 'cluster-id'],
];

function propertyText(name: keyof BasicProperties, v: string | number): string {
  if (name === 'timestamp' && typeof v === 'number') {
    const d = new Date(v * 1000);
    return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
  }
  return typeof v === 'string' ? escapeControl(v) : String(v);
}

function isUtf8(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

/** The message in `format`, newline included. */
export function formatMessage(m: GetResult, format: MessageFormat): string | Buffer {
  if (format === 'body') return Buffer.concat([m.body, Buffer.from('\n')]);
  const p = m.properties;
  if (format === 'json') {
    const properties: { [key: string]: Json } = {};
    for (const [name] of PROPERTY_LABELS) {
      const v = p[name];
      if (v !== undefined) properties[name] = v;
    }
    const utf8 = isUtf8(m.body);
    return JSON.stringify({
      exchange: m.exchange, routingKey: m.routingKey, redelivered: m.redelivered, messageCount: m.messageCount,
      properties, headers: p.headers === undefined ? {} : tableJson(p.headers),
      body: utf8 ? m.body.toString('utf8') : m.body.toString('base64'), ...(utf8 ? {} : { bodyEncoding: 'base64' }),
    }) + '\n';
  }
  const props = PROPERTY_LABELS.filter(([name]) => p[name] !== undefined).map(([name, label]) => `${label}=${propertyText(name, p[name] as string | number)}`);
  return `exchange=${escapeControl(m.exchange)} routing-key=${escapeControl(m.routingKey)} redelivered=${m.redelivered} `
    + `properties={${props.join(', ')}} headers={${p.headers === undefined ? '' : tableText(p.headers)}} body=${escapeControl(m.body.toString('utf8'))}\n`;
}
