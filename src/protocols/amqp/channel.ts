// One AMQP channel: runs its methods strictly in order (a method that waits on the broker, such
// as a durable declare, holds back the frames behind it), assembles published content, and owns
// the channel's consumers, unacked deliveries, prefetch, publisher confirms and transactions.
// Errors with a channel-level code close only this channel (channel.close); others go up to the
// connection.
import type { AmqpQueue } from '../../broker/amqp/model-queue.js';
import type { User } from '../../broker/amqp/users.js';
import type { VirtualHost } from '../../broker/amqp/vhost.js';
import type { DirectReplyRegistration } from '../../broker/amqp/direct-reply.js';
import type { ChannelSnapshot } from '../../broker/connection-registry.js';
import { DIRECT_REPLY_QUEUE } from '../../broker/amqp/direct-reply.js';
import type { QueueEntry, QueueRef } from '../../broker/amqp/types.js';
import { fieldToNumber, tableGet } from '../../formats/amqp/field-table.js';
import type { Logger } from 'pino';
import {
  FrameType, METHOD_SPECS, decodeMethod, encodeDelivery, encodeGetOk,
  type AmqpFrame, type AmqpMethod, type FrameBytes, type MethodOf,
} from './codec/index.js';
import { ChannelConsumer, type ConsumerChannel } from './channel-consumer.js';
import { ChannelPublisher } from './channel-publisher.js';
import { ContentAssembler, type AssembledContent } from './content-assembler.js';
import { AmqpCloseError, ReplyCode, isChannelLevel, replyCodeFor, replyText } from './reply-codes.js';
import { UnackedDeliveries, byQueue, type Unacked } from './unacked-deliveries.js';
import type { MethodDurations } from './method-durations.js';

export interface ChannelHost {
  readonly id: number;
  readonly frameMax: number;
  readonly capabilities: Set<string>;
  readonly vhost: VirtualHost<AmqpQueue> | null;
  readonly user: User | null;
  readonly congested: boolean;
  readonly logger: Logger;
  readonly messageBytesMax: number;
  /** Method durations (metrics), or undefined when methods are not timed. */
  readonly methodDurations: MethodDurations | undefined;
  /** performance.now() at the socket read carrying the frame being handed over (when timed). */
  readonly frameArrivedMs: number;
  send(bytes: FrameBytes): void;
  sendMethod(channel: number, method: AmqpMethod): void;
  onPublish(): void;
  channelClosed(channelId: number): void;
  connectionError(code: number, detail: string, classId?: number, methodId?: number): void;
}

type TxOp =
  | { kind: 'publish'; content: AssembledContent }
  | { kind: 'settle'; tag: number; multiple: boolean; action: SettleAction };

type SettleAction = 'ack' | 'requeue' | 'reject';

let consumerTagCounter = 0;

export class AmqpChannel implements ConsumerChannel {
  readonly id: number;
  private readonly host: ChannelHost;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private readonly assembler: ContentAssembler;
  private readonly publisher: ChannelPublisher;
  private readonly consumers = new Map<string, ChannelConsumer>();
  private readonly unacked = new UnackedDeliveries();
  private deliveryTag = 0;
  private consumerPrefetch = 0;
  private globalPrefetch = 0;
  private flowActive = true;
  private lastQueue = '';
  private busy = false;
  private readonly inbox: AmqpFrame[] = [];
  /** Arrival times of the inbox's frames, index for index, while methods are timed. */
  private readonly inboxArrivedMs: number[] = [];
  /** Arrival of the basic.publish whose content is being assembled. */
  private publishArrivedMs = 0;
  private tx: TxOp[] | null = null;
  private directReply: DirectReplyRegistration | null = null;
  private directReplyTag = '';
  private released = false;
  private idleWaiters: Array<() => void> = [];

  constructor(host: ChannelHost, id: number) {
    this.host = host;
    this.id = id;
    this.assembler = new ContentAssembler(host.messageBytesMax);
    this.publisher = new ChannelPublisher({
      channelId: id,
      host,
      vhost: () => this.vhostOrThrow(),
      directReplyKey: () => this.directReply?.routingKey ?? null,
    });
  }

