// A basic.consume subscription as its queue sees it. Credit is the channel's decision (prefetch,
// flow, socket congestion); the consumer only forwards.
import type { QueueConsumer, QueueEntry, QueueRef } from '../../broker/amqp/types.js';

export interface ConsumerChannel {
  canDeliver(consumer: ChannelConsumer): boolean;
  deliver(consumer: ChannelConsumer, queue: QueueRef, entry: QueueEntry): void;
  cancelledByServer(consumer: ChannelConsumer): void;
}

export class ChannelConsumer implements QueueConsumer {
  readonly tag: string;
  readonly ackRequired: boolean;
  readonly exclusive: boolean;
  readonly priority: number;
  readonly connectionId: number;
  readonly queue: QueueRef & { removeConsumer(c: QueueConsumer): void; addConsumer(c: QueueConsumer): void };
  /** Per-consumer prefetch (basic.qos global=false); 0 is unlimited. */
  prefetch: number;
  /** Deliveries to this consumer not yet acked, rejected or requeued. */
  unacked = 0;
  private readonly channel: ConsumerChannel;

  constructor(channel: ConsumerChannel, o: {
    tag: string; ackRequired: boolean; exclusive: boolean; priority: number; connectionId: number; prefetch: number;
    queue: ChannelConsumer['queue'];
  }) {
    this.channel = channel;
    this.tag = o.tag;
    this.ackRequired = o.ackRequired;
    this.exclusive = o.exclusive;
    this.priority = o.priority;
    this.connectionId = o.connectionId;
    this.prefetch = o.prefetch;
    this.queue = o.queue;
  }

  hasCredit(): boolean {
    return this.channel.canDeliver(this);
  }

  deliver(queue: QueueRef, entry: QueueEntry): void {
    this.channel.deliver(this, queue, entry);
  }

  cancelledByServer(): void {
    this.channel.cancelledByServer(this);
  }
}
