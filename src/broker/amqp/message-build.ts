// Builds the broker's Message from a publish, protocol-neutral: an AMQP basic.publish and an HTTP
// or WebSocket publish reach this one function, so routing and queue rules see the same summary.
import { normalizePropertiesForDelivery, readPropertySummary } from '../../formats/amqp/property-list.js';
import type { Message } from './types.js';

/**
 * A Message from encoded basic properties and a body. Reads what the queues need (persistence,
 * priority, expiration) once, and normalises the headers for delivery. Throws MALFORMED for
 * properties that do not parse and PRECONDITION_FAILED for an invalid expiration (RabbitMQ 406).
 * The message keeps `properties` and `body` (no copy): the caller hands over buffers it owns.
 */
export function buildMessage(exchange: string, routingKey: string, properties: Buffer, body: Buffer): Message {
  const summary = readPropertySummary(properties);
  return {
    exchange,
    routingKey,
    properties: normalizePropertiesForDelivery(properties),
    body,
    persistent: summary.persistent,
    priority: summary.priority,
    expirationMs: summary.expirationMs,
  };
}
