// One channel of the CLI's AMQP client: synchronous methods answered in order (§2.2.4, a channel's
// replies come in request order), content assembly for basic.get-ok and basic.return, publishing
// with publisher confirms (RabbitMQ's confirm extension: acks and nacks by delivery tag, possibly
// `multiple`), and the close handshake. A channel.close from the broker fails the request it
// answers with an AmqpClientError naming what was being done.
import { decodeBasicProperties } from '../../formats/amqp/basic-properties.js';
import type { BasicProperties, FieldTable } from '../../formats/amqp/field-types.js';
import {
  FrameType, decodeContentHeader, decodeMethod, encodeContentFrames, encodeMethodFrame, type AmqpFrame, type AmqpMethod,
} from '../../protocols/amqp/codec/index.js';
import { ClientError, ClientErrorCode } from '../client-errors.js';
import { closeError, methodName, type OperationContext } from './amqp-client-errors.js';

export interface ChannelHost {
  readonly peer: string;
  readonly vhost: string;
  readonly frameMax: number;
  readonly requestTimeoutMs: number;
  write(bytes: Buffer): boolean;
  drained(): Promise<void>;
  channelClosed(id: number): void;
}

/** A message read with basic.get. */
export interface GetResult {
  readonly deliveryTag: number;
  readonly redelivered: boolean;
  readonly exchange: string;
  readonly routingKey: string;
  /** Messages left in the queue after this one. */
  readonly messageCount: number;
  readonly properties: BasicProperties;
  readonly body: Buffer;
}

/** A mandatory message the broker could not route (basic.return). */
export interface ReturnedMessage {
  readonly replyCode: number;
  readonly replyText: string;
  readonly exchange: string;
  readonly routingKey: string;
  readonly properties: BasicProperties;
  readonly body: Buffer;
}

export interface PublishStats {
  published: number;
  acked: number;
  ackedBodyBytes: number;
  nacked: number;
  returned: number;
}

/** Bodies above this are refused rather than buffered (RabbitMQ's max_message_size is 128 MiB). */
export const BODY_BYTES_MAX = 512 * 1024 * 1024;

interface Pending {
  readonly expect: readonly string[];
  readonly ctx: OperationContext;
  readonly deadlineMs: number;
  readonly resolve: (m: AmqpMethod, content: GetResult | null) => void;
  readonly reject: (err: Error) => void;
}

interface Incoming {
  readonly method: AmqpMethod;
  properties: BasicProperties | null;
  body: Buffer;
  filled: number;
}

export const exchangeLabel = (name: string): string => (name === '' ? 'the default exchange' : `exchange ${name}`);

export class AmqpClientChannel {
  readonly stats: PublishStats = { published: 0, acked: 0, ackedBodyBytes: 0, nacked: 0, returned: 0 };
  /** Called for each basic.return, before the message's confirm. */
  onReturn: ((message: ReturnedMessage) => void) | null = null;
  /** What publishes on this channel are doing, for a channel.close that answers a basic.publish. */
  publishContext: OperationContext | null = null;
  private pending: (Pending | undefined)[] = [];
  private head = 0;
  private incoming: Incoming | null = null;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private failure: Error | null = null;
  private confirming = false;
  private nextPublishTag = 1;
  /** Delivery tag → body bytes of publishes not yet confirmed, in publish order. */
  private readonly unconfirmed = new Map<number, number>();
  private confirmWaiters: (() => void)[] = [];

  constructor(private readonly host: ChannelHost, readonly id: number) {}

  get unconfirmedCount(): number {
    return this.unconfirmed.size;
  }

  /** The context of the oldest request waiting for an answer, or null. */
  currentContext(): OperationContext | null {
    return this.pending[this.head]?.ctx ?? null;
  }

  /** Sends a synchronous method and resolves with the reply whose name is in `expect`. */
  call(method: AmqpMethod, expect: readonly string[], ctx: OperationContext): Promise<AmqpMethod> {
    return this.request(method, expect, ctx).then(([m]) => m);
  }

  private request(method: AmqpMethod, expect: readonly string[], ctx: OperationContext): Promise<[AmqpMethod, GetResult | null]> {
    return new Promise((resolve, reject) => {
      if (this.failure !== null) {
        reject(this.failure);
        return;
      }
      this.pending.push({ expect, ctx, deadlineMs: Date.now() + this.host.requestTimeoutMs, resolve: (m, c) => resolve([m, c]), reject });
      this.host.write(encodeMethodFrame(this.id, method));
    });
  }

