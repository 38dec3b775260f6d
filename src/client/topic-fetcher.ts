// Reads one topic's partitions from given offsets with Fetch v4+ (RecordBatch v2 only), as a
// consumer without a group does: it keeps each partition's next offset itself. A fetch waits up
// to maxWaitMs on the broker for data (long poll) and returns what arrived, decoded.
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import { decodeRecordBatches, recordTimestampMs, type RecordHeader } from '../records/index.js';
import { BrokerError, checkErrorCode } from './client-errors.js';
import type { KafkaClient } from './kafka-client.js';
import { CLIENT_APIS } from './version-negotiation.js';

export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: number;
  /** ms since the epoch: the producer's time, or the broker's with LogAppendTime topics. */
  readonly timestamp: number;
  /** Views into the response frame: copy them to keep them past the next fetch. */
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

export interface FetchOptions {
  /** How long the broker may hold a fetch while it has less than minBytes. */
  readonly maxWaitMs?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly partitionMaxBytes?: number;
}

export interface FetchResult {
  readonly records: ConsumedRecord[];
  /** High watermark of each partition in the answer. */
  readonly highWatermarks: ReadonlyMap<number, number>;
}

const PARTITION_MAX_BYTES_DEFAULT = 1024 * 1024;
const PARTITION_MAX_BYTES_CAP = 64 * 1024 * 1024;
/** Batches of a topic may be as large as its max.message.bytes; trust up to this much. */
const BATCH_BYTES_MAX = 64 * 1024 * 1024;
const DECOMPRESSED_BYTES_MAX = 256 * 1024 * 1024;

export class TopicFetcher {
  private readonly positions: Map<number, number>;
  private readonly partitionMaxBytes = new Map<number, number>();
  private readonly version: number;

  constructor(private readonly client: KafkaClient, readonly topic: string, start: ReadonlyMap<number, number>, private readonly options: FetchOptions = {}) {
    this.positions = new Map(start);
    this.version = client.version(CLIENT_APIS.fetch);
  }

  /** The next offset to read from each partition. */
  get nextOffsets(): ReadonlyMap<number, number> {
    return this.positions;
  }

  async fetch(): Promise<FetchResult> {
    const maxWaitMs = this.options.maxWaitMs ?? 500;
    const body = await this.client.request(CLIENT_APIS.fetch, {
      replicaId: -1,
      maxWaitMs,
      minBytes: this.options.minBytes ?? 1,
      maxBytes: this.options.maxBytes ?? 50 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{
        topic: this.topic,
        partitions: [...this.positions].map(([partition, fetchOffset]) => ({
          partition,
          fetchOffset,
          partitionMaxBytes: this.partitionMaxBytes.get(partition) ?? this.options.partitionMaxBytes ?? PARTITION_MAX_BYTES_DEFAULT,
        })),
      }],
    }, { version: this.version, timeoutMs: maxWaitMs + 30_000 });
    checkErrorCode(body.errorCode, `fetching from ${this.topic}`);
    const records: ConsumedRecord[] = [];
    const highWatermarks = new Map<number, number>();
    for (const t of body.responses) {
      for (const p of t.partitions) {
        this.checkPartitionError(p.partitionIndex, p.errorCode, p.logStartOffset, p.highWatermark);
        highWatermarks.set(p.partitionIndex, p.highWatermark);
        this.readRecords(p.partitionIndex, p.records, records);
      }
    }
    return { records, highWatermarks };
  }

  private checkPartitionError(partition: number, errorCode: number, logStartOffset: number, highWatermark: number): void {
    if (errorCode === KafkaErrorCode.OFFSET_OUT_OF_RANGE) {
      const range = logStartOffset >= 0 ? ` (log start offset ${logStartOffset}, end offset ${highWatermark})` : '';
      throw new BrokerError(errorCode,
        `offset ${this.positions.get(partition)} is out of range for ${this.topic} partition ${partition}${range}; use --from beginning, --from end or an offset in that range`);
    }
    checkErrorCode(errorCode, `fetching from ${this.topic} partition ${partition}`);
  }

  private readRecords(partition: number, data: Buffer | null, out: ConsumedRecord[]): void {
    if (data === null || data.length === 0) return;
    const position = this.positions.get(partition) ?? 0;
    let next = position;
    const { batches, trailingBytes } = decodeRecordBatches(data, { batchBytesMax: BATCH_BYTES_MAX, decompressedBytesMax: DECOMPRESSED_BYTES_MAX });
    for (const batch of batches) {
      const batchEnd = batch.baseOffset + batch.lastOffsetDelta + 1;
      if (batchEnd <= next) continue;
      // Control batches (transaction markers, KIP-98) take offsets but hold no application records.
      if (!batch.isControl) {
        for (const r of batch.records) {
          const offset = batch.baseOffset + r.offsetDelta;
          // A batch may start before the fetch offset; its earlier records were already read.
          if (offset < next) continue;
          const timestamp = recordTimestampMs(batch, r);
          out.push({ partition, offset, timestamp, key: r.key, value: r.value, headers: r.headers });
        }
      }
      next = batchEnd;
    }
    if (next === position && trailingBytes > 0) {
      // Only a cut-off batch came back: it is larger than the per-partition limit, so ask for more.
      const current = this.partitionMaxBytes.get(partition) ?? this.options.partitionMaxBytes ?? PARTITION_MAX_BYTES_DEFAULT;
      this.partitionMaxBytes.set(partition, Math.min(current * 2, PARTITION_MAX_BYTES_CAP));
    }
    this.positions.set(partition, next);
  }
}
