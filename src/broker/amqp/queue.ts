// An AMQP classic queue: ready entries in seq order (per priority), the entries delivered and not
// yet acked, consumers, and for a durable queue a partition log plus an ack state (queue-store.ts).
// Deliveries are batched: enqueue and consumer changes schedule one dispatch per turn of the event
// loop (a microtask), so a socket read of 1,000 publishes reaches consumers in one pass, after
// the protocol layer has answered the methods that caused it (consume-ok before the first deliver).
//
// Body ownership: a Message's body must be a buffer of its own, not a view into a socket read.
// The channel copies it once when the content is complete (one copy however many queues take it);
// the queue keeps what it is given.
import type { FieldTable } from '../../formats/amqp/field-types.js';
import { readPropertySummary } from '../../formats/amqp/property-list.js';
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import { systemTimers } from '../groups/deadline-queue.js';
import { deadLetteredMessage, isDeadLetterCycle } from './dead-letter.js';
import type { QueueDefinition, QueueDeps, QueueHooks } from './queue-definition.js';
import { parseQueueArguments, type QueueArguments } from './queue-arguments.js';
import { QueueConsumers } from './queue-consumers.js';
import { PartitionSelector } from './partitioned-consumers.js';
import { partitionOf, type PartitionOf } from './partitioned-queue.js';
import { expiryOf, QueueTimer } from './queue-expiry.js';
import { ReadyList } from './queue-ready-list.js';
import { queueLogName, QueueStore, type RecoveredMessage } from './queue-store.js';
import type { DeadLetterReason, Message, QueueConsumer, QueueEntry, QueueRef } from './types.js';
import { QueueCounters } from '../traffic-counters.js';

export type { QueueDefinition, QueueDeps, QueueHooks } from './queue-definition.js';
export type { QueueArguments } from './queue-arguments.js';

/** Deliveries per dispatch pass before yielding to the event loop (consumers without prefetch). */
const DISPATCH_PASS_MAX = 4096;

export class Queue implements QueueRef {
  readonly definition: QueueDefinition;
  readonly name: string;
  readonly args: QueueArguments;
  /** Which partition of a partitioned queue this is (x-partition-of / x-partition-index), null for an ordinary queue. */
  readonly partition: PartitionOf | null;
  /** Message counts for /metrics and the management API. */
  readonly counters = new QueueCounters();
  private readonly hooks: QueueHooks;
  private readonly deps: QueueDeps;
  private readonly ready: ReadyList;
  private readonly consumers: QueueConsumers;
  private readonly unacked = new Set<QueueEntry>();
  private store: QueueStore | null = null;
  private nextSeq = 0;
  private hadConsumer = false;
  private lastUsedMs: number;
  private dispatchScheduled = false;
  private dispatching = false;
  private dispatchAgain = false;
  private readonly ttlTimer: QueueTimer;
  private readonly expiresTimer: QueueTimer;
  private state: 'open' | 'closed' | 'deleted' = 'open';
  private cycleLogged = false;
  private readonly where: string;

  private constructor(def: QueueDefinition, args: QueueArguments, hooks: QueueHooks, deps: QueueDeps) {
    this.definition = def;
    this.name = def.name;
    this.args = args;
    this.hooks = hooks;
    this.deps = deps;
    this.where = `queue '${def.name}' in vhost '${def.vhost}'`;
    this.ready = new ReadyList(args.maxPriority);
    this.partition = partitionOf(def.arguments, this.where);
    const selector = this.partition === null ? null : new PartitionSelector(this.partition.index, () => this.unacked.size);
    this.consumers = new QueueConsumers(args.singleActiveConsumer, selector);
    this.lastUsedMs = deps.nowMs();
    const timers = deps.timers ?? systemTimers;
    const clock = (): number => deps.nowMs();
    this.ttlTimer = new QueueTimer(timers, clock, () => this.onTtlDue());
    this.expiresTimer = new QueueTimer(timers, clock, () => this.onExpiresDue());
  }

  /** Checks queue.declare arguments (see queue-arguments.ts); throws PRECONDITION_FAILED. */
  static parseArguments(args: FieldTable, vhost?: string, name?: string): QueueArguments {
    return parseQueueArguments(args, vhost, name);
  }

  /** Creates the queue; a durable one recovers its messages from its log first. */
  static async open(def: QueueDefinition, hooks: QueueHooks, deps: QueueDeps): Promise<Queue> {
    const queue = new Queue(def, parseQueueArguments(def.arguments, def.vhost, def.name), hooks, deps);
    if (def.durable && def.id >= 0) {
      const log = await deps.openLog(queueLogName(def.id));
      const storeDeps = { logger: deps.logger, metadata: deps.metadata, timers: deps.timers ?? systemTimers, ackStateIntervalMs: deps.ackStateIntervalMs, deleteLog: deps.deleteLog };
      queue.store = await QueueStore.open(def.id, log, storeDeps, (m) => queue.restore(m));
    }
    queue.armExpires();
    queue.armTtl();
    return queue;
  }