  async declareQueue(queue: string, options: { passive?: boolean; durable?: boolean; autoDelete?: boolean; exclusive?: boolean; arguments?: FieldTable } = {}): Promise<{ queue: string; messageCount: number; consumerCount: number }> {
    const m = await this.call({
      name: 'queue.declare', queue, passive: options.passive ?? false, durable: options.durable ?? false, exclusive: options.exclusive ?? false,
      autoDelete: options.autoDelete ?? false, noWait: false, arguments: options.arguments ?? new Map(),
    }, ['queue.declare-ok'], { what: `${options.passive === true ? 'checking' : 'declaring'} queue ${queue}`, method: 'queue.declare', queue, vhost: this.host.vhost });
    if (m.name !== 'queue.declare-ok') throw new Error('unreachable');
    return { queue: m.queue, messageCount: m.messageCount, consumerCount: m.consumerCount };
  }

  /** Deletes a queue; resolves with the number of messages it held. */
  async deleteQueue(queue: string, options: { ifUnused?: boolean; ifEmpty?: boolean } = {}): Promise<number> {
    const conditions = [options.ifUnused === true ? '--if-unused' : '', options.ifEmpty === true ? '--if-empty' : ''].filter((c) => c !== '').join(' and ');
    const m = await this.call({ name: 'queue.delete', queue, ifUnused: options.ifUnused ?? false, ifEmpty: options.ifEmpty ?? false, noWait: false },
      ['queue.delete-ok'], { what: `deleting queue ${queue}`, method: 'queue.delete', queue, vhost: this.host.vhost, conditions: conditions === '' ? undefined : conditions });
    return m.name === 'queue.delete-ok' ? m.messageCount : 0;
  }

  /** Removes a queue's ready messages; resolves with how many. */
  async purgeQueue(queue: string): Promise<number> {
    const m = await this.call({ name: 'queue.purge', queue, noWait: false }, ['queue.purge-ok'], { what: `purging queue ${queue}`, method: 'queue.purge', queue, vhost: this.host.vhost });
    return m.name === 'queue.purge-ok' ? m.messageCount : 0;
  }

  async declareExchange(exchange: string, type: string, options: { passive?: boolean; durable?: boolean; autoDelete?: boolean; internal?: boolean; arguments?: FieldTable } = {}): Promise<void> {
    await this.call({
      name: 'exchange.declare', exchange, type, passive: options.passive ?? false, durable: options.durable ?? false, autoDelete: options.autoDelete ?? false,
      internal: options.internal ?? false, noWait: false, arguments: options.arguments ?? new Map(),
    }, ['exchange.declare-ok'], { what: `${options.passive === true ? 'checking' : 'declaring'} exchange ${exchange}`, method: 'exchange.declare', exchange, vhost: this.host.vhost });
  }

  async deleteExchange(exchange: string, options: { ifUnused?: boolean } = {}): Promise<void> {
    await this.call({ name: 'exchange.delete', exchange, ifUnused: options.ifUnused ?? false, noWait: false }, ['exchange.delete-ok'],
      { what: `deleting exchange ${exchange}`, method: 'exchange.delete', exchange, vhost: this.host.vhost, conditions: options.ifUnused === true ? '--if-unused' : undefined });
  }

  async bindQueue(queue: string, exchange: string, routingKey: string, args: FieldTable = new Map()): Promise<void> {
    await this.call({ name: 'queue.bind', queue, exchange, routingKey, noWait: false, arguments: args }, ['queue.bind-ok'],
      { what: `binding queue ${queue} to ${exchangeLabel(exchange)}`, method: 'queue.bind', queue, exchange, vhost: this.host.vhost });
  }

  async unbindQueue(queue: string, exchange: string, routingKey: string, args: FieldTable = new Map()): Promise<void> {
    await this.call({ name: 'queue.unbind', queue, exchange, routingKey, arguments: args }, ['queue.unbind-ok'],
      { what: `unbinding queue ${queue} from ${exchangeLabel(exchange)}`, method: 'queue.unbind', queue, exchange, vhost: this.host.vhost });
  }

  async bindExchange(destination: string, source: string, routingKey: string, args: FieldTable = new Map()): Promise<void> {
    await this.call({ name: 'exchange.bind', destination, source, routingKey, noWait: false, arguments: args }, ['exchange.bind-ok'],
      { what: `binding exchange ${destination} to ${exchangeLabel(source)}`, method: 'exchange.bind', exchange: source, vhost: this.host.vhost });
  }

  async unbindExchange(destination: string, source: string, routingKey: string, args: FieldTable = new Map()): Promise<void> {
    await this.call({ name: 'exchange.unbind', destination, source, routingKey, noWait: false, arguments: args }, ['exchange.unbind-ok'],
      { what: `unbinding exchange ${destination} from ${exchangeLabel(source)}`, method: 'exchange.unbind', exchange: source, vhost: this.host.vhost });
  }

