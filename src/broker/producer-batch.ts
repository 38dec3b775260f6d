// The idempotence fields of a RecordBatch v2 header (KIP-98), read in place: producerId int64 @43,
// producerEpoch int16 @51, baseSequence int32 @53, with lastOffsetDelta int32 @23 giving the last
// sequence. Nothing else of the batch is decoded.
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BASE_SEQUENCE_POS,
  BATCH_HEADER_BYTES,
  PRODUCER_EPOCH_POS,
  PRODUCER_ID_POS,
  batchAttributes,
  batchLastOffsetDelta,
} from '../records/batch-header.js';
import { isSafeInt64, readInt64 } from '../records/int64.js';
import { lastSequence, type ProducerBatch } from './producer-state.js';

/** True when the batch at `pos` carries a producer id (≥ 0): an idempotent or transactional producer wrote it. */
export function hasProducerId(buf: Buffer, pos: number): boolean {
  // The sign lives in the high word, so an id beyond 2^53 still counts.
  return buf.length - pos >= BATCH_HEADER_BYTES && buf.readInt32BE(pos + PRODUCER_ID_POS) >= 0;
}

/** The producer id of the batch at `pos` fits a safe integer (every id Wharf issues does). */
export function hasSafeProducerId(buf: Buffer, pos: number): boolean {
  return isSafeInt64(buf, pos + PRODUCER_ID_POS);
}

export function isTransactionalBatch(buf: Buffer, pos: number): boolean {
  return (batchAttributes(buf, pos) & ATTR_TRANSACTIONAL) !== 0;
}

export function isControlBatch(buf: Buffer, pos: number): boolean {
  return (batchAttributes(buf, pos) & ATTR_CONTROL) !== 0;
}

export function batchBaseSequence(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BASE_SEQUENCE_POS);
}

/** The producer fields of the batch at `pos`; call after hasProducerId and hasSafeProducerId. */
export function producerBatchAt(buf: Buffer, pos: number): ProducerBatch {
  const firstSeq = batchBaseSequence(buf, pos);
  return {
    producerId: readInt64(buf, pos + PRODUCER_ID_POS),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_POS),
    firstSeq,
    lastSeq: lastSequence(firstSeq, batchLastOffsetDelta(buf, pos)),
  };
}
