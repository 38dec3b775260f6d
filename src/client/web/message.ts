// One delivered message: a queue message, a topic record, or an RPC reply. The body is bytes
// (exactly what was published); text() and json() read it as UTF-8.
import type { MessageOp, MessageProperties, RecordOp, ReplyOp } from './protocol.js';
import { decodePayload, utf8Decode } from './payload.js';

export type DeliveryKind = 'message' | 'record' | 'reply';

/** Sends the ack or nack of one delivery (the subscription decides whether a frame is due). */
export type Settle = (op: 'ack' | 'nack', requeue: boolean) => void;

interface DeliveryInit {
  kind: DeliveryKind;
  body: Uint8Array;
  properties: MessageProperties;
  headers: Record<string, unknown>;
  exchange: string;
  routingKey: string;
  redelivered: boolean;
  key: string | null | undefined;
  keyBytes: Uint8Array | null | undefined;
  partition: number | undefined;
  offset: number | undefined;
  timestamp: number | undefined;
}

export class Delivery {
  readonly kind: DeliveryKind;
  readonly body: Uint8Array;
  readonly properties: MessageProperties;
  /** AMQP headers for queue messages and replies, record headers for topic records. */
  readonly headers: Record<string, unknown>;
  readonly exchange: string;
  readonly routingKey: string;
  readonly redelivered: boolean;
  /** Topic records only (undefined otherwise): the key as UTF-8 text; null for a record without a key. */
  readonly key: string | null | undefined;
  /** The key's exact bytes (for binary keys). */
  readonly keyBytes: Uint8Array | null | undefined;
  readonly partition: number | undefined;
  readonly offset: number | undefined;
  /** Topic records only: the record's timestamp in ms since the epoch. */
  readonly timestamp: number | undefined;
  private settle: Settle | undefined;

  private constructor(init: DeliveryInit, settle: Settle | undefined) {
    this.kind = init.kind;
    this.body = init.body;
    this.properties = init.properties;
    this.headers = init.headers;
    this.exchange = init.exchange;
    this.routingKey = init.routingKey;
    this.redelivered = init.redelivered;
    this.key = init.key;
    this.keyBytes = init.keyBytes;
    this.partition = init.partition;
    this.offset = init.offset;
    this.timestamp = init.timestamp;
    this.settle = settle;
  }

  static fromMessage(op: MessageOp, settle: Settle | undefined): Delivery {
    const properties = op.properties ?? {};
    return new Delivery({
      kind: 'message', body: decodePayload(op.payload, op.payloadEncoding), properties, headers: properties.headers ?? {},
      exchange: op.exchange ?? '', routingKey: op.routingKey ?? '', redelivered: op.redelivered === true,
      key: undefined, keyBytes: undefined, partition: undefined, offset: undefined, timestamp: undefined,
    }, settle);
  }

  static fromRecord(op: RecordOp, settle: Settle | undefined): Delivery {
    const keyBytes = op.key === null || op.key === undefined ? null : decodePayload(op.key, op.keyEncoding);
    const key = keyBytes === null ? null : op.keyEncoding === 'base64' ? utf8Decode(keyBytes) : (op.key as string);
    return new Delivery({
      kind: 'record', body: decodePayload(op.value, op.valueEncoding), properties: {}, headers: op.headers ?? {},
      exchange: '', routingKey: '', redelivered: false,
      key, keyBytes, partition: op.partition, offset: op.offset, timestamp: op.timestamp,
    }, settle);
  }

  static fromReply(op: ReplyOp): Delivery {
    const properties = op.properties ?? {};
    return new Delivery({
      kind: 'reply', body: decodePayload(op.payload, op.payloadEncoding), properties, headers: properties.headers ?? {},
      exchange: '', routingKey: '', redelivered: false,
      key: undefined, keyBytes: undefined, partition: undefined, offset: undefined, timestamp: undefined,
    }, undefined);
  }

  /** The body as UTF-8 text. */
  text(): string {
    return utf8Decode(this.body);
  }

  /** The body parsed as JSON. */
  json<T = unknown>(): T {
    return JSON.parse(this.text()) as T;
  }

  /**
   * Settles a queue delivery of a `manual` subscription. A no-op for auto-ack subscriptions,
   * replies, records (their credit is granted by the client), a second call, and deliveries
   * from a socket that has since dropped (the broker has requeued those already).
   */
  ack(): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.('ack', false);
  }

  /** Rejects a queue delivery; `requeue` (default true) puts it back, false drops or dead-letters it. */
  nack(options: { requeue?: boolean } = {}): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.('nack', options.requeue ?? true);
  }
}
