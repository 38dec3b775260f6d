// One subscription of a client: a queue consumer, a topic-partition reader or a group's topic
// reader. It outlives the socket: after a reconnect the client sends subscribeOp() again, a queue
// resumes where the broker left it (unacked deliveries were requeued), a topic resumes after the
// last offset handed out, a group where its acks committed (the server keeps the offsets).
import { WharfClientError } from './client-error.js';
import { Delivery, type Settle } from './message.js';
import type { MessageOp, RecordOp, SubscribeGroupOp, SubscribeQueueOp, SubscribeTopicOp } from './protocol.js';

export interface QueueSubscribeOptions {
  queue: string;
  /** Default '/'. */
  vhost?: string;
  /** Unacked deliveries at most (server default 10). */
  prefetch?: number;
  /** 'manual' (default): call ack()/nack() on each delivery; 'auto': the broker settles on send. */
  ack?: 'manual' | 'auto';
}

export interface TopicSubscribeOptions {
  topic: string;
  /** Default 0. */
  partition?: number;
  /** Where to start: 'earliest', 'latest' (default) or an offset. */
  offset?: 'earliest' | 'latest' | number;
  /** Records in flight at most; the client grants credit as the handler finishes each one. */
  prefetch?: number;
  group?: never;
}

/** Every partition of a topic for a consumer group; each record is acked (committed) after its handler. */
export interface GroupSubscribeOptions {
  topic: string;
  group: string;
  /** Where partitions the group has no committed offset for start: 'latest' (default) or 'earliest'. */
  offset?: 'earliest' | 'latest';
  /** Records in flight at most, across the partitions. */
  prefetch?: number;
  partition?: never;
}

export type SubscribeOptions = QueueSubscribeOptions | TopicSubscribeOptions | GroupSubscribeOptions;

/** A handler may return a promise: a topic record's credit is granted once it settles. */
export type DeliveryHandler = (delivery: Delivery) => void | Promise<void>;

/** What a subscription needs from its client. */
export interface SubscriptionLink {
  /** Sends an op if the socket is open; false otherwise. */
  send(op: { op: 'ack' | 'nack' | 'unsubscribe'; id: string; tag?: number; requeue?: boolean }): boolean;
  /** Changes every time a new socket is made; deliveries of an older socket cannot be settled. */
  epoch(): number;
  remove(subscription: Subscription): void;
  handlerFailed(subscription: Subscription, err: unknown): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export class Subscription {
  readonly id: string;
  readonly options: Readonly<SubscribeOptions>;
  /** Resolves when the server first confirms the subscription; rejects with its error. */
  readonly ready: Promise<void>;
  private readonly handler: DeliveryHandler;
  private readonly link: SubscriptionLink;
  private lastOffset: number | undefined = undefined;
  private closed = false;
  private resolveReady: () => void = () => undefined;
  private rejectReady: (err: Error) => void = () => undefined;

  constructor(id: string, options: SubscribeOptions, handler: DeliveryHandler, link: SubscriptionLink) {
    this.id = id;
    this.options = { ...options };
    this.handler = handler;
    this.link = link;
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // A caller that never awaits `ready` must not get an unhandled rejection; one that does still sees it.
    this.ready.catch(() => undefined);
  }

  get active(): boolean {
    return !this.closed;
  }

  /** The offset of the last record handed to the handler (topic subscriptions). */
  get lastOffsetSeen(): number | undefined {
    return this.lastOffset;
  }

  /** The op that (re)creates this subscription on a fresh socket. */
  subscribeOp(): SubscribeQueueOp | SubscribeTopicOp | SubscribeGroupOp {
    const o = this.options;
    if ('queue' in o) {
      const op: SubscribeQueueOp = { op: 'subscribe', id: this.id, queue: o.queue, vhost: o.vhost ?? '/', ack: o.ack ?? 'manual' };
      if (o.prefetch !== undefined) op.prefetch = o.prefetch;
      return op;
    }
    if (o.group !== undefined) {
      // The server resumes a group from its committed offsets: the same op every time.
      const op: SubscribeGroupOp = { op: 'subscribe', id: this.id, topic: o.topic, group: o.group };
      if (o.offset !== undefined) op.offset = o.offset;
      if (o.prefetch !== undefined) op.prefetch = o.prefetch;
      return op;
    }
    const offset = this.lastOffset !== undefined ? this.lastOffset + 1 : (o.offset ?? 'latest');
    const op: SubscribeTopicOp = { op: 'subscribe', id: this.id, topic: o.topic, partition: o.partition ?? 0, offset };
    if (o.prefetch !== undefined) op.prefetch = o.prefetch;
    return op;
  }

  /** Stops deliveries; the broker requeues this subscription's unacked queue messages. */
  unsubscribe(): void {
    if (this.closed) return;
    this.end();
    this.link.send({ op: 'unsubscribe', id: this.id });
  }

  // ---- called by the client ----

  confirmed(): void {
    this.resolveReady();
  }

  /** The server refused or ended the subscription: nothing more will arrive. */
  failed(err: WharfClientError): void {
    this.end();
    this.rejectReady(err);
  }

  onMessage(op: MessageOp): void {
    if (this.closed) return;
    const manual = 'queue' in this.options && (this.options.ack ?? 'manual') === 'manual';
    const delivery = Delivery.fromMessage(op, manual ? this.settler(op.tag) : undefined);
    this.run(delivery, undefined);
  }

  onRecord(op: RecordOp): void {
    if (this.closed) return;
    if (!('group' in this.options && this.options.group !== undefined)) {
      // Records can arrive again after a resubscribe raced with in-flight ones: hand out each offset once.
      // (A group's records that were handed out but not committed come again after a reconnect, by design.)
      if (this.lastOffset !== undefined && op.offset <= this.lastOffset) return;
      this.lastOffset = op.offset;
    }
    // The ack grants credit; for a group subscription it also commits the record's offset.
    const grant = this.settler(op.tag);
    this.run(Delivery.fromRecord(op, undefined), () => grant('ack', false));
  }

  private end(): void {
    this.closed = true;
    this.link.remove(this);
  }

  private settler(tag: number): Settle {
    const epoch = this.link.epoch();
    return (op, requeue) => {
      if (this.closed || this.link.epoch() !== epoch) return;
      this.link.send(op === 'ack' ? { op, id: this.id, tag } : { op, id: this.id, tag, requeue });
    };
  }

  private run(delivery: Delivery, after: (() => void) | undefined): void {
    let result: unknown;
    try {
      result = this.handler(delivery);
    } catch (err) {
      this.link.handlerFailed(this, err);
      after?.();
      return;
    }
    if (!isThenable(result)) {
      after?.();
      return;
    }
    result.then(
      () => after?.(),
      (err: unknown) => {
        this.link.handlerFailed(this, err);
        after?.();
      },
    );
  }
}
