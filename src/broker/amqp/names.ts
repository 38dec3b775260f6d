// Naming rules: names beginning `amq.` are reserved to the server (AMQP 0-9-1 exchange.declare and
// queue.declare rules), and a queue declared with an empty name gets `amq.gen-` and 128 random
// bits in base64url, as RabbitMQ's rabbit_guid does, so names never repeat and cannot be guessed.
import { randomBytes } from 'node:crypto';
import { BrokerErrorCode, brokerError } from '../broker-errors.js';

export const RESERVED_PREFIX = 'amq.';
export const SERVER_NAMED_PREFIX = 'amq.gen-';

export function serverNamedQueue(): string {
  return SERVER_NAMED_PREFIX + randomBytes(16).toString('base64url');
}

/** ACCESS_REFUSED for creating an `amq.` name; passive declares and existing exchanges are not checked. */
export function checkNotReserved(kind: 'exchange' | 'queue', name: string): void {
  if (name.startsWith(RESERVED_PREFIX)) {
    throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `${kind} name '${name}' contains reserved prefix 'amq.*'`);
  }
}
