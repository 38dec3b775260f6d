// The OffsetStore of a broker: an internal partition log (`__consumer_offsets-0`, opened by the
// broker's LogManager). Each append is one RecordBatch v2 of records keyed by group (and topic,
// partition), valued by offset, leader epoch, metadata and commit time, or null to delete — so a
// crash keeps all of an append or none of it (recovery truncates a torn batch whole). The append
// resolves when the log acknowledges it: after fdatasync under the flush policy `always`.
//
// The log is never compacted yet: open() replays it from the start, and it grows by one record
// per committed partition. Retention must never delete it (see OFFSETS_LOG_CONFIG).
import { createRecord, createRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../records/index.js';
import type { PartitionLog, PartitionLogConfig } from '../../log/partition-log.js';
import type { Clock } from './deadline-queue.js';
import { GroupErrorCode, groupError } from './group-errors.js';
import { decodeEntry, encodeEntry } from './offset-record-codec.js';
import type { OffsetStore, OffsetStoreEntry, OffsetStoreReplay } from './offset-store.js';

/** The partition log's name under the data directory (LogManager's validateLogName accepts it). */
export const OFFSETS_LOG_NAME = '__consumer_offsets-0';

/**
 * Settings the offsets log needs: every record is replayed, so retention must keep them all, and
 * acknowledged commits must be fsynced. Pass these for OFFSETS_LOG_NAME (LogManager `configFor`),
 * so no retention pass can run before the store is attached; the store also applies them itself.
 */
export const OFFSETS_LOG_CONFIG: Readonly<Partial<PartitionLogConfig>> = Object.freeze({
  retentionMs: -1,
  retentionBytes: -1,
  flushPolicy: Object.freeze({ kind: 'always' }),
});

export interface LogOffsetStoreOptions {
  /** Commit timestamps of the record batches (default Date.now). */
  clock?: Clock;
  /** Bytes read per step of the replay (default 1 MiB; a larger batch is still read whole). */
  replayReadBytes?: number;
}

export class LogOffsetStore implements OffsetStore {
  readonly log: PartitionLog;
  private readonly clock: Clock;
  private readonly replayReadBytes: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  /** `log` stays the opener's to close; the store only appends to it and reads it once. */
  constructor(log: PartitionLog, options: LogOffsetStoreOptions = {}) {
    this.log = log;
    this.clock = options.clock ?? Date.now;
    this.replayReadBytes = options.replayReadBytes ?? 1024 * 1024;
    log.reconfigure(OFFSETS_LOG_CONFIG);
  }

  async replay(visit: (entry: OffsetStoreEntry) => void): Promise<OffsetStoreReplay> {
    const log = this.log;
    const end = log.highWatermark;
    let offset = log.logStartOffset;
    let entries = 0;
    let bytes = 0;
    while (offset < end) {
      const read = await log.read(offset, this.replayReadBytes);
      if (read.bytes.length === 0) break;
      bytes += read.bytes.length;
      const { batches } = decodeRecordBatches(read.bytes, { batchBytesMax: log.config.batchBytesMax });
      if (batches.length === 0) break;
      for (const batch of batches) {
        if (batch.isControl) continue;
        for (const record of batch.records) {
          // A read starts at the batch holding `offset`; records before it were visited already.
          if (batch.baseOffset + record.offsetDelta < offset) continue;
          visit(decodeEntry(record.key, record.value));
          entries++;
        }
        offset = Math.max(offset, batch.baseOffset + batch.lastOffsetDelta + 1);
      }
    }
    return { entries, bytes };
  }

  async append(entries: readonly OffsetStoreEntry[]): Promise<void> {
    if (this.closed) throw groupError(GroupErrorCode.OFFSET_STORE_CLOSED, 'the offsets log store is closed; reopen the group coordinator');
    if (entries.length === 0) return;
    const timestampMs = this.clock();
    const records = entries.map((entry, i) => {
      const { key, value } = encodeEntry(entry);
      return createRecord({ offsetDelta: i, key, value });
    });
    const batch = encodeRecordBatch(createRecordBatch({ baseTimestamp: timestampMs, maxTimestamp: timestampMs, records }));
    const appended = this.log.append(batch);
    this.inFlight.add(appended);
    try {
      await appended;
    } finally {
      this.inFlight.delete(appended);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }
}
