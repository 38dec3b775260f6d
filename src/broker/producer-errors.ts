// Protocol-neutral outcomes of the idempotent-producer checks (KIP-98). Each protocol maps them to
// its own wire errors; Kafka's mapping is in protocols/kafka/broker-error-map.ts.
import { WharfError } from '../util/wharf-error.js';

export const ProducerErrorCode = {
  /** The batch's first sequence does not follow the producer's last one (a gap, or a duplicate older than the last 5 batches). */
  OUT_OF_ORDER_SEQUENCE: 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE',
  /** The batch carries an epoch older than the producer's current one: a fenced (zombie) producer. */
  INVALID_PRODUCER_EPOCH: 'WHARF_ERR_INVALID_PRODUCER_EPOCH',
  /** The producer id cannot be one this broker issued (outside the safe-integer range). */
  UNKNOWN_PRODUCER_ID: 'WHARF_ERR_UNKNOWN_PRODUCER_ID',
  /** An idempotent produce is not exactly one batch, or its base sequence is negative. */
  INVALID_PRODUCER_BATCH: 'WHARF_ERR_INVALID_PRODUCER_BATCH',
  /** A transactional batch: transactions are not served, so it can belong to no ongoing transaction. */
  TRANSACTIONAL_BATCH: 'WHARF_ERR_TRANSACTIONAL_BATCH',
} as const;

export type ProducerErrorCode = (typeof ProducerErrorCode)[keyof typeof ProducerErrorCode];

export function producerError(code: ProducerErrorCode, message: string): WharfError {
  return new WharfError(code, message);
}
