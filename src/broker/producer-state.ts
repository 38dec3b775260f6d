// The idempotent-producer state of one partition (KIP-98), after Kafka's ProducerStateManager,
// ProducerStateEntry and ProducerAppendInfo: for each producer id, its epoch and the sequence and
// offset ranges of its last 5 batches. Pure bookkeeping, no I/O: the caller (producer-state-
// partition.ts) decides when a batch is handed to the log and when the state is rebuilt from it.
//
// The rules, checked in Kafka's order (UnifiedLog.analyzeAndValidateProducerState, then
// ProducerAppendInfo.checkProducerEpoch and checkSequence):
//   1. same epoch and the exact (firstSeq, lastSeq) of one of the last 5 batches → a duplicate:
//      answered with that batch's offsets, not appended again;
//   2. an epoch older than the producer's → INVALID_PRODUCER_EPOCH (Produce answers that code, not
//      PRODUCER_FENCED, since Kafka 2.7, KIP-588);
//   3. a newer epoch must start at sequence 0, else OUT_OF_ORDER_SEQUENCE_NUMBER;
//   4. the same epoch must continue at lastSeq + 1 (wrapping after Int32.MAX to 0), else
//      OUT_OF_ORDER_SEQUENCE_NUMBER; a duplicate older than the last 5 batches lands here too;
//   5. an unknown producer may start at any sequence: Kafka ≥ 2.5 (KIP-360) accepts it, because
//      retention or DeleteRecords may have removed every batch the producer wrote, and no longer
//      answers UNKNOWN_PRODUCER_ID for it.
import assert from 'node:assert';
import type { AppendResult } from '../log/partition-log.js';
import type { WharfError } from '../util/wharf-error.js';
import { ProducerErrorCode, producerError } from './producer-errors.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: the most batches a producer has in flight. */
export const PRODUCER_BATCHES_RETAINED = 5;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const INT32_MAX = 0x7fff_ffff;

/** Kafka's producer.id.expiration.ms default (KIP-854): a producer silent this long is forgotten. */
export const PRODUCER_EXPIRATION_MS_DEFAULT = 86_400_000;
/** Kafka's producer.id.expiration.check.interval.ms default. */
export const PRODUCER_EXPIRATION_CHECK_MS_DEFAULT = 600_000;
/**
 * Producers remembered per partition; beyond it the least recently used idle one is forgotten, as
 * if it had expired. Kafka has no such bound (KIP-936 discusses one); this keeps a client that
 * asks for a new producer id per message from growing the broker's memory without limit.
 */
export const PRODUCERS_PER_PARTITION_MAX_DEFAULT = 10_000;

export interface ProducerStateOptions {
  expirationMs?: number;
  expirationCheckMs?: number;
  producersMax?: number;
  nowMs?: () => number;
}

/** The producer fields of one batch header. */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  firstSeq: number;
  /** firstSeq + lastOffsetDelta, wrapped after Int32.MAX (see lastSequence). */
  lastSeq: number;
}

/** Kafka's DefaultRecordBatch.lastSequence: sequences wrap from Int32.MAX to 0. */
export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence > INT32_MAX - lastOffsetDelta) return lastOffsetDelta - (INT32_MAX - baseSequence) - 1;
  return baseSequence + lastOffsetDelta;
}

/** Kafka's ProducerAppendInfo.inSequence. */
export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/** One of a producer's last batches: its sequence range and, once appended, its offsets. */
export class RetainedBatch {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** -1 while the append is in flight. */
  baseOffset: number;
  lastOffset: number;
  /** The append in flight, which a duplicate waits for; null once the offsets are known. */
  pending: Promise<AppendResult> | null;

  constructor(firstSeq: number, lastSeq: number, baseOffset: number, lastOffset: number, pending: Promise<AppendResult> | null) {
    this.firstSeq = firstSeq;
    this.lastSeq = lastSeq;
    this.baseOffset = baseOffset;
    this.lastOffset = lastOffset;
    this.pending = pending;
  }

