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
import { groupIntoAppends, TurnAppends } from './turn-appends.js';
import type { Message } from './types.js';

function recordBytesEstimate(r: MappedRecord): number {
  let n = 32 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers) n += 8 + h.key.length * 3 + (h.value?.length ?? 0);
  return n;
}

export class StreamAppender {
  private readonly stream: StreamLog;
  private readonly nowMs: () => number;
  private readonly turn: TurnAppends<MappedRecord>;

  constructor(stream: StreamLog, logger: Logger, nowMs: () => number) {
    this.stream = stream;
    this.nowMs = nowMs;
    this.turn = new TurnAppends(
      (records) => Promise.all(this.encodeAppends(records).map((bytes) => this.append(bytes))),
      (err) => logger.error({ err, log: stream.log.dir }, 'appending published messages to a stream queue failed; their publishers get nacks'),
    );
  }

  /**
   * Maps the message to a record for this turn's append and returns the turn's `stored` promise.
   * Throws MALFORMED when the properties do not parse (the publish is refused).
   */
  add(message: Message): Promise<void> {
    return this.turn.add(messageToRecord(message, this.nowMs()));
  }

  /** Settles once every append issued so far has settled. Never rejects. */
  whenAppended(): Promise<void> {
    return this.turn.whenAppended();
  }

  /** Appends what is pending now (close calls this before waiting). */
  flush(): void {
    this.turn.flush();
  }

  private async append(bytes: Buffer): Promise<void> {
    await this.stream.log.append(bytes);
    const counters = this.stream.counters;
    if (counters !== null) {
      counters.recordsIn += batchRecordCount(bytes);
      counters.bytesIn += bytes.length;
    }
  }

  /** Cuts records into batches, and batches into appends the log accepts (a topic's bound is at least its max.message.bytes). */
  private encodeAppends(records: readonly MappedRecord[]): Buffer[] {
    return groupIntoAppends(
      records.length,
      (i) => recordBytesEstimate(records[i] as MappedRecord),
      (start, end) => encodeBatch(records, start, end),
      this.stream.log.config.batchBytesMax,
    ).map((append) => append.bytes);
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
