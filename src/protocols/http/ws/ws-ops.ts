// The client-to-server operations of the WebSocket gateway (docs/gateway.md "WebSocket"): one JSON
// text frame each, checked here into typed ops before the session touches the broker. Pure: no
// I/O. Anything malformed throws an HttpError 400 whose message names the field, and the session
// answers it with `error {code: 'bad_request'}` on that socket.
import { DIRECT_REPLY_QUEUE } from '../../../broker/amqp/direct-reply.js';
import { badRequest, HttpError } from '../http-error.js';
import { decodePayload, describe, readEncoding, type ReadEncoding } from '../payload.js';

/** A subscription id or request ref as the client chose it (echoed back unchanged). */
export type ClientRef = string | number;

export type AckMode = 'manual' | 'auto';

export interface QueueSubscribeOp {
  readonly op: 'subscribe';
  readonly kind: 'queue';
  readonly id: ClientRef;
  readonly queue: string;
  readonly vhost: string;
  readonly prefetch: number;
  readonly ack: AckMode;
  readonly encoding: ReadEncoding;
}

export type StartOffset = 'earliest' | 'latest' | number;

export interface TopicSubscribeOp {
  readonly op: 'subscribe';
  readonly kind: 'topic';
  readonly id: ClientRef;
  readonly topic: string;
  readonly partition: number;
  readonly offset: StartOffset;
  readonly prefetch: number;
  readonly ack: AckMode;
  readonly encoding: ReadEncoding;
}

/**
 * A topic read by a consumer group (docs/gateway.md): every partition from the group's committed
 * offset (or `offset` where it has none); acks commit. Manual ack only.
 */
export interface GroupSubscribeOp {
  readonly op: 'subscribe';
  readonly kind: 'group';
  readonly id: ClientRef;
  readonly topic: string;
  readonly group: string;
  /** Where a partition without a committed offset starts. */
  readonly offset: 'earliest' | 'latest';
  readonly prefetch: number;
  readonly encoding: ReadEncoding;
}

export interface PublishFields {
  readonly ref: ClientRef | undefined;
  /** '' for the default exchange (also written `amq.default`). */
  readonly exchange: string;
  readonly vhost: string;
  readonly routingKey: string;
  readonly body: Buffer;
  /** The `properties` object as sent; encoded by properties-json.ts when published. */
  readonly properties: Record<string, unknown>;
  readonly mandatory: boolean;
}

export type ClientOp =
  | QueueSubscribeOp
  | TopicSubscribeOp
  | GroupSubscribeOp
  | { readonly op: 'unsubscribe'; readonly id: ClientRef }
  | { readonly op: 'ack'; readonly id: ClientRef; readonly tag: number }
  | { readonly op: 'nack'; readonly id: ClientRef; readonly tag: number; readonly requeue: boolean }
  | ({ readonly op: 'publish' } & PublishFields)
  | ({ readonly op: 'request'; readonly ref: ClientRef; readonly timeoutMs: number } & PublishFields)
  | { readonly op: 'ping'; readonly ref: ClientRef | undefined };

export const PREFETCH_DEFAULT = 10;
export const PREFETCH_MAX = 10_000;
export const REQUEST_TIMEOUT_DEFAULT_MS = 30_000;
export const REQUEST_TIMEOUT_MAX_MS = 10 * 60_000;
const NAME_CHARS_MAX = 255;

/** What a bad op is answered with: the message, and the id or ref it carried when it had one. */
export class BadOpError extends HttpError {
  readonly ref: ClientRef | undefined;
  readonly id: ClientRef | undefined;

  constructor(message: string, ref: ClientRef | undefined, id: ClientRef | undefined) {
    super(400, 'bad_request', message);
    this.ref = ref;
    this.id = id;
  }
}

/** Parses one text frame; throws BadOpError. */
export function parseClientOp(text: string): ClientOp {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadOpError(`a frame is not JSON (${(err as Error).message}); send one JSON object per text frame`, undefined, undefined);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadOpError(`a frame must be a JSON object with an "op", not ${describe(value)}`, undefined, undefined);
  }
  const o = value as Record<string, unknown>;
  const ref = optionalRef(o.ref);
  const id = optionalRef(o.id);
  try {
    return opOf(o);
  } catch (err) {
    if (err instanceof HttpError) throw new BadOpError(err.message, ref, id);
    throw err;
  }
}

function opOf(o: Record<string, unknown>): ClientOp {
  switch (o.op) {
    case 'subscribe':
      if (o.queue !== undefined && o.topic !== undefined) throw badRequest('subscribe takes either "queue" or "topic", not both');
      if (o.group !== undefined && o.topic === undefined) throw badRequest('"group" goes with "topic": subscribe {topic, group} reads every partition of the topic for the group');
      if (o.queue !== undefined) return queueSubscribe(o);
      if (o.topic !== undefined && o.group !== undefined) return groupSubscribe(o);
      if (o.topic !== undefined) return topicSubscribe(o);
      throw badRequest('subscribe needs "queue" (with "vhost") or "topic" (with "partition" and "offset", or with "group")');
    case 'unsubscribe':
      return { op: 'unsubscribe', id: ref(o.id, 'id') };
    case 'ack':
      return { op: 'ack', id: ref(o.id, 'id'), tag: tag(o.tag) };
    case 'nack':
      return { op: 'nack', id: ref(o.id, 'id'), tag: tag(o.tag), requeue: bool(o.requeue, 'requeue', true) };
    case 'publish':
      return { op: 'publish', ...publishFields(o, optionalRef(o.ref)) };
    case 'request':
      return {
        op: 'request', ...publishFields(o, ref(o.ref, 'ref')), ref: ref(o.ref, 'ref'),
        timeoutMs: int(o.timeoutMs, 'timeoutMs', REQUEST_TIMEOUT_DEFAULT_MS, 1, REQUEST_TIMEOUT_MAX_MS),
      };
    case 'ping':
      return { op: 'ping', ref: optionalRef(o.ref) };
    case undefined:
      throw badRequest('a frame needs an "op": subscribe, unsubscribe, ack, nack, publish, request or ping');
    default:
      throw badRequest(`unknown op ${describe(o.op)}: use subscribe, unsubscribe, ack, nack, publish, request or ping`);
  }
}

