// Who gets the next message. Consumers are grouped by priority (basic.consume x-priority),
// highest first; within the highest group that has a consumer with credit, delivery is
// round-robin (RabbitMQ: lower-priority consumers get messages only while every higher one is
// blocked). With x-single-active-consumer only the oldest consumer receives; when it leaves, the
// next oldest takes over. A partition of a partitioned queue picks its active consumer by
// connection instead (partitioned-consumers.ts).
import { brokerError, BrokerErrorCode } from '../broker-errors.js';
import type { PartitionSelector } from './partitioned-consumers.js';
import type { QueueConsumer } from './types.js';

interface PriorityGroup {
  readonly priority: number;
  readonly members: QueueConsumer[];
  /** Index of the member to try first next time. */
  cursor: number;
}

export class QueueConsumers {
  /** Sorted by priority, highest first. */
  private readonly groups: PriorityGroup[] = [];
  /** Registration order: single-active-consumer picks the first. */
  private readonly order: QueueConsumer[] = [];
  private readonly singleActive: boolean;
  private exclusiveOwner: QueueConsumer | null = null;
  private readonly partition: PartitionSelector | null;

  constructor(singleActive: boolean, partition: PartitionSelector | null = null) {
    this.singleActive = singleActive || partition !== null;
    this.partition = partition;
  }

  get count(): number {
    return this.order.length;
  }

  /** The consumer that receives under single-active-consumer (null without one or without consumers). */
  get active(): QueueConsumer | null {
    if (this.partition !== null) return this.partition.active;
    return this.singleActive ? (this.order[0] ?? null) : null;
  }

  all(): readonly QueueConsumer[] {
    return this.order;
  }

  has(consumer: QueueConsumer): boolean {
    return this.order.includes(consumer);
  }

  /** Throws ACCESS_REFUSED as RabbitMQ does when exclusivity would be broken (basic.consume exclusive). */
  add(consumer: QueueConsumer, where: string): void {
    if (this.exclusiveOwner !== null || (consumer.exclusive && this.order.length > 0)) {
      throw brokerError(BrokerErrorCode.ACCESS_REFUSED, `${where} in exclusive use`);
    }
    if (consumer.exclusive) this.exclusiveOwner = consumer;
    this.order.push(consumer);
    let i = 0;
    while (i < this.groups.length && (this.groups[i] as PriorityGroup).priority > consumer.priority) i++;
    const group = this.groups[i];
    if (group !== undefined && group.priority === consumer.priority) group.members.push(consumer);
    else this.groups.splice(i, 0, { priority: consumer.priority, members: [consumer], cursor: 0 });
    this.partition?.consumersChanged(this.order);
  }

  /** Returns false when the consumer was not registered. */
  remove(consumer: QueueConsumer): boolean {
    const at = this.order.indexOf(consumer);
    if (at < 0) return false;
    this.order.splice(at, 1);
    if (this.exclusiveOwner === consumer) this.exclusiveOwner = null;
    for (let g = 0; g < this.groups.length; g++) {
      const group = this.groups[g] as PriorityGroup;
      const i = group.members.indexOf(consumer);
      if (i < 0) continue;
      group.members.splice(i, 1);
      if (group.members.length === 0) this.groups.splice(g, 1);
      else if (group.cursor > i) group.cursor--;
      else if (group.cursor >= group.members.length) group.cursor = 0;
      break;
    }
    this.partition?.consumersChanged(this.order);
    return true;
  }

  /** Removes everyone and returns who was there. */
  clear(): QueueConsumer[] {
    const out = this.order.slice();
    this.order.length = 0;
    this.groups.length = 0;
    this.exclusiveOwner = null;
    this.partition?.consumersChanged(this.order);
    return out;
  }

  /** The consumer to deliver to next, advancing the round-robin; null when nobody has credit. */
  next(): QueueConsumer | null {
    if (this.partition !== null) return this.partition.next();
    if (this.singleActive) {
      const first = this.order[0];
      return first !== undefined && first.hasCredit() ? first : null;
    }
    for (const group of this.groups) {
      const members = group.members;
      const n = members.length;
      for (let k = 0; k < n; k++) {
        const i = (group.cursor + k) % n;
        const c = members[i] as QueueConsumer;
        if (c.hasCredit()) {
          group.cursor = (i + 1) % n;
          return c;
        }
      }
    }
    return null;
  }

  /** Whether some consumer could take a message now (without advancing the round-robin). */
  anyHasCredit(): boolean {
    if (this.partition !== null) return this.partition.anyHasCredit();
    if (this.singleActive) return this.order[0]?.hasCredit() === true;
    for (const c of this.order) if (c.hasCredit()) return true;
    return false;
  }
}
