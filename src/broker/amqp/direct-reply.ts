// RabbitMQ's direct reply-to: a consumer of the pseudo-queue `amq.rabbitmq.reply-to` gets a
// routing key `amq.rabbitmq.reply-to.<opaque>`; a publish to the default exchange with that key
// goes straight to the consumer, bypassing queues. The opaque part is random, so replies cannot be
// aimed at another client's consumer by guessing.
import { randomBytes } from 'node:crypto';
import type { Message } from './types.js';

export const DIRECT_REPLY_QUEUE = 'amq.rabbitmq.reply-to';
export const DIRECT_REPLY_PREFIX = `${DIRECT_REPLY_QUEUE}.`;

/** Returns false when the consumer is gone: the message then counts as unroutable. */
export type DirectReplyDeliver = (message: Message) => boolean;

export interface DirectReplyRegistration {
  readonly routingKey: string;
  unregister(): void;
}

export class DirectReply {
  private readonly consumers = new Map<string, DirectReplyDeliver>();

  get size(): number {
    return this.consumers.size;
  }

  register(deliver: DirectReplyDeliver): DirectReplyRegistration {
    const routingKey = DIRECT_REPLY_PREFIX + randomBytes(18).toString('base64url');
    this.consumers.set(routingKey, deliver);
    return {
      routingKey,
      unregister: () => {
        if (this.consumers.get(routingKey) === deliver) this.consumers.delete(routingKey);
      },
    };
  }

  /** Whether a routing key is one of this form (the caller then must not route it to queues). */
  static isReplyKey(routingKey: string): boolean {
    return routingKey.startsWith(DIRECT_REPLY_PREFIX);
  }

  /** Hands the message to the consumer; false when there is none (unroutable). */
  deliver(routingKey: string, message: Message): boolean {
    const consumer = this.consumers.get(routingKey);
    return consumer !== undefined && consumer(message);
  }
}