  /** basic.get: the next message, or null when the queue has none ready. */
  async get(queue: string, noAck: boolean): Promise<GetResult | null> {
    const [, content] = await this.request({ name: 'basic.get', queue, noAck }, ['basic.get-ok', 'basic.get-empty'],
      { what: `getting a message from queue ${queue}`, method: 'basic.get', queue, vhost: this.host.vhost });
    return content;
  }

  ack(deliveryTag: number, multiple = false): void {
    this.host.write(encodeMethodFrame(this.id, { name: 'basic.ack', deliveryTag, multiple }));
  }

  nack(deliveryTag: number, multiple: boolean, requeue: boolean): void {
    this.host.write(encodeMethodFrame(this.id, { name: 'basic.nack', deliveryTag, multiple, requeue }));
  }

  /** Puts the channel in confirm mode: every later publish is acked or nacked by the broker. */
  async confirmSelect(): Promise<void> {
    await this.call({ name: 'confirm.select', noWait: false }, ['confirm.select-ok'], { what: 'enabling publisher confirms', method: 'confirm.select', vhost: this.host.vhost });
    this.confirming = true;
  }

  /**
   * Sends one message (basic.publish, content header, body frames). `properties` are encoded
   * basic properties (encodeBasicProperties), shared by every message of a run. Returns false
   * when the socket buffer is full: wait for `drained()` before sending more.
   */
  publish(exchange: string, routingKey: string, mandatory: boolean, properties: Buffer, body: Buffer): boolean {
    if (this.failure !== null) throw this.failure;
    if (body.length > BODY_BYTES_MAX) throw new ClientError(ClientErrorCode.PROTOCOL, `a message of ${body.length} bytes is over the ${BODY_BYTES_MAX}-byte limit of the wharf tools`);
    const method = encodeMethodFrame(this.id, { name: 'basic.publish', exchange, routingKey, mandatory, immediate: false });
    const content = encodeContentFrames(this.id, properties, body, this.host.frameMax);
    if (this.confirming) this.unconfirmed.set(this.nextPublishTag++, body.length);
    this.stats.published += 1;
    this.host.write(method);
    return this.host.write(content);
  }

  /** Resolves when the socket can take more and fewer than `limit` publishes await their confirm. */
  async room(limit: number): Promise<void> {
    await this.host.drained();
    while (this.failure === null && this.unconfirmed.size >= limit) await new Promise<void>((resolve) => this.confirmWaiters.push(resolve));
    if (this.failure !== null) throw this.failure;
  }

  /** Resolves once every publish so far is acked or nacked (check `stats`); rejects if the channel fails. */
  async waitForConfirms(): Promise<void> {
    while (this.failure === null && this.unconfirmed.size > 0) await new Promise<void>((resolve) => this.confirmWaiters.push(resolve));
    if (this.failure !== null) throw this.failure;
  }

  /** channel.close → close-ok: everything sent before it (acks included) has been handled by the broker. */
  async close(): Promise<void> {
    if (this.state !== 'open' || this.failure !== null) return;
    this.state = 'closing';
    try {
      await this.call({ name: 'channel.close', replyCode: 200, replyText: 'Goodbye', classId: 0, methodId: 0 }, ['channel.close-ok'],
        { what: `closing channel ${this.id}`, method: 'channel.close', vhost: this.host.vhost });
    } finally {
      this.state = 'closed';
      this.host.channelClosed(this.id);
    }
  }

  /** The request whose deadline has passed, for the connection's timer; null when none. */
  overdue(now: number): string | null {
    const p = this.pending[this.head];
    return p !== undefined && p.deadlineMs <= now ? p.ctx.what : null;
  }

  connectionFailed(err: Error): void {
    this.failChannel(err);
    this.state = 'closed';
  }

  onFrame(frame: AmqpFrame): void {
    if (this.state === 'closed') return;
    if (frame.type === FrameType.METHOD) {
      if (this.incoming !== null) return this.protocolError(`a method frame arrived in the middle of a message's content on channel ${this.id}`);
      this.onMethod(decodeMethod(frame.payload));
    } else if (frame.type === FrameType.HEADER) {
      this.onContentHeader(frame.payload);
    } else if (frame.type === FrameType.BODY) {
      this.onBody(frame.payload);
    }
  }

