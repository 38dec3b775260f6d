// A message's `headers` property, decoded at most once per message whichever part of the model
// needs it first (headers exchange, consistent-hash on a header, dead-lettering) and cached on
// the message, as the Message contract allows.
import { readHeaders } from '../../formats/amqp/basic-properties.js';
import type { BasicProperties, FieldTable } from '../../formats/amqp/field-types.js';
import type { Message } from './types.js';

/** `decoded`: the message's properties when the caller decoded them anyway (no second scan). */
export function messageHeaders(message: Message, decoded?: BasicProperties): FieldTable | null {
  if (message.headers !== undefined) return message.headers;
  message.headers = decoded === undefined ? readHeaders(message.properties) : decoded.headers ?? null;
  return message.headers;
}