  /** The offsets the batch was (or is being) appended at: what a duplicate is answered with. */
  result(): Promise<AppendResult> {
    return this.pending ?? Promise.resolve({ baseOffset: this.baseOffset, lastOffset: this.lastOffset });
  }
}

class ProducerEntry {
  readonly producerId: number;
  epoch: number;
  /** Oldest first, at most PRODUCER_BATCHES_RETAINED. */
  readonly batches: RetainedBatch[];
  lastSeenMs: number;
  /** Appends handed to the log and not yet acknowledged: such a producer is never forgotten. */
  inFlight: number;

  constructor(producerId: number, epoch: number, nowMs: number) {
    this.producerId = producerId;
    this.epoch = epoch;
    this.batches = [];
    this.lastSeenMs = nowMs;
    this.inFlight = 0;
  }

  get lastSeq(): number {
    const last = this.batches[this.batches.length - 1];
    return last === undefined ? NO_SEQUENCE : last.lastSeq;
  }

  /** Kafka's ProducerStateEntry.addBatch: a new epoch drops the batches of the old one. */
  add(epoch: number, batch: RetainedBatch): void {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.batches.length = 0;
    }
    if (this.batches.length === PRODUCER_BATCHES_RETAINED) this.batches.shift();
    this.batches.push(batch);
  }

  findDuplicate(batch: ProducerBatch): RetainedBatch | null {
    if (batch.producerEpoch !== this.epoch) return null;
    for (const b of this.batches) if (b.firstSeq === batch.firstSeq && b.lastSeq === batch.lastSeq) return b;
    return null;
  }
}

/** What a test or a rebuild comparison sees of one producer. */
export interface ProducerSnapshot {
  producerId: number;
  epoch: number;
  batches: Array<{ firstSeq: number; lastSeq: number; baseOffset: number; lastOffset: number }>;
}

export class ProducerStateTable {
  /** In least-recently-used order: an append moves its producer to the end. */
  private readonly producers = new Map<number, ProducerEntry>();
  private readonly expirationMs: number;
  private readonly expirationCheckMs: number;
  private readonly producersMax: number;
  private readonly nowMs: () => number;
  private lastExpirationCheckMs: number;

  constructor(options: ProducerStateOptions = {}) {
    this.expirationMs = options.expirationMs ?? PRODUCER_EXPIRATION_MS_DEFAULT;
    this.expirationCheckMs = options.expirationCheckMs ?? PRODUCER_EXPIRATION_CHECK_MS_DEFAULT;
    this.producersMax = options.producersMax ?? PRODUCERS_PER_PARTITION_MAX_DEFAULT;
    this.nowMs = options.nowMs ?? Date.now;
    this.lastExpirationCheckMs = this.nowMs();
    assert(this.producersMax >= 1, 'producer state: producersMax must be at least 1');
  }

  get size(): number {
    return this.producers.size;
  }

