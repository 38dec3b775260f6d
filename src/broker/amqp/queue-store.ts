// The disk side of a durable queue: its partition log `~q.<id>` of message records, and its ack
// state (metadata document `amqp-queue-<id>`). The queue is the log's only writer, so the offset
// of every persistent message is known when it is enqueued: the store counts from logEndOffset.
// Messages enqueued in one turn of the event loop go out as one append (one group commit), and
// share one `stored` promise. The ack state is written at most every ackStateIntervalMs when it
// changed, and then the log start moves up to the ack head, so fully acked segments are deleted.
import { strict as assert } from 'node:assert';
import type { Logger } from 'pino';
import type { MetadataStore } from '../../cluster/metadata-store.js';
import type { PartitionLog } from '../../log/partition-log.js';
import { decodeRecordBatches } from '../../records/index.js';
import type { TimerDriver } from '../groups/deadline-queue.js';
import { decodeMessageRecord, encodeMessageBatch, estimatedRecordBytes, type PendingRecord, type StoredMessage } from './message-record.js';
import { AckState, OffsetRanges, parseAckSnapshot } from './queue-ack-state.js';
import { groupIntoAppends, TurnAppends } from './turn-appends.js';
import type { Message } from './types.js';

/** Bytes asked of the log per read while recovering. */
const RECOVERY_READ_BYTES = 1024 * 1024;

export interface QueueStoreDeps {
  logger: Logger;
  metadata: MetadataStore;
  timers: TimerDriver;
  ackStateIntervalMs: number;
  deleteLog(name: string): Promise<void>;
}

export interface RecoveredMessage {
  offset: number;
  stored: StoredMessage;
  redelivered: boolean;
}

export function queueLogName(id: number): string {
  return `~q.${id}`;
}

export function ackStateDocumentName(id: number): string {
  return `amqp-queue-${id}`;
}

export class QueueStore {
  readonly logName: string;
  private readonly docName: string;
  private readonly log: PartitionLog;
  private readonly deps: QueueStoreDeps;
  private readonly ack: AckState;
  private nextOffset: number;
  private readonly turn: TurnAppends<PendingRecord>;
  private saveTimer: unknown = null;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(id: number, log: PartitionLog, deps: QueueStoreDeps, ack: AckState) {
    this.logName = queueLogName(id);
    this.docName = ackStateDocumentName(id);
    this.log = log;
    this.deps = deps;
    this.ack = ack;
    this.nextOffset = log.logEndOffset;
    this.turn = new TurnAppends(
      (records) => this.appendRecords(records),
      (err) => deps.logger.error({ err, log: this.logName }, 'appending persistent messages to an AMQP queue log failed; their publishers get nacks'),
    );
  }

  /**
   * Reads the ack state and the log, calling `onMessage` for every message not done, in log
   * order. After anything but a clean close every recovered message may have been delivered, so
   * it comes back redelivered; after a clean close only those unacked at the time do.
   */
  static async open(id: number, log: PartitionLog, deps: QueueStoreDeps, onMessage: (m: RecoveredMessage) => void): Promise<QueueStore> {
    const snapshot = parseAckSnapshot(await deps.metadata.read(ackStateDocumentName(id)));
    const logEnd = log.highWatermark;
    // The ack state can run ahead of the log: an entry may be acked before its append is durable,
    // and a crash can then cut the log shorter than the head. Offsets past the end will be reused.
    const head = Math.min(Math.max(snapshot?.head ?? 0, log.logStartOffset), logEnd);
    const done = OffsetRanges.fromArray(snapshot?.done ?? []);
    done.truncateFrom(logEnd);
    const delivered = OffsetRanges.fromArray(snapshot?.delivered ?? []);
    const clean = snapshot?.clean === true;
    const store = new QueueStore(id, log, deps, new AckState(head, done));
    let offset = head;
    while (offset < logEnd) {
      const { bytes } = await log.read(offset, RECOVERY_READ_BYTES);
      if (bytes.length === 0) break;
      const { batches } = decodeRecordBatches(bytes, { batchBytesMax: log.config.batchBytesMax });
      if (batches.length === 0) break;
      for (const batch of batches) {
        for (const record of batch.records) {
          const at = batch.baseOffset + record.offsetDelta;
          if (at < offset || at >= logEnd || store.ack.isDone(at)) continue;
          onMessage({ offset: at, stored: decodeMessageRecord(record, batch.baseTimestamp), redelivered: !clean || delivered.has(at) });
        }
        offset = Math.max(offset, batch.baseOffset + batch.lastOffsetDelta + 1);
      }
    }
    // From now on a crash is unclean: say so on disk before anything is delivered.
    if (snapshot === null || clean) await deps.metadata.write(store.docName, store.ack.snapshot(new OffsetRanges(), false));
    return store;
  }

