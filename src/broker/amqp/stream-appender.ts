// The publish side of a stream queue: messages published in one turn of the event loop become
// Kafka records (src/broker/interop, the mapping Kafka clients read) in as few RecordBatch v2
// batches as the size limits allow, appended together, so they share one group commit and one
// `stored` promise. A publisher confirm waits for that promise: the records are durable under the
// flush policy, the same contract as a persistent message in a durable queue.
import type { Logger } from 'pino';
import { createRecord, createRecordBatch, encodeRecordBatch, type Record as KafkaRecord } from '../../records/index.js';
import { messageToRecord, type MappedRecord } from '../interop/message-to-record.js';
import { batchRecordCount } from '../traffic-counters.js';
import type { StreamLog } from './stream-storage.js';
import type { Message } from './types.js';

/** Batches stay below this (several go into one append); a single larger message gets a batch of its own. */
const BATCH_BYTES_TARGET = 1024 * 1024;

const noop = (): void => undefined;

function recordBytesEstimate(r: MappedRecord): number {
  let n = 32 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += 8 + h.key.length * 3 + (h.value?.length ?? 0);
  return n;
}

export class StreamAppender {
  private readonly stream: StreamLog;
  private readonly logger: Logger;
  private readonly nowMs: () => number;
  private pending: MappedRecord[] = [];
  private pendingStored: Promise<void> | undefined = undefined;
  private resolvePending: () => void = noop;
  private rejectPending: (err: unknown) => void = noop;
  private appendsSettled: Promise<void> = Promise.resolve();
  private readonly flushBound = (): void => this.flush();

  constructor(stream: StreamLog, logger: Logger, nowMs: () => number) {
    this.stream = stream;
    this.logger = logger;
    this.nowMs = nowMs;
  }

  /**
   * Maps the message to a record for this turn's append and returns the turn's `stored` promise.
   * Throws MALFORMED when the properties do not parse (the publish is refused).
   */
  add(message: Message): Promise<void> {
    const record = messageToRecord(message, this.nowMs());
    if (this.pendingStored === undefined) {
      this.pendingStored = new Promise<void>((resolve, reject) => {
        this.resolvePending = resolve;
        this.rejectPending = reject;
      });
      // A publisher without confirms never looks at `stored`; its failure is logged in flush.
      this.pendingStored.catch(noop);
      queueMicrotask(this.flushBound);
    }
    this.pending.push(record);
    return this.pendingStored;
  }

  /** Settles once every append issued so far has settled. Never rejects. */
  whenAppended(): Promise<void> {
    return this.appendsSettled;
  }

  /** Appends what is pending now (close calls this before waiting). */
  flush(): void {
    const records = this.pending;
    if (records.length === 0) return;
    const resolve = this.resolvePending;
    const reject = this.rejectPending;
    this.pending = [];
    this.pendingStored = undefined;
    this.resolvePending = noop;
    this.rejectPending = noop;
    let appended: Promise<unknown>;
    try {
      appended = Promise.all(this.encodeAppends(records).map((bytes) => this.append(bytes)));
    } catch (err) {
      appended = Promise.reject(err);
    }
    const all = appended.then(
      () => resolve(),
      (err: unknown) => {
        this.logger.error({ err, log: this.stream.log.dir }, 'appending published messages to a stream queue failed; their publishers get nacks');
        reject(err);
      },
    );
    this.appendsSettled = this.appendsSettled.then(() => all);
  }

  private async append(bytes: Buffer): Promise<void> {
    await this.stream.log.append(bytes);
    const counters = this.stream.counters;
    if (counters !== null) {
      counters.recordsIn += batchRecordCount(bytes);
      counters.bytesIn += bytes.length;
    }
  }

  /** Cuts records into batches of about BATCH_BYTES_TARGET, and batches into appends the log accepts. */
  private encodeAppends(records: MappedRecord[]): Buffer[] {
    // The log's bound on one append (a topic's is at least its max.message.bytes).
    const appendBytesMax = this.stream.log.config.batchBytesMax;
    const out: Buffer[] = [];
    let group: Buffer[] = [];
    let groupBytes = 0;
    let start = 0;
    while (start < records.length) {
      let end = start;
      let bytes = 0;
      while (end < records.length && (end === start || bytes + recordBytesEstimate(records[end] as MappedRecord) <= BATCH_BYTES_TARGET)) {
        bytes += recordBytesEstimate(records[end] as MappedRecord);
        end++;
      }
      const batch = encodeBatch(records, start, end);
      if (group.length > 0 && groupBytes + batch.length > appendBytesMax) {
        out.push(Buffer.concat(group, groupBytes));
        group = [];
        groupBytes = 0;
      }
      group.push(batch);
      groupBytes += batch.length;
      start = end;
    }
    if (group.length > 0) out.push(group.length === 1 ? (group[0] as Buffer) : Buffer.concat(group, groupBytes));
    return out;
  }
}

/** One RecordBatch v2 (CreateTime) of records[start, end). */
function encodeBatch(records: readonly MappedRecord[], start: number, end: number): Buffer {
  const baseTimestamp = (records[start] as MappedRecord).timestampMs;
  let maxTimestamp = baseTimestamp;
  const out: KafkaRecord[] = new Array<KafkaRecord>(end - start);
  for (let i = start; i < end; i++) {
    const r = records[i] as MappedRecord;
    if (r.timestampMs > maxTimestamp) maxTimestamp = r.timestampMs;
    out[i - start] = createRecord({ timestampDelta: r.timestampMs - baseTimestamp, offsetDelta: i - start, key: r.key, value: r.value, headers: r.headers });
  }
  return encodeRecordBatch(createRecordBatch({ baseTimestamp, maxTimestamp, records: out }));
}
