// The batches of the kill -9 test, rebuilt from their id alone: the appending child and the
// verifying parent call the same functions, so the parent knows the exact bytes of every batch
// without the child sending them. A batch's id is stored in its baseTimestamp, so any batch found
// in the log names itself, acknowledged or not.
import { batchBaseTimestamp } from '../../src/records/batch-header.js';
import { makeBatch } from '../helpers/make-batch.js';

export const RECORD_VALUE_BYTES = 1024;
export const RECORDS_PER_BATCH_MAX = 8;
/** baseTimestamp of batch 0; batch `id` has baseTimestamp BASE_TIMESTAMP_MS + id. */
export const BASE_TIMESTAMP_MS = 1_700_000_000_000;
/** Batch ids of round r start at r * ROUND_BATCH_IDS so rounds never reuse an id. */
export const ROUND_BATCH_IDS = 1_000_000;

/** A 32-bit integer hash (the finaliser of MurmurHash3), used to derive sizes and seeds from ids. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85eb_ca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2_ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A seeded pseudo-random generator (xorshift32 over a mixed seed); returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = mix32(seed) || 0x9e37_79b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

export function recordsInBatch(batchId: number): number {
  return 1 + (mix32(batchId ^ 0x5bd1_e995) % RECORDS_PER_BATCH_MAX);
}

/** Value of record `index` of batch `batchId`: its id pair, then xorshift bytes seeded by both. */
export function recordValue(batchId: number, index: number): Buffer {
  const value = Buffer.allocUnsafe(RECORD_VALUE_BYTES);
  value.writeUInt32BE(batchId, 0);
  value.writeUInt32BE(index, 4);
  let s = mix32(batchId * 31 + index + 1) || 1;
  for (let pos = 8; pos + 4 <= RECORD_VALUE_BYTES; pos += 4) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    value.writeInt32BE(s | 0, pos);
  }
  return value;
}

/** The whole batch `batchId` as produced (baseOffset 0, correct CRC). */
export function buildBatch(batchId: number): Buffer {
  return makeBatch({
    records: recordsInBatch(batchId),
    valueBytes: RECORD_VALUE_BYTES,
    timestampMs: BASE_TIMESTAMP_MS + batchId,
    fill: (i: number) => recordValue(batchId, i),
  });
}

/** The id of the stored batch at `pos`, read back from its baseTimestamp. */
export function batchIdAt(buf: Buffer, pos: number): number {
  return batchBaseTimestamp(buf, pos) - BASE_TIMESTAMP_MS;
}
