// Idempotent appends to one partition (KIP-98): each batch that carries a producer id is checked
// against the partition's producer state and handed to the log in the same synchronous step, so
// the check and the offset assignment happen in one order. PartitionLog.append queues batches in
// call order and assigns their offsets in that order, so pipelined requests of one producer (up to
// 5 in flight, G16) are checked against each other as the log will store them.
//
// The state advances when a batch is handed to the log, before it is durable, so the next batch in
// flight is checked against it (as Kafka updates its state on the local append, before replicas
// acknowledge). A retried duplicate of a batch still in flight waits for that append and is
// answered with its offsets, never before they are durable. If an append fails, the state is
// dropped and rebuilt from the log on the next idempotent produce, so it holds exactly the batches
// that were stored. That is sound because the batch was checked whole (length, magic, CRC) before
// it was handed over: past that point PartitionLog.append fails only when the log itself fails
// (closed, or a disk error), which fails every append queued after it too.
import type { AppendResult, PartitionLog } from '../log/partition-log.js';
import { checkBatchAt } from '../records/batch-check.js';
import type { WharfError } from '../util/wharf-error.js';
import { batchBaseSequence, hasSafeProducerId, isTransactionalBatch, producerBatchAt } from './producer-batch.js';
import { ProducerErrorCode, producerError } from './producer-errors.js';
import { loadProducerState, type ProducerStateLoad } from './producer-state-load.js';
import { ProducerStateTable, RetainedBatch, type ProducerBatch, type ProducerSnapshot, type ProducerStateOptions } from './producer-state.js';

export class PartitionProducers {
  private readonly log: PartitionLog;
  private readonly options: ProducerStateOptions;
  /** Null until loaded from the log, and again after a failed append. */
  private table: ProducerStateTable | null = null;
  private loading: Promise<ProducerStateTable> | null = null;
  /** What the last rebuild from the log scanned (for tests and diagnostics). */
  lastLoad: ProducerStateLoad | null = null;

  constructor(log: PartitionLog, options: ProducerStateOptions = {}) {
    this.log = log;
    this.options = options;
  }

  /**
   * Appends `records`, `batchCount` batches of which at least one carries a producer id. Resolves
   * with the offsets of the append, or of the original batch when this one is a retried duplicate.
   */
  append(records: Buffer, batchCount: number): Promise<AppendResult> {
    // Kafka's ProduceRequest.validateRecords allows exactly one batch per partition from v3 on.
    if (batchCount !== 1) {
      return Promise.reject(producerError(
        ProducerErrorCode.INVALID_PRODUCER_BATCH,
        `an idempotent produce carries ${batchCount} batches for one partition; send exactly one batch per partition`,
      ));
    }
    // A batch the log will refuse (length, magic, CRC) goes to it unchecked: it fails on its own
    // with the log's error and changes no state. Every batch handed over below is one it accepts.
    if (checkBatchAt(records, 0, records.length, this.log.config.batchBytesMax, true) !== records.length) return this.log.append(records);
    const refused = refuseBatch(records);
    if (refused !== null) return Promise.reject(refused);
    const batch = producerBatchAt(records, 0);
    const table = this.table;
    if (table !== null) return this.appendChecked(table, records, batch);
    // The first idempotent produce since the log was opened (or since an append failed): rebuild
    // from the log first. Later calls chain on the same promise, so they run in call order.
    return this.load().then((t) => this.appendChecked(t, records, batch));
  }

  /** The producers the state holds now, loading it from the log first if needed. */
  async snapshot(): Promise<ProducerSnapshot[]> {
    return (this.table ?? (await this.load())).snapshot();
  }

  /** How `batch` would be decided now: 'append', 'duplicate' or the WHARF_ERR_* code. */
  async decide(batch: ProducerBatch): Promise<string> {
    const verdict = (this.table ?? (await this.load())).check(batch);
    if (verdict === null) return 'append';
    return verdict instanceof RetainedBatch ? 'duplicate' : verdict.code;
  }

  private appendChecked(table: ProducerStateTable, records: Buffer, batch: ProducerBatch): Promise<AppendResult> {
    const verdict = table.check(batch);
    if (verdict instanceof RetainedBatch) return verdict.result(); // KIP-98: the original offsets, nothing appended
    if (verdict !== null) return Promise.reject(verdict);
    const pending = this.log.append(records);
    const retained = table.begin(batch, pending);
    // Registered before the caller's handlers, so the state is settled before the answer goes out.
    pending.then(
      (result) => table.acknowledge(batch.producerId, retained, result),
      () => this.forget(table),
    );
    return pending;
  }

  private forget(table: ProducerStateTable): void {
    if (this.table === table) this.table = null;
  }

  private load(): Promise<ProducerStateTable> {
    if (this.loading === null) {
      const table = new ProducerStateTable(this.options);
      this.loading = loadProducerState(this.log, table, this.options.nowMs).then(
        (report) => {
          this.lastLoad = report;
          this.table = table;
          this.loading = null;
          return table;
        },
        (err: unknown) => {
          this.loading = null; // the next idempotent produce tries again
          throw err;
        },
      );
    }
    return this.loading;
  }
}

/** The error for a batch the idempotence rules refuse before any state is consulted, or null. */
function refuseBatch(records: Buffer): WharfError | null {
  if (isTransactionalBatch(records, 0)) {
    // Kafka (KIP-890) answers a transactional batch for a partition outside an ongoing transaction
    // with INVALID_TXN_STATE; Wharf serves no transactions, so no transaction is ever ongoing.
    return producerError(ProducerErrorCode.TRANSACTIONAL_BATCH, 'transactional batches are not accepted: Wharf does not serve transactions; use an idempotent producer without a transactional id');
  }
  if (!hasSafeProducerId(records, 0)) {
    return producerError(ProducerErrorCode.UNKNOWN_PRODUCER_ID, 'the batch carries a producer id beyond 2^53, which this broker never issued; get a producer id with InitProducerId');
  }
  const baseSequence = batchBaseSequence(records, 0);
  if (baseSequence < 0) {
    // Kafka's LogValidator refuses a batch with a producer id and no sequence (InvalidRecordException).
    return producerError(ProducerErrorCode.INVALID_PRODUCER_BATCH, `the batch carries a producer id but base sequence ${baseSequence}; an idempotent producer numbers its batches from 0`);
  }
  return null;
}
