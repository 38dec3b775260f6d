// A topic-partition subscription of the HTTP gateway: reads the partition log from a start offset
// and pushes one `record` per record, with at most `prefetch` in flight (manual: not yet acked;
// auto: not yet written out). At the end of the log it waits on the log's watch for the high
// watermark to move. Reads go through the broker's topic registry, never log/ directly.
import type { Topic, TopicRegistry } from '../../../broker/topics.js';
import { countBatchesOut, type PartitionCounters } from '../../../broker/traffic-counters.js';
import { decodeRecordBatches, recordTimestampMs, type RecordBatch } from '../../../records/index.js';
import { isWharfError } from '../../../util/wharf-error.js';
import { badRequest, httpErrorFor } from '../http-error.js';
import type { DeliverySink } from './delivery-sink.js';
import { recordFrame, type RecordFields } from './delivery-json.js';
import type { ClientRef, TopicSubscribeOp } from './ws-ops.js';

type PartitionLog = Topic['partitions'][number];

/** The subscribe op's fields (SSE builds the same from its query string). */
export type TopicSubscriptionSpec = Omit<TopicSubscribeOp, 'op' | 'kind'>;

/** Bytes asked of the log per read; a larger batch still comes whole. */
const READ_BYTES_MAX = 256 * 1024;

export class TopicSubscription {
  readonly id: ClientRef;
  private readonly log: PartitionLog;
  /** Records out of the partition, for /metrics; undefined only if the topic went away meanwhile. */
  private readonly counters: PartitionCounters | undefined;
  private readonly sink: DeliverySink;
  private readonly spec: TopicSubscriptionSpec;
  private readonly manual: boolean;
  /** The next offset to read from the log. */
  private nextOffset: number;
  /** Records read but not yet sent, in offset order; `pendingAt` is the next to send. */
  private pending: RecordFields[] = [];
  private pendingAt = 0;
  /** Manual: tags sent and not acked. */
  private readonly unacked = new Set<number>();
  /** Auto: records sent but not yet written out. */
  private inFlight = 0;
  private running = false;
  private again = false;
  private closed = false;
  private unwatch: (() => void) | null = null;

  private constructor(log: PartitionLog, counters: PartitionCounters | undefined, sink: DeliverySink, spec: TopicSubscriptionSpec, nextOffset: number) {
    this.id = spec.id;
    this.log = log;
    this.counters = counters;
    this.sink = sink;
    this.spec = spec;
    this.manual = spec.ack === 'manual';
    this.nextOffset = nextOffset;
  }

  /** UNKNOWN_TOPIC / UNKNOWN_PARTITION, or 400 offset_out_of_range for a numeric offset outside the log. */
  static open(topics: TopicRegistry, sink: DeliverySink, spec: TopicSubscriptionSpec): TopicSubscription {
    const log = topics.partition(spec.topic, spec.partition);
    let start: number;
    if (spec.offset === 'earliest') start = log.logStartOffset;
    else if (spec.offset === 'latest') start = log.highWatermark;
    else {
      start = spec.offset;
      if (start < log.logStartOffset || start > log.highWatermark) {
        throw badRequest(`offset ${start} is outside partition ${spec.partition} of topic ${spec.topic}, which holds offsets ${log.logStartOffset} to ${log.highWatermark}`);
      }
    }
    return new TopicSubscription(log, topics.get(spec.topic)?.counters[spec.partition], sink, spec, start);
  }

  /** Starts reading (after the caller has announced the subscription). */
  start(): void {
    this.kick();
  }

  ack(tag: number): void {
    if (!this.manual) throw badRequest(`subscription ${JSON.stringify(this.id)} acknowledges automatically; ack applies to "ack": "manual" subscriptions`);
    if (!this.unacked.delete(tag)) throw badRequest(`unknown delivery tag ${tag} for subscription ${JSON.stringify(this.id)} (already acked, or never delivered to it)`);
    this.kick();
  }

  /** The transport can take more again. */
  resume(): void {
    this.kick();
  }

  close(): void {
    this.closed = true;
    this.unwatch?.();
    this.unwatch = null;
    this.pending = [];
    this.unacked.clear();
  }

  private hasCredit(): boolean {
    return !this.closed && this.sink.writable() && (this.manual ? this.unacked.size : this.inFlight) < this.spec.prefetch;
  }

  /** Runs the send/read loop unless it runs already (then it goes round once more). */
  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (!this.closed) {
        while (this.pendingAt < this.pending.length && this.hasCredit()) this.sendNext();
        if (!this.hasCredit() || this.pendingAt < this.pending.length) return; // ack, write or drain kicks again
        if (this.nextOffset >= this.log.highWatermark) {
          this.watchForData();
          return;
        }
        await this.readMore();
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.running = false;
      if (this.again) this.kick();
    }
  }

  private sendNext(): void {
    const r = this.pending[this.pendingAt++] as RecordFields;
    if (this.pendingAt === this.pending.length) {
      this.pending = [];
      this.pendingAt = 0;
    }
    const tag = this.sink.nextTag();
    const frame = recordFrame(this.id, tag, r, this.spec.encoding);
    if (this.manual) {
      this.unacked.add(tag);
      this.sink.send(frame);
    } else {
      this.inFlight++;
      this.sink.send(frame, this.written);
    }
  }

  private watchForData(): void {
    if (this.unwatch !== null) return;
    this.unwatch = this.log.watch((highWatermark) => {
      if (highWatermark <= this.nextOffset) return;
      this.unwatch?.();
      this.unwatch = null;
      this.kick();
    });
  }

  private async readMore(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = (await this.log.read(this.nextOffset, READ_BYTES_MAX)).bytes;
    } catch (err) {
      // Retention deleted what was next: go on from the oldest record left (auto.offset.reset=earliest).
      if (isWharfError(err, 'WHARF_ERR_OFFSET_OUT_OF_RANGE') && this.nextOffset < this.log.logStartOffset) {
        this.nextOffset = this.log.logStartOffset;
        return;
      }
      throw err;
    }
    if (this.closed || bytes.length === 0) return;
    countBatchesOut(this.counters, bytes);
    const { batches } = decodeRecordBatches(bytes, { batchBytesMax: this.log.config.batchBytesMax, verifyCrc: false });
    for (const batch of batches) this.takeBatch(batch);
  }

  private takeBatch(batch: RecordBatch): void {
    const last = batch.baseOffset + batch.lastOffsetDelta;
    if (last < this.nextOffset) return;
    if (!batch.isControl) {
      for (const record of batch.records) {
        const offset = batch.baseOffset + record.offsetDelta;
        if (offset < this.nextOffset) continue;
        this.pending.push({
          partition: this.spec.partition,
          offset,
          timestamp: recordTimestampMs(batch, record),
          key: record.key,
          value: record.value,
          headers: record.headers,
        });
      }
    }
    this.nextOffset = last + 1;
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.close();
    const { error } = httpErrorFor(err);
    this.sink.subscriptionEnded(this.id, { op: 'error', id: this.id, code: error.code, message: `reading partition ${this.spec.partition} of topic ${this.spec.topic} failed: ${error.message}` });
  }

  private readonly written = (): void => {
    this.inFlight--;
    if (this.inFlight === this.spec.prefetch - 1) this.kick();
  };
}