  onFrame(frame: AmqpFrame): void {
    if (this.state === 'closing') {
      if (frame.type !== FrameType.METHOD) return;
      const m = decodeMethod(frame.payload);
      if (m.name === 'channel.close-ok') this.finishClose();
      else if (m.name === 'channel.close') {
        this.host.sendMethod(this.id, { name: 'channel.close-ok' });
        this.finishClose();
      }
      return;
    }
    if (this.state !== 'open') return;
    if (this.busy) {
      this.inbox.push(frame);
      if (this.host.methodDurations !== undefined) this.inboxArrivedMs.push(this.host.frameArrivedMs);
      return;
    }
    this.process(frame, this.host.frameArrivedMs);
  }

  /** Consumers stalled by socket congestion or flow get another chance. */
  resumeDeliveries(): void {
    for (const c of this.consumers.values()) c.queue.dispatch();
  }

  /** The channel as the management API shows it (src/broker/connection-registry.ts). */
  snapshot(): ChannelSnapshot {
    const consumers = [...this.consumers.values()].map((c) => ({ tag: c.tag, queue: c.queue.name, ackRequired: c.ackRequired, exclusive: c.exclusive, prefetchCount: c.prefetch }));
    return {
      number: this.id, consumerCount: consumers.length, unackedCount: this.unacked.size, prefetchCount: this.consumerPrefetch,
      globalPrefetchCount: this.globalPrefetch, confirm: this.publisher.confirming, transactional: this.tx !== null, consumers,
    };
  }

  /** The connection is going away: give back everything without sending anything. */
  teardown(): void {
    this.release();
    this.state = 'closed';
  }

  // ---- ConsumerChannel ----

  canDeliver(c: ChannelConsumer): boolean {
    if (this.state !== 'open' || !this.flowActive || this.host.congested) return false;
    if (!c.ackRequired) return true;
    if (c.prefetch > 0 && c.unacked >= c.prefetch) return false;
    return this.globalPrefetch === 0 || this.unacked.size < this.globalPrefetch;
  }

  deliver(c: ChannelConsumer, queue: QueueRef, entry: QueueEntry): void {
    const tag = ++this.deliveryTag;
    if (c.ackRequired) {
      this.unacked.add(tag, { queue, entry, consumerTag: c.tag });
      c.unacked++;
    }
    const m = entry.message;
    this.host.send(encodeDelivery(this.id, c.tag, tag, entry.redelivered, m.exchange, m.routingKey, m.properties, m.body, this.host.frameMax));
  }

  cancelledByServer(c: ChannelConsumer): void {
    if (this.consumers.get(c.tag) !== c) return;
    this.consumers.delete(c.tag);
    if (this.state === 'open' && this.host.capabilities.has('consumer_cancel_notify')) {
      this.host.sendMethod(this.id, { name: 'basic.cancel', consumerTag: c.tag, noWait: true });
    }
  }

  // ---- frames and methods ----

  private process(frame: AmqpFrame, arrivedMs: number): void {
    let method: AmqpMethod | null = null;
    try {
      if (frame.type === FrameType.METHOD) {
        method = decodeMethod(frame.payload);
        if (this.assembler.expectingContent) {
          throw new AmqpCloseError(ReplyCode.UNEXPECTED_FRAME, `expected content header or body for basic.publish, got method ${method.name}`);
        }
        const pending = this.onMethod(method);
        if (pending !== undefined) this.wait(pending, method, arrivedMs);
        else this.timeMethod(method.name, arrivedMs);
      } else if (frame.type === FrameType.HEADER) {
        const content = this.assembler.header(frame.payload);
        if (content !== null) this.onContent(content);
      } else if (frame.type === FrameType.BODY) {
        const content = this.assembler.bodyFrame(frame.payload);
        if (content !== null) this.onContent(content);
      } else {
        throw new AmqpCloseError(ReplyCode.UNEXPECTED_FRAME, `unexpected frame type ${frame.type} on channel ${this.id}`);
      }
    } catch (err) {
      this.fail(err, method ?? { name: 'basic.publish', exchange: '', routingKey: '', mandatory: false, immediate: false });
    }
  }

