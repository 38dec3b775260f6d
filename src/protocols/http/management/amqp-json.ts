// AMQP values in the management API's JSON: x-arguments as plain objects, and basic properties
// under RabbitMQ's snake_case names (delivery_mode, content_type, headers, …), converted to and
// from the camelCase forms of properties-json.ts, which the /v1 gateway uses.
import type { FieldTable } from '../../../formats/amqp/field-types.js';
import { describe } from '../payload.js';
import { headersFromJson, propertiesFromJson, propertiesToJson, tableToJson } from '../properties-json.js';
import { badRequest } from './mgmt-error.js';

const SNAKE_TO_CAMEL: Readonly<Record<string, string>> = {
  content_type: 'contentType', content_encoding: 'contentEncoding', headers: 'headers', delivery_mode: 'deliveryMode',
  priority: 'priority', correlation_id: 'correlationId', reply_to: 'replyTo', expiration: 'expiration', message_id: 'messageId',
  timestamp: 'timestamp', type: 'type', user_id: 'userId', app_id: 'appId', cluster_id: 'clusterId',
};
const CAMEL_TO_SNAKE: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SNAKE_TO_CAMEL).map(([s, c]) => [c, s]));

/** x-arguments from a JSON object (absent: none). */
export function argumentsFromJson(v: unknown): FieldTable {
  if (v === undefined || v === null || v === '') return new Map();
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`arguments must be a JSON object, not ${describe(v)}`);
  return headersFromJson(v);
}

export function argumentsToJson(table: FieldTable): Record<string, unknown> {
  return tableToJson(table);
}

/** Encoded basic properties from RabbitMQ's JSON form; delivery_mode and priority may be strings. */
export function propertiesFromMgmtJson(v: unknown): Buffer {
  if (v === undefined || v === null || v === '') return propertiesFromJson(undefined);
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`properties must be a JSON object, not ${describe(v)}`);
  const camel: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    const name = SNAKE_TO_CAMEL[key];
    if (name === undefined) throw badRequest(`properties.${key} is not a basic property; use ${Object.keys(SNAKE_TO_CAMEL).join(', ')}`);
    const numeric = (name === 'deliveryMode' || name === 'priority' || name === 'timestamp') && typeof value === 'string' && /^[0-9]{1,15}$/.test(value);
    camel[name] = numeric ? Number(value) : value;
  }
  return propertiesFromJson(camel);
}

export function propertiesToMgmtJson(properties: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(propertiesToJson(properties))) out[CAMEL_TO_SNAKE[key] ?? key] = value;
  return out;
}
