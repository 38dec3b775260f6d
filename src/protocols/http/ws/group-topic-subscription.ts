// A topic subscription for a consumer group (docs/gateway.md "Group subscriptions"): one
// TopicSubscription per partition of the topic (as it was at subscribe time), each from the group's
// committed offset or, without one, from `offset`. Credit (`prefetch`) is shared across the
// partitions; an ack gives it back and commits through GroupCommits.
import type { GroupCoordinator } from '../../../broker/groups/group-coordinator.js';
import { GroupError } from '../../../broker/groups/group-errors.js';
import type { TopicRegistry } from '../../../broker/topics.js';
import { badRequest, type HttpError } from '../http-error.js';
import type { DeliverySink } from './delivery-sink.js';
import type { RecordFrame } from './delivery-json.js';
import { commitError, GroupCommits, groupInUse } from './group-commits.js';
import { TopicSubscription } from './topic-subscription.js';
import type { ClientRef, GroupSubscribeOp } from './ws-ops.js';

export type GroupSubscriptionSpec = Omit<GroupSubscribeOp, 'op' | 'kind'>;

export class GroupTopicSubscription {
  readonly id: ClientRef;
  private readonly sink: DeliverySink;
  private readonly spec: GroupSubscriptionSpec;
  private readonly commits: GroupCommits;
  private readonly parts: TopicSubscription[] = [];
  /** Tags sent and not acked: the partition and offset of each. */
  private readonly unacked = new Map<number, { partition: number; offset: number }>();
  private closed = false;

  private constructor(sink: DeliverySink, spec: GroupSubscriptionSpec, groups: GroupCoordinator) {
    this.id = spec.id;
    this.sink = sink;
    this.spec = spec;
    this.commits = new GroupCommits(groups, spec.group, spec.topic, (err) => this.fail(err));
  }

  /** UNKNOWN_TOPIC, group_in_use for a group with members, or the coordinator's refusal. */
  static open(topics: TopicRegistry, groups: GroupCoordinator, sink: DeliverySink, spec: GroupSubscriptionSpec): GroupTopicSubscription {
    topics.partition(spec.topic, 0); // WHARF_ERR_UNKNOWN_TOPIC for a topic that does not exist
    const count = topics.get(spec.topic)?.partitions.length ?? 0;
    if (groups.describeGroup(spec.group).members.length > 0) throw groupInUse(spec.group);
    const partitions = Array.from({ length: count }, (_, partition) => ({ topic: spec.topic, partition }));
    const fetched = groups.fetchOffsets(spec.group, partitions);
    if (fetched.error !== GroupError.NONE) throw commitError(spec.group, fetched.error);
    const sub = new GroupTopicSubscription(sink, spec, groups);
    const partSink = sub.partitionSink();
    for (let partition = 0; partition < count; partition++) {
      const log = topics.partition(spec.topic, partition);
      const committed = fetched.partitions.find((p) => p.partition === partition)?.offset ?? -1;
      // A committed offset retention deleted continues from the oldest record left; one past the
      // end of the log (the topic was recreated) falls back to `offset`, as auto.offset.reset.
      const start = committed < 0 || committed > log.highWatermark ? spec.offset : Math.max(committed, log.logStartOffset);
      sub.parts.push(TopicSubscription.open(topics, partSink, {
        id: spec.id, topic: spec.topic, partition, offset: start, prefetch: spec.prefetch, ack: 'manual', encoding: spec.encoding,
      }));
    }
    return sub;
  }

  start(): void {
    for (const part of this.parts) part.start();
  }

  /** Gives credit back and commits the offset after the record (once the records before it are acked too). */
  ack(tag: number): void {
    const sent = this.unacked.get(tag);
    if (sent === undefined) throw badRequest(`unknown delivery tag ${tag} for subscription ${JSON.stringify(this.id)} (already acked, or never delivered to it)`);
    this.unacked.delete(tag);
    this.commits.acked(sent.partition, sent.offset);
    // The freed credit goes round the partitions, starting after the one just acked.
    for (let i = 1; i < this.parts.length; i++) this.parts[(sent.partition + i) % this.parts.length]?.resume();
    this.parts[sent.partition]?.ack(tag);
  }

  resume(): void {
    for (const part of this.parts) part.resume();
  }

  /** Stops reading and commits what was acked. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const part of this.parts) part.close();
    this.unacked.clear();
    this.commits.close();
  }

  private fail(err: HttpError): void {
    if (this.closed) return;
    this.end({ op: 'error', id: this.id, code: err.code, message: err.message });
  }

  private end(frame: object): void {
    if (this.closed) return;
    this.closed = true;
    this.commits.abandon();
    for (const part of this.parts) part.close();
    this.unacked.clear();
    this.sink.subscriptionEnded(this.id, frame);
  }

  /** What each partition's TopicSubscription sends through: shared credit, and the tags to commit. */
  private partitionSink(): DeliverySink {
    const sink = this.sink;
    return {
      connectionId: sink.connectionId,
      writable: () => !this.closed && sink.writable() && this.unacked.size < this.spec.prefetch,
      nextTag: () => sink.nextTag(),
      send: (frame, written) => {
        const r = frame as RecordFrame;
        if (r.op === 'record') {
          this.unacked.set(r.tag, { partition: r.partition, offset: r.offset });
          this.commits.sent(r.partition, r.offset);
        }
        sink.send(frame, written);
      },
      subscriptionEnded: (_id, frame) => this.end(frame),
    };
  }
}
