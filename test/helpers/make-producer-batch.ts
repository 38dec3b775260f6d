// RecordBatch v2 bytes from an idempotent producer (KIP-98): makeBatch's batch with producerId,
// producerEpoch and baseSequence set and the CRC recomputed, as librdkafka or kafkajs would send.
//
//   producerBatch({ producerId: 7, epoch: 0, firstSeq: 10, records: 5 })   sequences 10..14
import { ATTR_TRANSACTIONAL, ATTRIBUTES_POS, BASE_SEQUENCE_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, writeBatchCrc } from '../../src/records/batch-header.js';
import { writeInt64 } from '../../src/records/int64.js';
import { makeBatch } from './make-batch.js';

export interface ProducerBatchOptions {
  producerId: number;
  epoch: number;
  firstSeq: number;
  records: number;
  valueBytes?: number;
  transactional?: boolean;
  /** Value of record `i`; default `valueBytes` bytes of `i & 0xff`. */
  fill?: (i: number) => Buffer;
}

export function producerBatch(options: ProducerBatchOptions): Buffer {
  const buf = makeBatch({ records: options.records, valueBytes: options.valueBytes ?? 16, ...(options.fill === undefined ? {} : { fill: options.fill }) });
  writeInt64(buf, PRODUCER_ID_POS, options.producerId);
  buf.writeInt16BE(options.epoch, PRODUCER_EPOCH_POS);
  buf.writeInt32BE(options.firstSeq, BASE_SEQUENCE_POS);
  if (options.transactional === true) buf.writeInt16BE(buf.readInt16BE(ATTRIBUTES_POS) | ATTR_TRANSACTIONAL, ATTRIBUTES_POS);
  writeBatchCrc(buf, 0, buf.length);
  return buf;
}
