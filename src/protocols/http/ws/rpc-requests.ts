// The RPC half of a WebSocket session (`request` → `reply`): RabbitMQ's direct reply-to. The
// session registers one reply consumer per vhost it sends requests in; each request is published
// with `reply_to` = that consumer's key and a fresh `correlation_id`, so a worker written for
// RabbitMQ RPC answers it unchanged, and the answer reaches this socket only (the key is random).
// Replies are matched to the waiting request by correlation id; unknown ids (late replies after a
// timeout, a worker's mistake) are dropped.
import { randomBytes } from 'node:crypto';
import type { DirectReplyRegistration } from '../../../broker/amqp/direct-reply.js';
import type { Message } from '../../../broker/amqp/types.js';
import type { VirtualHost } from '../../../broker/amqp/vhost.js';
import type { AmqpQueue as Queue } from '../../../broker/amqp/model-queue.js';
import { decodeBasicProperties } from '../../../formats/amqp/basic-properties.js';
import { encodePayload } from '../payload.js';
import { propertiesToJson } from '../properties-json.js';
import type { ClientRef } from './ws-ops.js';

/** Requests one socket may have waiting for replies at once. */
export const PENDING_REQUESTS_MAX = 1000;

interface PendingRequest {
  readonly ref: ClientRef;
  readonly timer: NodeJS.Timeout;
}

export interface RpcHost {
  /** False once the socket is closing: replies are then refused (unroutable for the worker). */
  isOpen(): boolean;
  send(frame: object): void;
}

export class RpcRequests {
  private readonly host: RpcHost;
  /** vhost name → this socket's reply consumer in it. */
  private readonly consumers = new Map<string, DirectReplyRegistration>();
  private readonly pending = new Map<string, PendingRequest>();
  private readonly idPrefix = randomBytes(9).toString('base64url');
  private lastId = 0;

  constructor(host: RpcHost) {
    this.host = host;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The reply-to key for requests in `vhost`, registering the reply consumer on first use. */
  replyTo(vhost: VirtualHost<Queue>): string {
    let reg = this.consumers.get(vhost.name);
    if (reg === undefined) {
      reg = vhost.directReply.register((message) => this.onReply(message));
      this.consumers.set(vhost.name, reg);
    }
    return reg.routingKey;
  }

  /** Starts waiting for the reply to `ref`; returns the correlation id to publish with. */
  wait(ref: ClientRef, timeoutMs: number): string {
    const correlationId = `${this.idPrefix}.${++this.lastId}`;
    const timer = setTimeout(() => {
      if (!this.pending.delete(correlationId)) return;
      this.host.send({ op: 'error', ref, code: 'timeout', message: `no reply within ${timeoutMs} ms` });
    }, timeoutMs);
    this.pending.set(correlationId, { ref, timer });
    return correlationId;
  }

  /** Stops waiting (the publish failed); true when it was still waiting. */
  forget(correlationId: string): boolean {
    const p = this.pending.get(correlationId);
    if (p === undefined) return false;
    clearTimeout(p.timer);
    this.pending.delete(correlationId);
    return true;
  }

  close(): void {
    for (const reg of this.consumers.values()) reg.unregister();
    this.consumers.clear();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  private onReply(message: Message): boolean {
    if (!this.host.isOpen()) return false;
    let correlationId: string | undefined;
    try {
      correlationId = decodeBasicProperties(message.properties).correlationId;
    } catch {
      return true; // unreadable properties: dropped, like an unknown correlation id
    }
    const p = correlationId === undefined ? undefined : this.pending.get(correlationId);
    if (p === undefined) return true;
    this.forget(correlationId as string);
    const { payload, payloadEncoding } = encodePayload(message.body, 'auto');
    this.host.send({ op: 'reply', ref: p.ref, payload, payloadEncoding, properties: propertiesToJson(message.properties) });
    return true;
  }
}
