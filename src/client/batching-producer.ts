// Produces records to one topic in batches. Records are gathered per partition into a batch of
// up to `batchBytesMax` (uncompressed); sealed batches go out in Produce requests (one batch per
// partition per request, as Produce v3+ requires) with up to `maxInFlight` requests waiting for
// answers. While a slot is free, `pump()` also sends the batches still open, so a slow trickle of
// input goes out at once and a fast stream coalesces into large batches while requests are in
// flight. Requests leave in order on one connection, so each partition keeps the input order.
import {
  createRecord, createRecordBatch, encodeRecordBatch, recordBytes, CompressionCodec, type Record, type RecordHeader,
} from '../records/index.js';
import { checkErrorCode } from './client-errors.js';
import type { KafkaClient } from './kafka-client.js';
import { CLIENT_APIS } from './version-negotiation.js';

export type Acks = 0 | 1 | -1;

export interface ProducerOptions {
  readonly topic: string;
  /** 0: no answer (nothing is known about delivery), 1: the leader stored it, -1: all in-sync replicas. */
  readonly acks: Acks;
  readonly compression?: CompressionCodec;
  /** Uncompressed bytes of records per batch before it is sealed (the broker's max.message.bytes caps it). */
  readonly batchBytesMax?: number;
  /** Record batch bytes per Produce request. */
  readonly requestBytesMax?: number;
  readonly maxInFlight?: number;
  /** How long the broker may wait for acks=all before answering REQUEST_TIMED_OUT. */
  readonly timeoutMs?: number;
}

export interface OutgoingRecord {
  readonly partition: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  readonly timestampMs: number;
}

export const BATCH_BYTES_MAX_DEFAULT = 256 * 1024;
const REQUEST_BYTES_MAX_DEFAULT = 4 * 1024 * 1024;
const MAX_IN_FLIGHT_DEFAULT = 5;

interface OpenBatch {
  readonly partition: number;
  readonly baseTimestamp: number;
  readonly records: Record[];
  bytes: number;
  payloadBytes: number;
}

interface SealedBatch {
  readonly partition: number;
  readonly bytes: Buffer;
  readonly records: number;
  readonly payloadBytes: number;
}

export interface ProducerStats {
  /** Records and key+value bytes handed to add(). */
  recordsAdded: number;
  payloadBytesAdded: number;
  /** Records the broker acknowledged (with acks=0: written to the socket). */
  recordsAcked: number;
  payloadBytesAcked: number;
  requests: number;
}

export class BatchingProducer {
  readonly stats: ProducerStats = { recordsAdded: 0, payloadBytesAdded: 0, recordsAcked: 0, payloadBytesAcked: 0, requests: 0 };
  private readonly compression: CompressionCodec;
  private readonly batchBytesMax: number;
  private readonly requestBytesMax: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;
  private readonly version: number;
  private readonly open = new Map<number, OpenBatch>();
  private sealed: SealedBatch[] = [];
  /** Requests awaiting answers, oldest first; never more than maxInFlight, so shift() is cheap. */
  private readonly inFlight: Promise<void>[] = [];

  constructor(private readonly client: KafkaClient, private readonly options: ProducerOptions) {
    this.compression = options.compression ?? CompressionCodec.none;
    this.batchBytesMax = options.batchBytesMax ?? BATCH_BYTES_MAX_DEFAULT;
    this.requestBytesMax = Math.max(options.requestBytesMax ?? REQUEST_BYTES_MAX_DEFAULT, this.batchBytesMax);
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT_DEFAULT;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.version = client.version(CLIENT_APIS.produce);
  }

  /** Adds a record to its partition's open batch; sealing it when full. Never waits. */
  add(r: OutgoingRecord): void {
    let batch = this.open.get(r.partition);
    if (batch === undefined) {
      batch = { partition: r.partition, baseTimestamp: r.timestampMs, records: [], bytes: 0, payloadBytes: 0 };
      this.open.set(r.partition, batch);
    }
    const record = createRecord({
      offsetDelta: batch.records.length,
      timestampDelta: r.timestampMs - batch.baseTimestamp,
      key: r.key,
      value: r.value,
      headers: [...r.headers],
    });
    const payload = (r.key?.length ?? 0) + (r.value?.length ?? 0);
    batch.records.push(record);
    batch.bytes += recordBytes(record);
    batch.payloadBytes += payload;
    this.stats.recordsAdded += 1;
    this.stats.payloadBytesAdded += payload;
    if (batch.bytes >= this.batchBytesMax) this.seal(batch);
  }

  /**
   * Sends every sealed batch, waiting for in-flight slots as needed, then the open batches too
   * if a slot is free. Rejects with the first error the broker answered.
   */
  async pump(): Promise<void> {
    while (this.sealed.length > 0) {
      await this.waitForSlot();
      this.sendRequest();
    }
    if (this.open.size > 0 && this.inFlight.length < this.maxInFlight) {
      for (const batch of [...this.open.values()]) this.seal(batch);
      while (this.sealed.length > 0 && this.inFlight.length < this.maxInFlight) this.sendRequest();
    }
  }

  /** Sends everything and waits for every answer. */
  async flush(): Promise<void> {
    for (const batch of [...this.open.values()]) this.seal(batch);
    while (this.sealed.length > 0) {
      await this.waitForSlot();
      this.sendRequest();
    }
    while (this.inFlight.length > 0) await this.inFlight.shift();
  }

  private seal(batch: OpenBatch): void {
    this.open.delete(batch.partition);
    const bytes = encodeRecordBatch(createRecordBatch({ baseTimestamp: batch.baseTimestamp, compression: this.compression, records: batch.records }));
    this.sealed.push({ partition: batch.partition, bytes, records: batch.records.length, payloadBytes: batch.payloadBytes });
  }

  private async waitForSlot(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
  }

  /** Sends the oldest sealed batch of each partition, up to requestBytesMax, in one request. */
  private sendRequest(): void {
    const taken: SealedBatch[] = [];
    const rest: SealedBatch[] = [];
    const partitions = new Set<number>();
    let bytes = 0;
    for (const b of this.sealed) {
      if (partitions.has(b.partition) || (taken.length > 0 && bytes + b.bytes.length > this.requestBytesMax)) {
        rest.push(b);
        continue;
      }
      partitions.add(b.partition);
      taken.push(b);
      bytes += b.bytes.length;
    }
    this.sealed = rest;
    const body = {
      transactionalId: null,
      acks: this.options.acks,
      timeoutMs: this.timeoutMs,
      topicData: [{ name: this.options.topic, partitionData: taken.map((b) => ({ index: b.partition, records: b.bytes })) }],
    };
    this.stats.requests += 1;
    const done = this.options.acks === 0
      ? this.client.connection.send(CLIENT_APIS.produce.schema, this.version, body)
      : this.client.request(CLIENT_APIS.produce, body, { version: this.version, timeoutMs: this.timeoutMs + 30_000 }).then((res) => {
        for (const t of res.responses) {
          for (const p of t.partitionResponses) checkErrorCode(p.errorCode, `producing to ${t.name} partition ${p.index}`, p.errorMessage);
        }
      });
    const counted = done.then(() => {
      for (const b of taken) {
        this.stats.recordsAcked += b.records;
        this.stats.payloadBytesAcked += b.payloadBytes;
      }
    });
    // Rejections are awaited (and thrown) in order by waitForSlot/flush; this only keeps Node
    // from reporting them as unhandled while they wait their turn.
    counted.catch(() => undefined);
    this.inFlight.push(counted);
  }
}