function queueSubscribe(o: Record<string, unknown>): QueueSubscribeOp {
  return {
    op: 'subscribe', kind: 'queue', id: ref(o.id, 'id'),
    queue: name(o.queue, 'queue', undefined),
    vhost: name(o.vhost, 'vhost', '/'),
    prefetch: int(o.prefetch, 'prefetch', PREFETCH_DEFAULT, 1, PREFETCH_MAX),
    ack: ackMode(o.ack),
    encoding: readEncoding(o.encoding),
  };
}

function topicSubscribe(o: Record<string, unknown>): TopicSubscribeOp {
  return {
    op: 'subscribe', kind: 'topic', id: ref(o.id, 'id'),
    topic: name(o.topic, 'topic', undefined),
    partition: int(o.partition, 'partition', 0, 0, 0x7fff_ffff),
    offset: startOffset(o.offset),
    prefetch: int(o.prefetch, 'prefetch', PREFETCH_DEFAULT, 1, PREFETCH_MAX),
    ack: ackMode(o.ack),
    encoding: readEncoding(o.encoding),
  };
}

function groupSubscribe(o: Record<string, unknown>): GroupSubscribeOp {
  if (o.partition !== undefined) throw badRequest('subscribe takes either "partition" or "group", not both: a group subscription reads every partition of the topic');
  if (o.ack !== undefined && o.ack !== 'manual') throw badRequest(`a group subscription acks manually (an ack commits the record's offset to the group); ack must be "manual", not ${describe(o.ack)}`);
  const offset = o.offset === undefined ? 'latest' : o.offset;
  if (offset !== 'earliest' && offset !== 'latest') {
    throw badRequest(`offset of a group subscription must be "earliest" or "latest" (where partitions without a committed offset start), not ${describe(o.offset)}`);
  }
  const group = name(o.group, 'group', undefined);
  if (group.length === 0) throw badRequest('group must not be empty');
  return {
    op: 'subscribe', kind: 'group', id: ref(o.id, 'id'),
    topic: name(o.topic, 'topic', undefined),
    group,
    offset,
    prefetch: int(o.prefetch, 'prefetch', PREFETCH_DEFAULT, 1, PREFETCH_MAX),
    encoding: readEncoding(o.encoding),
  };
}

function publishFields(o: Record<string, unknown>, r: ClientRef | undefined): PublishFields {
  const exchange = o.exchange === undefined ? '' : name(o.exchange, 'exchange', '');
  const properties = o.properties;
  if (properties !== undefined && (properties === null || typeof properties !== 'object' || Array.isArray(properties))) {
    throw badRequest(`properties must be an object, not ${describe(properties)}`);
  }
  const p = (properties ?? {}) as Record<string, unknown>;
  // RabbitMQ checks user-id against the authenticated user; the gateway has none to check it against.
  if (p.userId !== undefined) throw badRequest('properties.userId cannot be set over the gateway: it has no authenticated user to check it against');
  if (o.op === 'publish' && p.replyTo === DIRECT_REPLY_QUEUE) {
    throw badRequest(`properties.replyTo ${DIRECT_REPLY_QUEUE} is for the "request" op, which routes the reply back to this socket`);
  }
  return {
    ref: r,
    exchange: exchange === 'amq.default' ? '' : exchange,
    vhost: name(o.vhost, 'vhost', '/'),
    routingKey: name(o.routingKey, 'routingKey', ''),
    body: decodePayload(o.payload, o.payloadEncoding),
    properties: p,
    mandatory: bool(o.mandatory, 'mandatory', false),
  };
}

function startOffset(v: unknown): StartOffset {
  if (v === undefined) return 'latest';
  if (v === 'earliest' || v === 'latest') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw badRequest(`offset must be "earliest", "latest" or an offset ≥ 0, not ${describe(v)}`);
}

function ackMode(v: unknown): AckMode {
  if (v === undefined || v === 'manual') return 'manual';
  if (v === 'auto') return 'auto';
  throw badRequest(`ack must be "manual" or "auto", not ${describe(v)}`);
}

function optionalRef(v: unknown): ClientRef | undefined {
  return (typeof v === 'string' && v.length <= NAME_CHARS_MAX) || (typeof v === 'number' && Number.isFinite(v)) ? v : undefined;
}

function ref(v: unknown, field: string): ClientRef {
  const r = optionalRef(v);
  if (r === undefined) throw badRequest(`${field} must be a string (up to ${NAME_CHARS_MAX} characters) or a number, not ${describe(v)}`);
  return r;
}

function tag(v: unknown): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  throw badRequest(`tag must be the positive integer of a delivery, not ${describe(v)}`);
}

function name(v: unknown, field: string, fallback: string | undefined): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string') throw badRequest(`${field} must be a string, not ${describe(v)}`);
  if (Buffer.byteLength(v, 'utf8') > NAME_CHARS_MAX) throw badRequest(`${field} is longer than ${NAME_CHARS_MAX} bytes of UTF-8 (an AMQP short string)`);
  return v;
}

function int(v: unknown, field: string, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw badRequest(`${field} must be an integer from ${min} to ${max}, not ${describe(v)}`);
  }
  return v;
}

function bool(v: unknown, field: string, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw badRequest(`${field} must be true or false, not ${describe(v)}`);
  return v;
}
