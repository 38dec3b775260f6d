// POST /v1/queues/{vhost}/{queue}/get: up to `count` messages, as basic.get would give them. With
// ack:true (the default) they are acknowledged once the answer is built; with ack:false they are
// requeued right after reading (marked redelivered), so the request only peeks.
import type { QueueEntry } from '../../../broker/amqp/types.js';
import { jsonObject, parseJson, readBody } from '../body.js';
import { badRequest } from '../http-error.js';
import { messageFields, type MessageFields } from '../delivery-fields.js';
import { describe, readEncoding, type ReadEncoding } from '../payload.js';
import { vhostNamed, type RouteAnswer, type RouteRequest } from './route.js';

/**
 * The connection id HTTP requests act as in the AMQP model: no AMQP connection has it (those
 * count up from 1), so an exclusive queue of a connection answers 409 resource_locked.
 */
export const HTTP_CONNECTION_ID = -2;
export const GET_COUNT_MAX = 1000;
const GET_BODY_BYTES_MAX = 64 * 1024;
const FIELDS = ['count', 'ack', 'encoding'] as const;

export interface GotMessage extends MessageFields {
  /** Messages left in the queue after this one was taken (basic.get-ok message-count). */
  messageCount: number;
}

export async function queueGetRoute(r: RouteRequest): Promise<RouteAnswer> {
  const [vhostName, queueName] = r.params as [string, string];
  const o = jsonObject(parseJson(await readBody(r.req, Math.min(GET_BODY_BYTES_MAX, r.deps.config.httpBodyBytesMax))), FIELDS, 'the get body');
  const count = o.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > GET_COUNT_MAX) {
    throw badRequest(`count must be an integer from 1 to ${GET_COUNT_MAX}, not ${describe(count)}`);
  }
  const ack = o.ack ?? true;
  if (typeof ack !== 'boolean') throw badRequest(`ack must be true or false, not ${describe(ack)}`);
  const encoding = readEncoding(o.encoding);
  const queue = vhostNamed(r.deps, vhostName).queue(queueName, HTTP_CONNECTION_ID);
  const entries: QueueEntry[] = [];
  const messages: GotMessage[] = [];
  try {
    for (let i = 0; i < count; i++) {
      // Taken as unacked either way, so a failure below requeues rather than loses it.
      const entry = queue.get(true);
      if (entry === null) break;
      entries.push(entry);
      messages.push(gotMessage(entry, queue.messageCount, encoding));
    }
  } catch (err) {
    queue.requeue(entries);
    throw err;
  }
  if (ack) for (const entry of entries) queue.ack(entry);
  else queue.requeue(entries);
  return { status: 200, body: { messages } };
}

function gotMessage(entry: QueueEntry, messageCount: number, encoding: ReadEncoding): GotMessage {
  return { ...messageFields(entry, encoding), messageCount };
}
