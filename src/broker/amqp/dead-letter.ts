// Building the message a queue dead-letters (rabbit_dead_letter:publish): the same body and
// properties, republished to the queue's x-dead-letter-exchange with x-dead-letter-routing-key or
// the original routing key, its death recorded in the headers (x-death.ts) and its `expiration`
// property removed (kept as x-death original-expiration), so it does not expire again on the way.
import { decodeBasicProperties, encodeBasicProperties } from '../../formats/amqp/basic-properties.js';
import type { BasicProperties, FieldTable } from '../../formats/amqp/field-types.js';
import { messageHeaders } from './message-headers.js';
import { isDeathCycle, recordDeath } from './x-death.js';
import type { DeadLetterReason, Message } from './types.js';

/** Messages built here: a queue receiving one checks it for a dead-letter cycle. */
const deadLettered = new WeakSet<Message>();

export interface DeadLetterTarget {
  exchange: string;
  /** null keeps the message's own routing key. */
  routingKey: string | null;
}

/** The routing key and CC keys of a message, as x-death routing-keys records them. */
function routingKeysOf(message: Message, headers: FieldTable | null): string[] {
  const keys = [message.routingKey];
  const cc = headers?.get('CC');
  if (cc !== undefined && cc.tag === 'A') for (const v of cc.value) if (v.tag === 'S') keys.push(v.value.toString('utf8'));
  return keys;
}


/** The message to publish to `target` when `queue` dead-letters `message` for `reason`. */
export function deadLetteredMessage(message: Message, reason: DeadLetterReason, queue: string, target: DeadLetterTarget, nowMs: number): Message {
  const props = decodeBasicProperties(message.properties);
  const headers = messageHeaders(message, props);
  const nextHeaders = recordDeath(headers, {
    reason,
    queue,
    exchange: message.exchange,
    routingKeys: routingKeysOf(message, headers),
    nowMs,
    originalExpiration: props.expiration ?? null,
  });
  const nextProps: BasicProperties = { ...props, headers: nextHeaders };
  nextProps.expiration = undefined;
  const out: Message = {
    exchange: target.exchange,
    routingKey: target.routingKey ?? message.routingKey,
    properties: encodeBasicProperties(nextProps),
    body: message.body,
    persistent: message.persistent,
    priority: message.priority,
    expirationMs: -1,
    headers: nextHeaders,
  };
  deadLettered.add(out);
  return out;
}

/**
 * True when `message` is a dead-lettered message that would cycle back into `queue` without a
 * rejection on the way (RabbitMQ drops it for that queue, logging the cycle once).
 */
export function isDeadLetterCycle(queue: string, message: Message): boolean {
  return deadLettered.has(message) && isDeathCycle(queue, message.headers);
}