  private onMethod(m: AmqpMethod): void {
    switch (m.name) {
      case 'channel.close': {
        this.host.write(encodeMethodFrame(this.id, { name: 'channel.close-ok' }));
        const failed = methodName(m.classId, m.methodId);
        const ctx = this.currentContext()
          ?? (failed === 'basic.publish' ? this.publishContext : null)
          ?? { what: failed === '' ? `channel ${this.id}` : failed, method: failed, vhost: this.host.vhost };
        this.failChannel(closeError(ctx, m.replyCode, m.replyText, m.classId, m.methodId, false));
        this.state = 'closed';
        this.host.channelClosed(this.id);
        return;
      }
      case 'basic.ack':
        return this.settle(m.deliveryTag, m.multiple, true);
      case 'basic.nack':
        return this.settle(m.deliveryTag, m.multiple, false);
      case 'basic.get-ok':
      case 'basic.return':
      case 'basic.deliver':
        this.incoming = { method: m, properties: null, body: Buffer.alloc(0), filled: 0 };
        return;
      case 'channel.flow':
        this.host.write(encodeMethodFrame(this.id, { name: 'channel.flow-ok', active: m.active }));
        return;
      case 'basic.cancel':
        return; // no consumers here
      default:
        return this.reply(m, null);
    }
  }

  private reply(m: AmqpMethod, content: GetResult | null): void {
    const p = this.pending[this.head];
    if (p === undefined || !p.expect.includes(m.name)) {
      return this.protocolError(`${this.host.peer} sent ${m.name} on channel ${this.id} where ${p === undefined ? 'nothing' : p.expect.join(' or ')} was due`);
    }
    this.pending[this.head] = undefined;
    this.head += 1;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    }
    p.resolve(m, content);
  }

  private onContentHeader(payload: Buffer): void {
    const inc = this.incoming;
    if (inc === null || inc.properties !== null) return this.protocolError(`an unexpected content header arrived on channel ${this.id}`);
    const header = decodeContentHeader(payload);
    if (header.bodySize > BODY_BYTES_MAX) return this.protocolError(`a message of ${header.bodySize} bytes is over the ${BODY_BYTES_MAX}-byte limit of the wharf tools`);
    // Copied: the payload is a view into a network chunk.
    inc.properties = decodeBasicProperties(Buffer.from(header.properties));
    inc.body = Buffer.allocUnsafe(header.bodySize);
    if (header.bodySize === 0) this.contentDone(inc);
  }

  private onBody(payload: Buffer): void {
    const inc = this.incoming;
    if (inc === null || inc.properties === null) return this.protocolError(`an unexpected body frame arrived on channel ${this.id}`);
    if (inc.filled + payload.length > inc.body.length) return this.protocolError(`body frames on channel ${this.id} carry more bytes than the content header announced`);
    inc.filled += payload.copy(inc.body, inc.filled);
    if (inc.filled === inc.body.length) this.contentDone(inc);
  }

  private contentDone(inc: Incoming): void {
    this.incoming = null;
    const m = inc.method;
    const properties = inc.properties ?? {};
    if (m.name === 'basic.get-ok') {
      this.reply(m, { deliveryTag: m.deliveryTag, redelivered: m.redelivered, exchange: m.exchange, routingKey: m.routingKey, messageCount: m.messageCount, properties, body: inc.body });
    } else if (m.name === 'basic.return') {
      this.stats.returned += 1;
      this.onReturn?.({ replyCode: m.replyCode, replyText: m.replyText, exchange: m.exchange, routingKey: m.routingKey, properties, body: inc.body });
    }
    // basic.deliver: this client has no consumers; a stray delivery is dropped (the broker requeues it on close).
  }

  private settle(deliveryTag: number, multiple: boolean, acked: boolean): void {
    const settleOne = (tag: number, bytes: number): void => {
      this.unconfirmed.delete(tag);
      if (acked) {
        this.stats.acked += 1;
        this.stats.ackedBodyBytes += bytes;
      } else {
        this.stats.nacked += 1;
      }
    };
    if (multiple) {
      for (const [tag, bytes] of this.unconfirmed) {
        if (tag > deliveryTag) break;
        settleOne(tag, bytes);
      }
    } else {
      const bytes = this.unconfirmed.get(deliveryTag);
      if (bytes !== undefined) settleOne(deliveryTag, bytes);
    }
    this.wakeConfirmWaiters();
  }

  private wakeConfirmWaiters(): void {
    const waiters = this.confirmWaiters;
    this.confirmWaiters = [];
    for (const w of waiters) w();
  }

  private protocolError(message: string): void {
    this.failChannel(new ClientError(ClientErrorCode.PROTOCOL, message));
  }

  private failChannel(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    const waiting = this.pending.slice(this.head);
    this.pending = [];
    this.head = 0;
    for (const p of waiting) p?.reject(err);
    this.wakeConfirmWaiters();
  }
}