  /** A method without a reply is done when handled; basic.publish once its content is (onContent). */
  private timeMethod(name: string, arrivedMs: number): void {
    const durations = this.host.methodDurations;
    if (durations === undefined) return;
    if (name === 'basic.publish') this.publishArrivedMs = arrivedMs;
    else durations.ended(name, arrivedMs);
  }

  private wait(pending: Promise<void>, method: AmqpMethod, arrivedMs: number): void {
    this.busy = true;
    pending.then(() => {
      this.busy = false;
      this.host.methodDurations?.done(method.name, arrivedMs);
      this.drainInbox();
    }, (err: unknown) => {
      this.busy = false;
      this.fail(err, method);
      this.drainInbox();
    });
  }

  private drainInbox(): void {
    while (this.inbox.length > 0 && !this.busy && this.state === 'open') {
      const arrivedMs = this.inboxArrivedMs.length > 0 ? (this.inboxArrivedMs.shift() as number) : 0;
      this.process(this.inbox.shift() as AmqpFrame, arrivedMs);
    }
    if (this.state !== 'open') {
      this.inbox.length = 0;
      this.inboxArrivedMs.length = 0;
    }
    // Outside a socket read: time what the backlog's methods ended (MethodDurations.settle).
    this.host.methodDurations?.settle();
    if (!this.busy && this.inbox.length === 0) this.notifyIdle();
  }

