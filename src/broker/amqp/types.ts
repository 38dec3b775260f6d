// Shared shapes of the AMQP broker model. The protocol layer (protocols/amqp) talks to the model
// only through these and the VirtualHost / Queue classes; the model knows no frames.
import type { FieldTable } from '../../formats/amqp/field-types.js';

/**
 * A published message. `properties` are the content header's property flags and property list
 * exactly as the publisher sent them (after 'L' table values were normalised), so a delivery
 * copies them to the wire without re-encoding. The summary fields are read from them once, at
 * publish, because routing and queue rules need them on every message.
 */
export interface Message {
  readonly exchange: string;
  readonly routingKey: string;
  /** Encoded basic properties: 16-bit flags word(s) then the present fields. Replaced only by dead-lettering. */
  properties: Buffer;
  readonly body: Buffer;
  /** delivery-mode 2. */
  readonly persistent: boolean;
  /** 0 when absent. */
  readonly priority: number;
  /** Per-message TTL from the `expiration` property in ms, or -1 when absent. */
  readonly expirationMs: number;
  /** Decoded `headers` property, filled in lazily by whoever needs it first (headers exchange, dead-lettering). */
  headers?: FieldTable | null;
}

/** A message held by a queue, ready or delivered-and-unacked. */
export interface QueueEntry {
  readonly message: Message;
  /** Queue-local position, increasing in enqueue order: a requeued entry goes back to its place by it. */
  readonly seq: number;
  /** Offset in the queue's log when the message is stored there (durable queue, persistent message); -1 otherwise. */
  readonly offset: number;
  /** True once the entry has been delivered (or may have been, after a restart). */
  redelivered: boolean;
  readonly enqueuedAtMs: number;
  /** Absolute expiry (min of x-message-ttl and the message's expiration), Infinity when none. */
  readonly expiresAtMs: number;
}

/**
 * A consumer as a queue sees it; a channel implements it. The queue calls `deliver` only when
 * `hasCredit()` is true; the channel calls `Queue.dispatch()` when credit comes back.
 */
export interface QueueConsumer {
  readonly tag: string;
  /** basic.consume no-ack=false: the queue keeps delivered entries until ack/requeue/reject. */
  readonly ackRequired: boolean;
  readonly exclusive: boolean;
  /** x-priority argument of basic.consume; higher is served first while it has credit. */
  readonly priority: number;
  /** Identifies the connection, for exclusive queues. */
  readonly connectionId: number;
  hasCredit(): boolean;
  deliver(queue: QueueRef, entry: QueueEntry): void;
  /** The queue was deleted (or a single-active-consumer switch cancelled it): basic.cancel to the client. */
  cancelledByServer(): void;
}

/** What a consumer needs to ack/requeue/reject what it was given. */
export interface QueueRef {
  readonly name: string;
  ack(entry: QueueEntry): void;
  /** Returns entries to their original positions with redelivered=true. */
  requeue(entries: readonly QueueEntry[]): void;
  /** Rejected without requeue: dead-lettered (reason 'rejected') when the queue has a DLX, else dropped. */
  reject(entry: QueueEntry): void;
  /** Called by a consumer whose credit came back. */
  dispatch(): void;
}

/** Result of routing one publish. */
export interface PublishOutcome {
  /** At least one queue took the message (basic.return when false and mandatory). */
  routed: boolean;
  /** A queue refused it (x-overflow reject-publish): publisher confirms answer basic.nack. */
  rejected: boolean;
  /** Settles when every durable copy is on disk; undefined when nothing needed storing. Rejects on a storage failure. */
  stored: Promise<void> | undefined;
}

export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit';