  get messageCount(): number {
    return this.ready.length;
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  get consumerCount(): number {
    return this.consumers.count;
  }

  /** Sum of ready body sizes. */
  get messageBytes(): number {
    return this.ready.bytes;
  }

  /** The consumer receiving under x-single-active-consumer, null otherwise. */
  get activeConsumer(): QueueConsumer | null {
    return this.consumers.active;
  }

  enqueue(message: Message): { accepted: boolean; stored: Promise<void> | undefined } {
    if (this.state !== 'open') return { accepted: true, stored: undefined };
    if (isDeadLetterCycle(this.name, message)) {
      this.logCycle();
      return { accepted: true, stored: undefined };
    }
    const args = this.args;
    const limited = args.maxLength >= 0 || args.maxLengthBytes >= 0;
    if (limited && args.overflow !== 'drop-head' && this.wouldOverflow(message)) {
      // rabbit_amqqueue_process will_overflow: refuse what would take the ready count or bytes over the limit.
      if (args.overflow === 'reject-publish-dlx') this.deadLetter(message, 'maxlen');
      return { accepted: false, stored: undefined };
    }
    this.counters.published++;
    const now = this.deps.nowMs();
    const expiresAtMs = expiryOf(args.messageTtlMs, message.expirationMs, now);
    if (expiresAtMs <= now) return this.enqueueExpiring(message, now, expiresAtMs);
    const store = message.persistent ? this.store : null;
    const placed = store === null ? null : store.append(message, now);
    const entry = makeEntry(message, this.nextSeq++, placed === null ? -1 : placed.offset, false, now, expiresAtMs);
    this.ready.push(entry);
    if (limited && this.overLimit()) this.dropHeads();
    if (expiresAtMs < this.ttlTimer.armedAtMs) this.ttlTimer.armAt(expiresAtMs);
    this.scheduleDispatch();
    return { accepted: true, stored: placed === null ? undefined : placed.stored };
  }

  addConsumer(c: QueueConsumer): void {
    if (this.state !== 'open') throw brokerError(BrokerErrorCode.NOT_FOUND, `no ${this.where}`);
    const owner = this.definition.exclusiveConnectionId;
    if (owner >= 0 && c.connectionId !== owner) {
      throw brokerError(BrokerErrorCode.RESOURCE_LOCKED, `cannot obtain exclusive access to locked ${this.where}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.`);
    }
    this.consumers.add(c, this.where);
    this.hadConsumer = true;
    this.expiresTimer.disarm();
    this.scheduleDispatch();
  }

  removeConsumer(c: QueueConsumer): void {
    if (!this.consumers.remove(c)) return;
    this.markUsed();
    if (this.consumers.count > 0) {
      this.scheduleDispatch(); // a single active consumer may have handed over
      return;
    }
    this.armExpires();
    if (this.definition.autoDelete && this.hadConsumer && this.state === 'open') this.hooks.onAutoDelete(this);
  }

  /** Delivers ready entries to consumers with credit; safe to call from inside a deliver(). */
  dispatch(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    if (this.state !== 'open') return;
    this.dispatching = true;
    let budget = DISPATCH_PASS_MAX;
    try {
      do {
        this.dispatchAgain = false;
        const now = this.deps.nowMs();
        for (;;) {
          const head = this.ready.peek();
          if (head === undefined) break;
          if (head.expiresAtMs <= now) {
            this.expire(this.ready.shift() as QueueEntry);
            continue;
          }
          if (budget === 0) {
            setImmediate(this.dispatchTask);
            this.dispatchScheduled = true;
            return;
          }
          const c = this.consumers.next();
          if (c === null) break;
          budget--;
          this.deliverTo(c, this.ready.shift() as QueueEntry);
        }
      } while (this.dispatchAgain && this.state === 'open');
    } finally {
      this.dispatching = false;
      this.armTtl();
    }
  }

  get(ackRequired: boolean): QueueEntry | null {
    if (this.state !== 'open') return null;
    this.markUsed();
    const now = this.deps.nowMs();
    let entry = this.ready.shift();
    while (entry !== undefined && entry.expiresAtMs <= now) {
      this.expire(entry);
      entry = this.ready.shift();
    }
    this.armTtl();
    if (entry === undefined) return null;
    this.countDelivery(entry, ackRequired);
    if (ackRequired) this.unacked.add(entry);
    else this.settle(entry);
    return entry;
  }

  ack(entry: QueueEntry): void {
    if (!this.unacked.delete(entry)) return;
    this.counters.acked++;
    this.settle(entry);
    this.handOverIfSettled();
  }

  requeue(entries: readonly QueueEntry[]): void {
    const now = this.deps.nowMs();
    let back = 0;
    for (const entry of entries) {
      if (!this.unacked.delete(entry)) continue;
      entry.redelivered = true;
      if (entry.expiresAtMs <= now) {
        this.expire(entry);
        continue;
      }
      this.ready.insertOrdered(entry);
      back++;
    }
    if (back === 0) return;
    if ((this.args.maxLength >= 0 || this.args.maxLengthBytes >= 0) && this.overLimit()) this.dropHeads();
    this.armTtl();
    this.scheduleDispatch();
  }

  reject(entry: QueueEntry): void {
    if (!this.unacked.delete(entry)) return;
    this.deadLetter(entry.message, 'rejected');
    this.settle(entry);
    this.handOverIfSettled();
  }

  /** A partition switches to its next active consumer once the previous one's deliveries are all settled. */
  private handOverIfSettled(): void {
    if (this.partition !== null && this.unacked.size === 0) this.scheduleDispatch();
  }

  /** A redeclare: counts as use for x-expires. */
  touch(): void {
    this.markUsed();
  }

  /** Drops the ready messages (not the unacked ones, as RabbitMQ); returns how many. */
  purge(): number {
    const dropped = this.ready.drain();
    for (const entry of dropped) this.settle(entry);
    this.ttlTimer.disarm();
    return dropped.length;
  }

  async delete(): Promise<void> {
    if (this.state === 'deleted') return;
    this.state = 'deleted';
    this.stopTimers();
    for (const c of this.consumers.clear()) {
      try {
        c.cancelledByServer();
      } catch (err) {
        this.deps.logger.error({ err, queue: this.name }, 'a consumer failed to handle the cancellation of a deleted queue');
      }
    }
    this.ready.drain();
    this.unacked.clear();
    const store = this.store;
    this.store = null;
    if (store !== null) await store.delete();
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.stopTimers();
    const delivered: number[] = [];
    for (const entry of this.unacked) if (entry.offset >= 0) delivered.push(entry.offset);
    // Deliveries requeued on the way down (their connections closed first) keep their redelivered
    // flag across the restart, as RabbitMQ's do.
    this.ready.forEach((entry) => {
      if (entry.redelivered && entry.offset >= 0) delivered.push(entry.offset);
    });
    if (this.store !== null) await this.store.close(delivered);
  }

  /** Resolves once every persistent message enqueued so far was appended (or failed to be). */
  whenStored(): Promise<void> {
    return this.store === null ? Promise.resolve() : this.store.whenAppended();
  }

  // ---- internals ----

  private readonly dispatchTask = (): void => {
    this.dispatchScheduled = false;
    this.dispatch();
  };

  private scheduleDispatch(): void {
    if (this.dispatchScheduled || this.consumers.count === 0) return;
    this.dispatchScheduled = true;
    queueMicrotask(this.dispatchTask);
  }

  private restore(m: RecoveredMessage): void {
    const summary = readPropertySummary(m.stored.properties);
    const message: Message = {
      exchange: m.stored.exchange,
      routingKey: m.stored.routingKey,
      properties: m.stored.properties,
      body: m.stored.body,
      persistent: summary.persistent,
      priority: summary.priority,
      expirationMs: summary.expirationMs,
    };
    const expiresAtMs = expiryOf(this.args.messageTtlMs, message.expirationMs, m.stored.enqueuedAtMs);
    this.ready.push(makeEntry(message, this.nextSeq++, m.offset, m.redelivered, m.stored.enqueuedAtMs, expiresAtMs));
  }

  /** TTL 0 (or an expiry already past): delivered only if a consumer takes it right now, else expired. */
  private enqueueExpiring(message: Message, now: number, expiresAtMs: number): { accepted: boolean; stored: Promise<void> | undefined } {
    this.dispatch(); // older ready messages go first
    const c = this.ready.length === 0 ? this.consumers.next() : null;
    if (c === null) {
      this.deadLetter(message, 'expired');
      return { accepted: true, stored: undefined };
    }
    const placed = message.persistent && c.ackRequired && this.store !== null ? this.store.append(message, now) : null;
    this.deliverTo(c, makeEntry(message, this.nextSeq++, placed === null ? -1 : placed.offset, false, now, expiresAtMs));
    return { accepted: true, stored: placed === null ? undefined : placed.stored };
  }

  private deliverTo(c: QueueConsumer, entry: QueueEntry): void {
    if (c.ackRequired) this.unacked.add(entry);
    this.countDelivery(entry, c.ackRequired);
    c.deliver(this, entry);
    if (!c.ackRequired) this.settle(entry);
  }

  /** A delivery without an ack to wait for counts as acked at once. */
  private countDelivery(entry: QueueEntry, ackRequired: boolean): void {
    const counters = this.counters;
    counters.delivered++;
    if (entry.redelivered) counters.redelivered++;
    if (!ackRequired) counters.acked++;
  }

  /** The entry is done for good: its log offset counts as acked. */
  private settle(entry: QueueEntry): void {
    if (entry.offset >= 0 && this.store !== null) this.store.markDone(entry.offset);
  }

  private expire(entry: QueueEntry): void {
    this.deadLetter(entry.message, 'expired');
    this.settle(entry);
  }

  private deadLetter(message: Message, reason: DeadLetterReason): void {
    const exchange = this.args.deadLetterExchange;
    if (exchange === null) return;
    try {
      const out = deadLetteredMessage(message, reason, this.name, { exchange, routingKey: this.args.deadLetterRoutingKey }, this.deps.nowMs());
      this.hooks.deadLetter(exchange, out.routingKey, out);
    } catch (err) {
      this.deps.logger.error({ err, queue: this.name, reason }, 'dead-lettering a message failed; it was dropped');
    }
  }

  private wouldOverflow(message: Message): boolean {
    if (!this.fullFor(message.body.length)) return false;
    // RabbitMQ hands a message straight to a waiting consumer; ours may still sit in the ready list.
    this.dispatch();
    return this.fullFor(message.body.length);
  }

  private fullFor(bodyBytes: number): boolean {
    return (this.args.maxLength >= 0 && this.ready.length + 1 > this.args.maxLength) ||
      (this.args.maxLengthBytes >= 0 && this.ready.bytes + bodyBytes > this.args.maxLengthBytes);
  }

  private overLimit(): boolean {
    return (this.args.maxLength >= 0 && this.ready.length > this.args.maxLength) ||
      (this.args.maxLengthBytes >= 0 && this.ready.bytes > this.args.maxLengthBytes);
  }

  /** x-overflow drop-head: the oldest ready messages go ('maxlen') until the queue is within its limits. */
  private dropHeads(): void {
    this.dispatch();
    while (this.overLimit()) {
      const head = this.ready.shift();
      if (head === undefined) break;
      this.deadLetter(head.message, 'maxlen');
      this.settle(head);
    }
  }

  private onTtlDue(): void {
    const now = this.deps.nowMs();
    for (const head of this.ready.heads()) {
      let h: QueueEntry | undefined = head;
      while (h !== undefined && h.expiresAtMs <= now) {
        this.expire(this.ready.shiftLevelOf(h));
        h = this.ready.levelOf(h).peek();
      }
    }
    this.armTtl();
  }

  /** Arms the TTL timer for the earliest expiry among the heads (RabbitMQ expires at the head only). */
  private armTtl(): void {
    if (this.state !== 'open') return;
    let earliest = Infinity;
    for (const head of this.ready.heads()) if (head.expiresAtMs < earliest) earliest = head.expiresAtMs;
    this.ttlTimer.armAt(earliest);
  }

  private markUsed(): void {
    this.lastUsedMs = this.deps.nowMs();
  }

  private armExpires(): void {
    if (this.args.expiresMs > 0 && this.consumers.count === 0 && this.state === 'open') this.expiresTimer.armAt(this.lastUsedMs + this.args.expiresMs);
  }

  private onExpiresDue(): void {
    if (this.state !== 'open' || this.consumers.count > 0) return;
    const dueAt = this.lastUsedMs + this.args.expiresMs;
    if (this.deps.nowMs() < dueAt) this.expiresTimer.armAt(dueAt);
    else this.hooks.onExpired(this);
  }

  private stopTimers(): void {
    this.ttlTimer.disarm();
    this.expiresTimer.disarm();
  }

  private logCycle(): void {
    if (this.cycleLogged) return;
    this.cycleLogged = true;
    this.deps.logger.warn({ queue: this.name, vhost: this.definition.vhost }, 'dropped a dead-lettered message that would cycle back to its queue without a rejection; not logged again for this queue');
  }
}

function makeEntry(message: Message, seq: number, offset: number, redelivered: boolean, enqueuedAtMs: number, expiresAtMs: number): QueueEntry {
  return { message, seq, offset, redelivered, enqueuedAtMs, expiresAtMs };
}