  /** Settles once every frame received so far has been handled (nothing waits on the broker). */
  idle(): Promise<void> {
    if (!this.busy && this.inbox.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    if (waiters.length === 0) return;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private fail(err: unknown, method: AmqpMethod): void {
    const code = replyCodeFor(err);
    const spec = METHOD_SPECS[method.name];
    const detail = err instanceof Error ? err.message : String(err);
    if (code === ReplyCode.INTERNAL_ERROR) this.host.logger.error({ err, protocol: 'amqp', connection: this.host.id, channel: this.id, method: method.name, user: this.host.user?.name }, 'amqp: internal error in a channel');
    if (isChannelLevel(code)) this.channelError(code, detail, spec.classId, spec.methodId);
    else this.host.connectionError(code, detail, spec.classId, spec.methodId);
  }

  private channelError(code: number, detail: string, classId: number, methodId: number): void {
    if (this.state !== 'open') return;
    this.host.logger.debug({ channel: this.id, replyCode: code, detail }, 'amqp: closing a channel');
    this.host.sendMethod(this.id, { name: 'channel.close', replyCode: code, replyText: replyText(code, detail), classId, methodId });
    this.state = 'closing';
    this.release();
  }

  private finishClose(): void {
    this.release();
    this.state = 'closed';
    this.host.channelClosed(this.id);
  }

  private onMethod(m: AmqpMethod): Promise<void> | undefined {
    const vhost = this.vhostOrThrow();
    const conn = this.host.id;
    switch (m.name) {
      case 'basic.publish':
        this.assembler.start(m.exchange, m.routingKey, m.mandatory);
        this.host.onPublish();
        return undefined;
      case 'basic.ack':
        return this.settle(m.deliveryTag, m.multiple, 'ack');
      case 'basic.nack':
        return this.settle(m.deliveryTag, m.multiple, m.requeue ? 'requeue' : 'reject');
      case 'basic.reject':
        return this.settle(m.deliveryTag, false, m.requeue ? 'requeue' : 'reject');
      case 'basic.consume':
        this.consume(m);
        return undefined;
      case 'basic.cancel':
        this.cancel(m.consumerTag);
        if (!m.noWait) this.host.sendMethod(this.id, { name: 'basic.cancel-ok', consumerTag: m.consumerTag });
        return undefined;
      case 'basic.get':
        this.get(m.queue, m.noAck);
        return undefined;
      case 'basic.qos':
        this.qos(m.prefetchSize, m.prefetchCount, m.global);
        return undefined;
      case 'basic.recover':
      case 'basic.recover-async':
        this.requeueAll();
        if (m.name === 'basic.recover') this.host.sendMethod(this.id, { name: 'basic.recover-ok' });
        return undefined;
      case 'exchange.declare':
        return this.reply(vhost.declareExchange({ name: m.exchange, type: m.type, passive: m.passive, durable: m.durable, autoDelete: m.autoDelete, internal: m.internal, arguments: m.arguments }),
          m.noWait, () => ({ name: 'exchange.declare-ok' }));
      case 'exchange.delete':
        return this.reply(vhost.deleteExchange(m.exchange, m.ifUnused), m.noWait, () => ({ name: 'exchange.delete-ok' }));
      case 'exchange.bind':
        return this.reply(vhost.bindExchange(m.destination, m.source, m.routingKey, m.arguments), m.noWait, () => ({ name: 'exchange.bind-ok' }));
      case 'exchange.unbind':
        return this.reply(vhost.unbindExchange(m.destination, m.source, m.routingKey, m.arguments), m.noWait, () => ({ name: 'exchange.unbind-ok' }));
      case 'queue.declare':
        return this.declareQueue(m);
      case 'queue.bind':
        return this.reply(vhost.bindQueue(this.queueName(m.queue), m.exchange, m.routingKey, m.arguments, conn), m.noWait, () => ({ name: 'queue.bind-ok' }));
      case 'queue.unbind':
        return this.reply(vhost.unbindQueue(this.queueName(m.queue), m.exchange, m.routingKey, m.arguments, conn), false, () => ({ name: 'queue.unbind-ok' }));
      case 'queue.purge':
        return this.reply(vhost.purgeQueue(this.queueName(m.queue), conn), m.noWait, (n) => ({ name: 'queue.purge-ok', messageCount: n }));
      case 'queue.delete':
        return this.reply(vhost.deleteQueue(this.queueName(m.queue), m.ifUnused, m.ifEmpty, conn), m.noWait, (n) => ({ name: 'queue.delete-ok', messageCount: n }));
      case 'confirm.select':
        if (this.tx !== null) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'cannot switch from tx to confirm mode');
        this.publisher.enableConfirms();
        if (!m.noWait) this.host.sendMethod(this.id, { name: 'confirm.select-ok' });
        return undefined;
      case 'tx.select':
        if (this.publisher.confirming) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'cannot switch from confirm to tx mode');
        this.tx ??= [];
        this.host.sendMethod(this.id, { name: 'tx.select-ok' });
        return undefined;
      case 'tx.commit':
        return this.commit();
      case 'tx.rollback':
        if (this.tx === null) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'channel is not transactional');
        this.tx = [];
        this.host.sendMethod(this.id, { name: 'tx.rollback-ok' });
        return undefined;
      case 'channel.flow':
        this.flowActive = m.active;
        this.host.sendMethod(this.id, { name: 'channel.flow-ok', active: m.active });
        if (m.active) this.resumeDeliveries();
        return undefined;
      case 'channel.flow-ok':
        return undefined;
      case 'channel.close':
        this.release();
        this.host.sendMethod(this.id, { name: 'channel.close-ok' });
        this.state = 'closed';
        this.host.channelClosed(this.id);
        return undefined;
      case 'channel.close-ok':
        return undefined;
      case 'channel.open':
        throw new AmqpCloseError(ReplyCode.CHANNEL_ERROR, `second 'channel.open' seen on channel ${this.id}`);
      default:
        throw new AmqpCloseError(ReplyCode.COMMAND_INVALID, `method ${m.name} is not valid from a client on a channel`);
    }
  }

  private reply<T>(work: Promise<T>, noWait: boolean, ok: (value: T) => AmqpMethod): Promise<void> {
    return work.then((value) => {
      if (!noWait && this.state === 'open') this.host.sendMethod(this.id, ok(value));
    });
  }

  private async declareQueue(m: MethodOf<'queue.declare'>): Promise<void> {
    if (m.queue === DIRECT_REPLY_QUEUE) {
      // RabbitMQ answers a declare of the pseudo-queue as if it existed.
      if (!m.noWait) this.host.sendMethod(this.id, { name: 'queue.declare-ok', queue: m.queue, messageCount: 0, consumerCount: 0 });
      return;
    }
    const r = await this.vhostOrThrow().declareQueue({
      name: m.queue, passive: m.passive, durable: m.durable, exclusive: m.exclusive, autoDelete: m.autoDelete, arguments: m.arguments, connectionId: this.host.id,
    });
    this.lastQueue = r.queue.name;
    if (!m.noWait && this.state === 'open') {
      this.host.sendMethod(this.id, { name: 'queue.declare-ok', queue: r.queue.name, messageCount: r.messageCount, consumerCount: r.consumerCount });
    }
  }

  /** AMQP's rule: an empty queue name means the last queue declared on this channel. */
  private queueName(name: string): string {
    if (name !== '') return name;
    if (this.lastQueue === '') throw new AmqpCloseError(ReplyCode.NOT_FOUND, 'no previously declared queue');
    return this.lastQueue;
  }

  private vhostOrThrow(): VirtualHost<AmqpQueue> {
    const v = this.host.vhost;
    if (v === null) throw new AmqpCloseError(ReplyCode.CHANNEL_ERROR, 'channel used before connection.open');
    return v;
  }

  // ---- publishing ----

  private onContent(content: AssembledContent): void {
    if (this.tx !== null) this.tx.push({ kind: 'publish', content });
    else this.publisher.publish(content);
    this.host.methodDurations?.ended('basic.publish', this.publishArrivedMs);
  }

  private async commit(): Promise<void> {
    if (this.tx === null) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'channel is not transactional');
    const ops = this.tx;
    this.tx = [];
    const stored: Promise<void>[] = [];
    for (const op of ops) {
      if (op.kind === 'publish') {
        const s = this.publisher.publish(op.content);
        if (s !== undefined) stored.push(s);
      } else {
        this.applySettle(op.tag, op.multiple, op.action);
      }
    }
    await Promise.all(stored);
    if (this.state === 'open') this.host.sendMethod(this.id, { name: 'tx.commit-ok' });
  }

  // ---- consuming ----

  private consume(m: MethodOf<'basic.consume'>): void {
    const tag = m.consumerTag === '' ? `amq.ctag-wharf-${this.host.id}-${++consumerTagCounter}` : m.consumerTag;
    if (this.consumers.has(tag) || tag === this.directReplyTag) {
      throw new AmqpCloseError(ReplyCode.NOT_ALLOWED, `attempt to reuse consumer tag '${tag}'`);
    }
    const name = this.queueName(m.queue);
    if (name === DIRECT_REPLY_QUEUE) {
      this.consumeDirectReply(tag, m.noAck);
      if (!m.noWait) this.host.sendMethod(this.id, { name: 'basic.consume-ok', consumerTag: tag });
      return;
    }
    const queue = this.vhostOrThrow().queue(name, this.host.id);
    const priority = fieldToNumber(tableGet(m.arguments, 'x-priority')) ?? 0;
    const c = new ChannelConsumer(this, {
      tag, ackRequired: !m.noAck, exclusive: m.exclusive, priority, connectionId: this.host.id, prefetch: this.consumerPrefetch, queue,
    });
    // A stream queue checks the prefetch and reads x-stream-offset from these; a classic queue ignores them.
    queue.addConsumer(c, { arguments: m.arguments, prefetch: this.consumerPrefetch, globalPrefetch: this.globalPrefetch });
    this.consumers.set(tag, c);
    // The queue dispatches in a microtask, so consume-ok still goes out before the first deliver.
    if (!m.noWait) this.host.sendMethod(this.id, { name: 'basic.consume-ok', consumerTag: tag });
  }

  private consumeDirectReply(tag: string, noAck: boolean): void {
    if (!noAck) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'reply consumer cannot acknowledge');
    if (this.directReply !== null) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'reply consumer already set');
    this.directReplyTag = tag;
    this.directReply = this.vhostOrThrow().directReply.register((message) => {
      if (this.state !== 'open') return false;
      const deliveryTag = ++this.deliveryTag;
      this.host.send(encodeDelivery(this.id, tag, deliveryTag, false, message.exchange, message.routingKey, message.properties, message.body, this.host.frameMax));
      return true;
    });
  }

  private cancel(tag: string): void {
    if (tag === this.directReplyTag && this.directReply !== null) {
      this.directReply.unregister();
      this.directReply = null;
      this.directReplyTag = '';
      return;
    }
    const c = this.consumers.get(tag);
    if (c === undefined) return;
    this.consumers.delete(tag);
    c.queue.removeConsumer(c);
  }

  private get(queueName: string, noAck: boolean): void {
    const queue = this.vhostOrThrow().queue(this.queueName(queueName), this.host.id);
    const entry = queue.get(!noAck);
    if (entry === null) {
      this.host.sendMethod(this.id, { name: 'basic.get-empty' });
      return;
    }
    const tag = ++this.deliveryTag;
    if (!noAck) this.unacked.add(tag, { queue, entry, consumerTag: null });
    const m = entry.message;
    this.host.send(encodeGetOk(this.id, tag, entry.redelivered, m.exchange, m.routingKey, queue.messageCount, m.properties, m.body, this.host.frameMax));
  }

  private qos(prefetchSize: number, prefetchCount: number, global: boolean): void {
    if (prefetchSize !== 0) throw new AmqpCloseError(ReplyCode.NOT_IMPLEMENTED, `prefetch_size!=0 (${prefetchSize})`);
    if (global) {
      this.globalPrefetch = prefetchCount;
    } else {
      // RabbitMQ's per-consumer meaning, also applied to the channel's existing consumers so that
      // a client changing its prefetch at runtime (Celery) is obeyed (protocol-matrix §3.5).
      this.consumerPrefetch = prefetchCount;
      for (const c of this.consumers.values()) c.prefetch = prefetchCount;
    }
    this.host.sendMethod(this.id, { name: 'basic.qos-ok' });
    this.resumeDeliveries();
  }

  private settle(tag: number, multiple: boolean, action: SettleAction): undefined {
    if (tag > this.deliveryTag || (!multiple && !this.unacked.has(tag)) || (tag === 0 && !multiple)) {
      throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, `unknown delivery tag ${tag}`);
    }
    if (this.tx !== null) {
      this.tx.push({ kind: 'settle', tag, multiple, action });
      return undefined;
    }
    this.applySettle(tag, multiple, action);
    return undefined;
  }

  private applySettle(tag: number, multiple: boolean, action: SettleAction): void {
    const items = this.unacked.take(tag, multiple);
    if (items === null) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, `unknown delivery tag ${tag}`);
    const refill = this.returnCredit(items);
    if (action === 'ack') for (const u of items) u.queue.ack(u.entry);
    else if (action === 'reject') for (const u of items) u.queue.reject(u.entry);
    else for (const [queue, entries] of byQueue(items)) queue.requeue(entries);
    for (const q of refill) q.dispatch();
  }

  /** Gives credit back to the consumers that held these deliveries; returns the queues to dispatch. */
  private returnCredit(items: readonly Unacked[]): Set<QueueRef> {
    const refill = new Set<QueueRef>();
    for (const u of items) {
      if (u.consumerTag === null) continue;
      const c = this.consumers.get(u.consumerTag);
      if (c === undefined) continue;
      c.unacked--;
      refill.add(c.queue);
    }
    if (this.globalPrefetch > 0) for (const c of this.consumers.values()) refill.add(c.queue);
    return refill;
  }

  private requeueAll(): void {
    const items = this.unacked.takeAll();
    const refill = this.returnCredit(items);
    for (const [queue, entries] of byQueue(items)) queue.requeue(entries);
    for (const q of refill) q.dispatch();
  }

  /** Gives back what the channel holds: consumers leave their queues, unacked deliveries are requeued. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.assembler.reset();
    this.publisher.close();
    this.tx = null;
    this.inbox.length = 0;
    this.inboxArrivedMs.length = 0;
    this.notifyIdle();
    this.directReply?.unregister();
    this.directReply = null;
    const items = this.unacked.takeAll();
    for (const [queue, entries] of byQueue(items)) queue.requeue(entries);
    for (const c of this.consumers.values()) c.queue.removeConsumer(c);
    this.consumers.clear();
  }
}
