// A queue subscription of the HTTP gateway (WebSocket `subscribe {queue}` or an SSE stream): a
// QueueConsumer like an AMQP channel's (protocols/amqp/channel.ts). Credit is the prefetch: with
// manual ack, deliveries not yet acked; with auto ack, deliveries whose bytes have not yet left
// for the network (the queue settles them at delivery, as basic.consume no-ack does). Closing
// leaves the queue and requeues what was not acked, as a channel close does.
import type { QueueConsumer, QueueEntry, QueueRef } from '../../../broker/amqp/types.js';
import type { VirtualHost } from '../../../broker/amqp/vhost.js';
import type { AmqpQueue as Queue } from '../../../broker/amqp/model-queue.js';
import { badRequest } from '../http-error.js';
import type { ReadEncoding } from '../payload.js';
import type { DeliverySink } from './delivery-sink.js';
import { messageFrame } from './delivery-json.js';
import type { AckMode, ClientRef } from './ws-ops.js';

export interface QueueSubscriptionSpec {
  readonly id: ClientRef;
  readonly queue: string;
  readonly prefetch: number;
  readonly ack: AckMode;
  readonly encoding: ReadEncoding;
}

let consumerTagCounter = 0;

export class QueueSubscription implements QueueConsumer {
  readonly id: ClientRef;
  readonly tag: string;
  readonly ackRequired: boolean;
  readonly exclusive = false;
  readonly priority = 0;
  readonly connectionId: number;
  private readonly queue: Queue;
  private readonly sink: DeliverySink;
  private readonly prefetch: number;
  private readonly encoding: ReadEncoding;
  /** Delivery tag → entry, manual ack only. */
  private readonly unacked = new Map<number, QueueEntry>();
  /** Auto ack: deliveries sent but not yet written out. */
  private inFlight = 0;
  private closed = false;

  private constructor(queue: Queue, sink: DeliverySink, spec: QueueSubscriptionSpec) {
    this.id = spec.id;
    this.tag = `wharf-gw${sink.connectionId}-${++consumerTagCounter}`;
    this.ackRequired = spec.ack === 'manual';
    this.connectionId = sink.connectionId;
    this.queue = queue;
    this.sink = sink;
    this.prefetch = spec.prefetch;
    this.encoding = spec.encoding;
  }

  /** Joins the queue; NOT_FOUND (no such queue or vhost), RESOURCE_LOCKED or ACCESS_REFUSED (exclusive). */
  static open(vhost: VirtualHost<Queue>, sink: DeliverySink, spec: QueueSubscriptionSpec): QueueSubscription {
    const queue = vhost.queue(spec.queue, sink.connectionId);
    const sub = new QueueSubscription(queue, sink, spec);
    queue.addConsumer(sub);
    return sub;
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  // ---- QueueConsumer ----

  hasCredit(): boolean {
    if (this.closed || !this.sink.writable()) return false;
    return (this.ackRequired ? this.unacked.size : this.inFlight) < this.prefetch;
  }

  deliver(_queue: QueueRef, entry: QueueEntry): void {
    const tag = this.sink.nextTag();
    if (this.ackRequired) {
      this.unacked.set(tag, entry);
      this.sink.send(messageFrame(this.id, tag, entry, this.encoding));
    } else {
      this.inFlight++;
      this.sink.send(messageFrame(this.id, tag, entry, this.encoding), this.written);
    }
  }

  cancelledByServer(): void {
    if (this.closed) return;
    this.closed = true;
    this.requeueUnacked();
    this.sink.subscriptionEnded(this.id, { op: 'cancelled', id: this.id, reason: `queue '${this.queue.name}' was deleted` });
  }

  // ---- client operations ----

  ack(tag: number): void {
    this.queue.ack(this.take(tag));
    this.queue.dispatch();
  }

  /** requeue: back to its place with redelivered=true; otherwise rejected (dead-lettered when the queue has a DLX). */
  nack(tag: number, requeue: boolean): void {
    const entry = this.take(tag);
    if (requeue) this.queue.requeue([entry]);
    else this.queue.reject(entry);
    this.queue.dispatch();
  }

  /** The transport can take more again (socket or response drained). */
  resume(): void {
    if (!this.closed) this.queue.dispatch();
  }

  /** Leaves the queue and requeues every unacked delivery. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.removeConsumer(this);
    this.requeueUnacked();
  }

  private take(tag: number): QueueEntry {
    if (!this.ackRequired) throw badRequest(`subscription ${JSON.stringify(this.id)} acknowledges automatically; ack and nack apply to "ack": "manual" subscriptions`);
    const entry = this.unacked.get(tag);
    if (entry === undefined) throw badRequest(`unknown delivery tag ${tag} for subscription ${JSON.stringify(this.id)} (already settled, or never delivered to it)`);
    this.unacked.delete(tag);
    return entry;
  }

  private requeueUnacked(): void {
    if (this.unacked.size === 0) return;
    const entries = [...this.unacked.values()];
    this.unacked.clear();
    this.queue.requeue(entries);
  }

  private readonly written = (): void => {
    this.inFlight--;
    if (!this.closed && this.inFlight === this.prefetch - 1) this.queue.dispatch();
  };
}
