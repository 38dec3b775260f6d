// The `/ws` wire protocol of docs/gateway.md ("WebSocket (`/ws`)"), written from the doc: this
// client is an outside client and imports nothing of the broker or the gateway. Every frame is a
// JSON text frame with an `op`.

/** How a payload travels in JSON: UTF-8 text as is, any bytes as base64. */
export type PayloadEncoding = 'string' | 'base64';

/** AMQP basic properties as the gateway spells them in JSON. */
export interface MessageProperties {
  contentType?: string;
  contentEncoding?: string;
  correlationId?: string;
  replyTo?: string;
  deliveryMode?: number;
  priority?: number;
  expiration?: string;
  messageId?: string;
  timestamp?: number;
  type?: string;
  userId?: string;
  appId?: string;
  headers?: Record<string, unknown>;
}

// ---- client to server ----

export interface SubscribeQueueOp {
  op: 'subscribe';
  id: string;
  queue: string;
  vhost: string;
  prefetch?: number;
  ack: 'manual' | 'auto';
}

export interface SubscribeTopicOp {
  op: 'subscribe';
  id: string;
  topic: string;
  partition: number;
  offset: 'earliest' | 'latest' | number;
  prefetch?: number;
}

/** Every partition of a topic for a consumer group: from its committed offsets; acks commit. */
export interface SubscribeGroupOp {
  op: 'subscribe';
  id: string;
  topic: string;
  group: string;
  /** Where partitions without a committed offset start (server default 'latest'). */
  offset?: 'earliest' | 'latest';
  prefetch?: number;
}

export interface UnsubscribeOp {
  op: 'unsubscribe';
  id: string;
}

export interface SettleOp {
  op: 'ack' | 'nack';
  id: string;
  tag: number;
  requeue?: boolean;
}

/** What publish and request carry alike. */
interface OutgoingMessage {
  ref: string;
  exchange: string;
  vhost: string;
  routingKey: string;
  payload: string;
  payloadEncoding: PayloadEncoding;
  properties?: MessageProperties;
}

export interface PublishOp extends OutgoingMessage {
  op: 'publish';
  mandatory?: boolean;
}

export interface RequestOp extends OutgoingMessage {
  op: 'request';
  timeoutMs: number;
}

export interface PingOp {
  op: 'ping';
}

export type ClientOp = SubscribeQueueOp | SubscribeTopicOp | SubscribeGroupOp | UnsubscribeOp | SettleOp | PublishOp | RequestOp | PingOp;

// ---- server to client ----

export interface SubscribedOp {
  op: 'subscribed';
  id: string;
}

/** The answer to `unsubscribe` (sent by the server; nothing waits for it). */
export interface UnsubscribedOp {
  op: 'unsubscribed';
  id: string;
}

export interface MessageOp {
  op: 'message';
  id: string;
  tag: number;
  payload: string;
  payloadEncoding: PayloadEncoding;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  properties?: MessageProperties;
}

export interface RecordOp {
  op: 'record';
  id: string;
  tag: number;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  keyEncoding?: PayloadEncoding | null;
  value: string | null;
  valueEncoding: PayloadEncoding | null;
  /** Text values as strings, binary ones as `{ $base64 }`, null for a header without a value. */
  headers?: Record<string, unknown>;
}

export interface PublishedOp {
  op: 'published';
  ref: string;
  routed: boolean;
}

export interface ReplyOp {
  op: 'reply';
  ref: string;
  payload: string;
  payloadEncoding: PayloadEncoding;
  properties?: MessageProperties;
}

export interface CancelledOp {
  op: 'cancelled';
  id: string;
  reason?: string;
}

export interface ErrorOp {
  op: 'error';
  ref?: string;
  id?: string;
  code: string;
  message: string;
}

export interface PongOp {
  op: 'pong';
}

export type ServerOp = SubscribedOp | UnsubscribedOp | MessageOp | RecordOp | PublishedOp | ReplyOp | CancelledOp | ErrorOp | PongOp;

const SERVER_OPS: ReadonlySet<string> = new Set(['subscribed', 'unsubscribed', 'message', 'record', 'published', 'reply', 'cancelled', 'error', 'pong']);

/**
 * Parses one text frame from the server. Returns undefined for anything that is not a JSON object
 * with a known `op` (a newer server may send ops this client does not know; they are ignored).
 */
export function parseServerOp(text: string): ServerOp | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const op = (value as { op?: unknown }).op;
  if (typeof op !== 'string' || !SERVER_OPS.has(op)) return undefined;
  return value as ServerOp;
}
