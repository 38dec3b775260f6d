// One consumer of a stream queue: its own read position in the log, the records read but not yet
// delivered, and a watch on the high watermark when it has read everything. Credit is the
// consumer's (the channel's prefetch minus its unacked deliveries): the reader delivers while
// `hasCredit()` holds, and an ack (which only returns credit; nothing is deleted) brings the
// queue's dispatch back here. Reads are whole batches of segment bytes, decoded once; a record
// becomes an AMQP message only when it is delivered.
import { decodeRecordBatches, type Record as KafkaRecord, type RecordBatch } from '../../records/index.js';
import type { PartitionLog } from '../../log/partition-log.js';
import { isWharfError } from '../../util/wharf-error.js';
import { resolveStart, startNow, type StreamStart } from './stream-offset.js';
import type { QueueConsumer, QueueEntry, QueueRef } from './types.js';

/** Bytes asked of the log per read; a larger batch still comes whole. */
const READ_BYTES_MAX = 256 * 1024;

/** What a reader needs of its stream queue. */
export interface StreamReaderHost {
  readonly ref: QueueRef;
  readonly log: PartitionLog;
  /** The entry delivered for one record (its message carries the x-stream-offset header). */
  entryFor(batch: RecordBatch, record: KafkaRecord, offset: number): QueueEntry;
  /** Called once per delivery, before the consumer sees it. */
  delivered(): void;
  /** Called with the whole batches of each read (traffic counters). */
  readBatches(bytes: Buffer): void;
  /** A read failed for a reason other than retention: the consumer is cancelled. */
  readFailed(reader: StreamReader, err: unknown): void;
}

export class StreamReader {
  readonly consumer: QueueConsumer;
  private readonly host: StreamReaderHost;
  private readonly start: StreamStart;
  /** Next offset to read; -1 until a start that needs a read (`last`, a timestamp) is resolved. */
  private nextOffset: number;
  /** Read and not yet delivered, in offset order; `pendingAt` is the next to deliver. */
  private pendingBatches: RecordBatch[] = [];
  private batchAt = 0;
  private recordAt = 0;
  private reading = false;
  private closed = false;
  private unwatch: (() => void) | null = null;
  private readonly pumpBound = (): void => this.pump();

  constructor(host: StreamReaderHost, consumer: QueueConsumer, start: StreamStart) {
    this.host = host;
    this.consumer = consumer;
    this.start = start;
    // `next` and numeric offsets are fixed now, so what is published after consume-ok is seen.
    this.nextOffset = startNow(start, host.log) ?? -1;
  }

  /** The offset this consumer reads next (-1 before its start is resolved). */
  get position(): number {
    return this.nextOffset;
  }

  /** Delivers what it holds while the consumer has credit, then reads on or waits for new records. */
  pump(): void {
    if (this.closed || this.reading) return;
    while (this.deliverOne());
    if (this.closed || this.hasPending() || !this.consumer.hasCredit()) return; // an ack or a resume pumps again
    if (this.nextOffset >= 0 && this.nextOffset >= this.host.log.highWatermark) {
      this.watch();
      return;
    }
    this.reading = true;
    this.read().then(() => {
      this.reading = false;
      this.pump();
    }, (err: unknown) => {
      this.reading = false;
      if (!this.closed) this.host.readFailed(this, err);
    });
  }

  close(): void {
    this.closed = true;
    this.unwatch?.();
    this.unwatch = null;
    this.pendingBatches = [];
  }

  private hasPending(): boolean {
    return this.batchAt < this.pendingBatches.length;
  }

  private deliverOne(): boolean {
    if (this.closed || !this.hasPending() || !this.consumer.hasCredit()) return false;
    const batch = this.pendingBatches[this.batchAt] as RecordBatch;
    const record = batch.records[this.recordAt] as KafkaRecord;
    if (++this.recordAt >= batch.records.length) this.nextBatch();
    const offset = batch.baseOffset + record.offsetDelta;
    const entry = this.host.entryFor(batch, record, offset);
    this.host.delivered();
    this.consumer.deliver(this.host.ref, entry);
    return true;
  }

  private nextBatch(): void {
    this.recordAt = 0;
    this.batchAt++;
    if (this.batchAt >= this.pendingBatches.length) {
      this.pendingBatches = [];
      this.batchAt = 0;
    }
  }

  private watch(): void {
    if (this.unwatch !== null) return;
    this.unwatch = this.host.log.watch((highWatermark) => {
      if (highWatermark <= this.nextOffset) return;
      this.unwatch?.();
      this.unwatch = null;
      // Off the appender's flush path: deliveries run in their own microtask.
      queueMicrotask(this.pumpBound);
    });
  }

  private async read(): Promise<void> {
    const log = this.host.log;
    if (this.nextOffset < 0) this.nextOffset = await resolveStart(this.start, log);
    if (this.nextOffset >= log.highWatermark) return;
    let bytes: Buffer;
    try {
      bytes = (await log.read(this.nextOffset, READ_BYTES_MAX)).bytes;
    } catch (err) {
      // Retention deleted what was next: go on from the oldest record kept (RabbitMQ's readers do too).
      if (isWharfError(err, 'WHARF_ERR_OFFSET_OUT_OF_RANGE') && this.nextOffset < log.logStartOffset) {
        this.nextOffset = log.logStartOffset;
        return;
      }
      throw err;
    }
    if (this.closed || bytes.length === 0) return;
    this.host.readBatches(bytes);
    const { batches } = decodeRecordBatches(bytes, { batchBytesMax: log.config.batchBytesMax, verifyCrc: false });
    // The log returns whole batches; none would mean reading the same bytes forever.
    if (batches.length === 0) throw new Error(`the log returned no whole record batch at offset ${this.nextOffset} of ${log.dir}`);
    for (const batch of batches) this.take(batch);
  }

  /** Keeps the records at or after the read position (a read starts with the whole batch holding it). */
  private take(batch: RecordBatch): void {
    const last = batch.baseOffset + batch.lastOffsetDelta;
    if (last < this.nextOffset) return;
    if (!batch.isControl && batch.records.length > 0) {
      let first = 0;
      while (first < batch.records.length && batch.baseOffset + (batch.records[first] as KafkaRecord).offsetDelta < this.nextOffset) first++;
      if (first < batch.records.length) {
        if (this.pendingBatches.length === 0) this.recordAt = first;
        else if (first > 0) batch = { ...batch, records: batch.records.slice(first) };
        this.pendingBatches.push(batch);
      }
    }
    this.nextOffset = last + 1;
  }
}