  /** Queues a persistent message for this turn's append; returns its offset and the turn's `stored` promise. */
  append(message: Message, enqueuedAtMs: number): { offset: number; stored: Promise<void> } {
    const stored = this.turn.add({ message, enqueuedAtMs });
    return { offset: this.nextOffset++, stored };
  }

  markDone(offset: number): void {
    this.ack.markDone(offset);
    if (!this.dirty) {
      this.dirty = true;
      if (this.saveTimer === null && !this.closed) this.saveTimer = this.deps.timers.set(this.saveTick, this.deps.ackStateIntervalMs);
    }
  }

  isDone(offset: number): boolean {
    return this.ack.isDone(offset);
  }

  get ackHead(): number {
    return this.ack.head;
  }

  /** Waits for the appends issued so far (close, tests). Never rejects. */
  whenAppended(): Promise<void> {
    return this.turn.whenAppended();
  }

  /** Writes pending appends and the ack state, marked clean, with `delivered` (offsets of unacked entries). */
  async close(delivered: readonly number[]): Promise<void> {
    this.stopTimer();
    this.closed = true;
    this.turn.flush();
    await this.turn.whenAppended();
    const ranges = new OffsetRanges();
    for (const o of [...delivered].sort((a, b) => a - b)) ranges.add(o);
    await this.serialized(() => this.deps.metadata.write(this.docName, this.ack.snapshot(ranges, true)));
  }

  /** Deletes the log and forgets the ack state (MetadataStore has no delete: a null document means none). */
  async delete(): Promise<void> {
    this.stopTimer();
    this.closed = true;
    this.turn.flush();
    await this.turn.whenAppended();
    await this.serialized(async () => {
      await this.deps.deleteLog(this.logName);
      await this.deps.metadata.write(this.docName, null);
    });
  }

  // ---- internals ----

  private readonly saveTick = (): void => {
    this.saveTimer = null;
    if (this.closed || !this.dirty) return;
    this.dirty = false;
    void this.serialized(() => this.save());
  };

  private async save(): Promise<void> {
    await this.deps.metadata.write(this.docName, this.ack.snapshot(new OffsetRanges(), false));
    // The log start may only move over durable offsets; the rest follows on a later save.
    const upTo = Math.min(this.ack.head, this.log.highWatermark);
    if (upTo > this.log.logStartOffset && this.log.failure === null) await this.log.deleteRecordsBefore(upTo);
  }

  /** Runs `task` after the previous one; logs its failure instead of throwing (a later save retries). */
  private serialized(task: () => Promise<void>): Promise<void> {
    const run = this.saving.then(task).catch((err: unknown) => {
      this.deps.logger.error({ err, log: this.logName }, 'persisting the ack state of an AMQP queue failed; acked messages may come back after a restart');
      this.dirty = true;
    });
    this.saving = run;
    return run;
  }

  private stopTimer(): void {
    if (this.saveTimer !== null) this.deps.timers.clear(this.saveTimer);
    this.saveTimer = null;
  }

  /** Appends a turn's records (the last `records.length` offsets handed out), checking the offsets the log gives them. */
  private appendRecords(records: readonly PendingRecord[]): Promise<unknown> {
    const firstOffset = this.nextOffset - records.length;
    const appends = groupIntoAppends(
      records.length,
      (i) => estimatedRecordBytes((records[i] as PendingRecord).message),
      (start, end) => encodeMessageBatch(records.slice(start, end)),
      this.log.config.batchBytesMax,
    ).map(({ bytes, first }) =>
      this.log.append(bytes).then((result) => {
        assert.equal(result.baseOffset, firstOffset + first, 'queue log offsets diverged from the predicted ones');
      }),
    );
    return Promise.all(appends);
  }
}
