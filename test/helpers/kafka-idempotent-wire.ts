// Raw-wire steps of an idempotent producer (KIP-98) for tests that must send exact requests:
// InitProducerId, a Produce of given batch bytes (sent twice when a test plays a retry), and the
// stored batch headers of a partition with their producer fields.
import { BASE_SEQUENCE_POS, PRODUCER_EPOCH_POS, PRODUCER_ID_POS, batchBaseOffset, batchLastOffsetDelta, batchTotalBytes } from '../../src/records/batch-header.js';
import { readInt64 } from '../../src/records/int64.js';
import type { RequestInput } from '../../src/protocols/kafka/schema/api-schema.js';
import { fetchSchema, initProducerIdSchema, produceSchema } from '../../src/protocols/kafka/schema/index.js';
import type { WireClient } from './kafka-wire.js';

export const PRODUCE_VERSION = 7;

export interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

export async function initProducerId(client: WireClient, version = 1, transactionalId: string | null = null): Promise<{ errorCode: number; producerId: number; producerEpoch: number }> {
  const res = await client.request(initProducerIdSchema, version, { transactionalId, transactionTimeoutMs: 60_000 });
  return { errorCode: res.errorCode, producerId: res.producerId, producerEpoch: res.producerEpoch };
}

export function produceRequest(topic: string, partition: number, records: Buffer, acks = -1): RequestInput<typeof produceSchema> {
  return { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

/** Sends one Produce of `records` (a copy, so the caller may send the same bytes again) and returns its partition answer. */
export async function produceOnce(client: WireClient, topic: string, partition: number, records: Buffer): Promise<{ errorCode: number; baseOffset: number }> {
  const res = await client.request(produceSchema, PRODUCE_VERSION, produceRequest(topic, partition, Buffer.from(records)));
  const p = res.responses[0]?.partitionResponses[0];
  if (p === undefined) throw new Error('produce answered no partition');
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

/** Every batch header of `topic`/`partition` up to the high watermark, read with Fetch v11. */
export async function storedBatches(client: WireClient, topic: string, partition: number): Promise<{ batches: StoredBatch[]; highWatermark: number }> {
  const batches: StoredBatch[] = [];
  let offset = 0;
  for (;;) {
    const res = await client.request(fetchSchema, 11, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const p = res.responses[0]?.partitions[0];
    if (p === undefined || p.errorCode !== 0) throw new Error(`fetch ${topic}/${partition}@${offset} failed: ${JSON.stringify(p?.errorCode)}`);
    const bytes = p.records ?? Buffer.alloc(0);
    for (let pos = 0; pos + 61 <= bytes.length; pos += batchTotalBytes(bytes, pos)) {
      if (pos + batchTotalBytes(bytes, pos) > bytes.length) break;
      const baseOffset = batchBaseOffset(bytes, pos);
      const b = {
        baseOffset,
        lastOffset: baseOffset + batchLastOffsetDelta(bytes, pos),
        producerId: readInt64(bytes, pos + PRODUCER_ID_POS),
        producerEpoch: bytes.readInt16BE(pos + PRODUCER_EPOCH_POS),
        baseSequence: bytes.readInt32BE(pos + BASE_SEQUENCE_POS),
      };
      if (b.lastOffset >= offset) batches.push(b);
      offset = b.lastOffset + 1;
    }
    if (offset >= p.highWatermark) return { batches, highWatermark: p.highWatermark };
  }
}

/**
 * Checks that each producer's batches in `batches` carry contiguous sequence numbers from 0 and
 * that offsets are contiguous: no duplicate and no gap. Returns a description of the first
 * violation, or null.
 */
export function sequenceViolation(batches: readonly StoredBatch[]): string | null {
  const nextSeq = new Map<string, number>();
  let nextOffset = batches[0]?.baseOffset ?? 0;
  for (const b of batches) {
    if (b.baseOffset !== nextOffset) return `offset ${nextOffset} expected, batch starts at ${b.baseOffset}`;
    nextOffset = b.lastOffset + 1;
    if (b.producerId < 0) continue;
    const key = `${b.producerId}/${b.producerEpoch}`;
    const expected = nextSeq.get(key) ?? 0;
    if (b.baseSequence !== expected) return `producer ${key}: sequence ${expected} expected at offset ${b.baseOffset}, got ${b.baseSequence}`;
    nextSeq.set(key, b.baseSequence + (b.lastOffset - b.baseOffset) + 1);
  }
  return null;
}