  /**
   * Decides a produced batch: null to append it, the retained batch it duplicates, or the error to
   * refuse it with. Changes nothing; `begin` records an append.
   */
  check(batch: ProducerBatch): RetainedBatch | WharfError | null {
    const entry = this.producers.get(batch.producerId);
    if (entry === undefined) return null; // rule 5: an unknown producer starts anywhere (KIP-360)
    const duplicate = entry.findDuplicate(batch);
    if (duplicate !== null) return duplicate;
    const { producerId, producerEpoch, firstSeq } = batch;
    if (entry.epoch !== NO_PRODUCER_EPOCH && producerEpoch < entry.epoch) {
      return producerError(
        ProducerErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${producerId} sent epoch ${producerEpoch}, older than its current epoch ${entry.epoch}: another instance took over this producer id; this one must stop (or get a new producer id)`,
      );
    }
    if (producerEpoch !== entry.epoch) {
      if (firstSeq !== 0 && entry.epoch !== NO_PRODUCER_EPOCH) {
        return producerError(
          ProducerErrorCode.OUT_OF_ORDER_SEQUENCE,
          `producer ${producerId} began epoch ${producerEpoch} at sequence ${firstSeq}; a new epoch must begin at sequence 0`,
        );
      }
      return null;
    }
    const lastSeq = entry.lastSeq;
    if (!inSequence(lastSeq, firstSeq)) {
      return producerError(
        ProducerErrorCode.OUT_OF_ORDER_SEQUENCE,
        `producer ${producerId} epoch ${producerEpoch} sent sequence ${firstSeq}, but the next expected is ${lastSeq === INT32_MAX ? 0 : lastSeq + 1}; the producer must resend its batches in order`,
      );
    }
    return null;
  }

  /**
   * Records a batch that `check` accepted and that was just handed to the log, whose `pending`
   * append settles with its offsets. Later batches of the producer are checked against it at once,
   * which is what lets up to 5 pipelined requests in (G16).
   */
  begin(batch: ProducerBatch, pending: Promise<AppendResult>): RetainedBatch {
    const entry = this.touch(batch.producerId, batch.producerEpoch);
    const retained = new RetainedBatch(batch.firstSeq, batch.lastSeq, -1, -1, pending);
    entry.add(batch.producerEpoch, retained);
    entry.inFlight++;
    return retained;
  }

  /** The append of a `begin` batch is durable at `result`. */
  acknowledge(producerId: number, retained: RetainedBatch, result: AppendResult): void {
    retained.baseOffset = result.baseOffset;
    retained.lastOffset = result.lastOffset;
    retained.pending = null;
    const entry = this.producers.get(producerId);
    if (entry !== undefined && entry.inFlight > 0) entry.inFlight--;
  }

  /** Replays a batch read back from the log (recovery): no checks, as Kafka loads its log. */
  replay(batch: ProducerBatch, baseOffset: number, lastOffset: number): void {
    const entry = this.touch(batch.producerId, batch.producerEpoch);
    entry.add(batch.producerEpoch, new RetainedBatch(batch.firstSeq, batch.lastSeq, baseOffset, lastOffset, null));
  }

  snapshot(): ProducerSnapshot[] {
    const out: ProducerSnapshot[] = [];
    for (const e of this.producers.values()) {
      out.push({
        producerId: e.producerId,
        epoch: e.epoch,
        batches: e.batches.map((b) => ({ firstSeq: b.firstSeq, lastSeq: b.lastSeq, baseOffset: b.baseOffset, lastOffset: b.lastOffset })),
      });
    }
    return out.sort((a, b) => a.producerId - b.producerId);
  }

  /** The producer's entry, created if new and moved to the most recently used end. */
  private touch(producerId: number, epoch: number): ProducerEntry {
    const now = this.nowMs();
    let entry = this.producers.get(producerId);
    if (entry === undefined) {
      this.expire(now);
      entry = new ProducerEntry(producerId, epoch, now);
    } else {
      this.producers.delete(producerId);
    }
    entry.lastSeenMs = now;
    this.producers.set(producerId, entry);
    return entry;
  }

  /**
   * Forgets producers silent for expirationMs (checked at most every expirationCheckMs, as Kafka's
   * removeExpiredProducers) and, over producersMax, the least recently used idle ones. A forgotten
   * producer is unknown again: its next batch is accepted at any sequence (rule 5).
   */
  private expire(now: number): void {
    if (now - this.lastExpirationCheckMs >= this.expirationCheckMs) {
      this.lastExpirationCheckMs = now;
      for (const [id, e] of this.producers) {
        if (e.inFlight === 0 && now - e.lastSeenMs >= this.expirationMs) this.producers.delete(id);
      }
    }
    if (this.producers.size < this.producersMax) return;
    for (const [id, e] of this.producers) {
      if (e.inFlight > 0) continue;
      this.producers.delete(id);
      if (this.producers.size < this.producersMax) return;
    }
  }
}
