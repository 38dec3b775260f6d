// Turns assembled content into a broker Message, routes it, answers mandatory returns and
// publisher confirms. Runs once per published message, so it reads the properties with the
// summary scan and decodes them fully only when user-id or reply-to is present.
import type { AmqpQueue as Queue } from '../../broker/amqp/model-queue.js';
import type { VirtualHost } from '../../broker/amqp/vhost.js';
import { DIRECT_REPLY_QUEUE } from '../../broker/amqp/direct-reply.js';
import { buildMessage } from '../../broker/amqp/message-build.js';
import { decodeBasicProperties } from '../../formats/amqp/basic-properties.js';
import { withReplyTo } from '../../formats/amqp/property-list.js';
import { encodeBasicAck, encodeBasicNack, encodeReturn } from './codec/index.js';
import type { ChannelHost } from './channel.js';
import { ConfirmTracker } from './confirm-tracker.js';
import type { AssembledContent } from './content-assembler.js';
import { AmqpCloseError, ReplyCode } from './reply-codes.js';

/** Flag bits of the first property-flags word (content-type is bit 15). */
const FLAG_REPLY_TO = 1 << 9;
const FLAG_USER_ID = 1 << 4;

export interface PublisherDeps {
  channelId: number;
  host: ChannelHost;
  vhost(): VirtualHost<Queue>;
  /** The channel's direct reply-to routing key, when it consumes amq.rabbitmq.reply-to. */
  directReplyKey(): string | null;
}

/** Confirms of messages whose storage settles with the same promise share one callback. */
interface StoredRun {
  promise: Promise<void>;
  first: number;
  last: number;
}

export class ChannelPublisher {
  private readonly deps: PublisherDeps;
  private tracker: ConfirmTracker | null = null;
  private run: StoredRun | null = null;

  constructor(deps: PublisherDeps) {
    this.deps = deps;
  }

  get confirming(): boolean {
    return this.tracker !== null;
  }

  enableConfirms(): void {
    if (this.tracker !== null) return;
    const { host, channelId } = this.deps;
    this.tracker = new ConfirmTracker({
      ack: (tag, multiple) => host.send(encodeBasicAck(channelId, tag, multiple)),
      nack: (tag, multiple) => host.send(encodeBasicNack(channelId, tag, multiple, false)),
    });
  }

  close(): void {
    this.tracker?.close();
    this.run = null;
  }

  /** Routes one message; returns its storage promise (for tx.commit) when a durable queue took it. */
  publish(c: AssembledContent): Promise<void> | undefined {
    const { host, channelId } = this.deps;
    const message = buildMessage(c.exchange, c.routingKey, c.properties, c.body);
    if (message.properties.length >= 2 && (message.properties.readUInt16BE(0) & (FLAG_REPLY_TO | FLAG_USER_ID)) !== 0) {
      message.properties = this.checkProperties(message.properties);
    }
    const properties = message.properties;
    const outcome = this.deps.vhost().publish(c.exchange, c.routingKey, message, c.mandatory);
    if (!outcome.routed && c.mandatory) {
      host.send(encodeReturn(channelId, ReplyCode.NO_ROUTE, 'NO_ROUTE', c.exchange, c.routingKey, properties, c.body, host.frameMax));
    }
    const tracker = this.tracker;
    if (tracker !== null) {
      const seq = tracker.next();
      if (outcome.rejected) tracker.settle(seq, false);
      else if (outcome.stored === undefined) tracker.settle(seq, true);
      else this.confirmWhenStored(tracker, seq, outcome.stored);
    }
    return outcome.stored;
  }

  private confirmWhenStored(tracker: ConfirmTracker, seq: number, stored: Promise<void>): void {
    const run = this.run;
    if (run !== null && run.promise === stored && run.last === seq - 1) {
      run.last = seq;
      return;
    }
    const next: StoredRun = { promise: stored, first: seq, last: seq };
    this.run = next;
    const settle = (ok: boolean): void => {
      if (this.run === next) this.run = null;
      for (let s = next.first; s <= next.last; s++) tracker.settle(s, ok);
    };
    stored.then(() => settle(true), () => settle(false));
  }

  /** RabbitMQ's checks of user-id and of a direct reply-to, which is rewritten to this channel's key. */
  private checkProperties(properties: Buffer): Buffer {
    const p = decodeBasicProperties(properties);
    const user = this.deps.host.user;
    if (p.userId !== undefined && user !== null && p.userId !== user.name) {
      throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, `user_id property set to '${p.userId}' but authenticated user was '${user.name}'`);
    }
    if (p.replyTo === DIRECT_REPLY_QUEUE) {
      const key = this.deps.directReplyKey();
      if (key === null) throw new AmqpCloseError(ReplyCode.PRECONDITION_FAILED, 'fast reply consumer does not exist');
      return withReplyTo(properties, key);
    }
    return properties;
  }
}
