// Shared inputs for the records tests: batches that exercise every field, a seeded PRNG, and an
// assertion that a call fails with a RecordsError that is not a wrapped decoder bug.
import assert from 'node:assert/strict';
import { CompressionCodec, createRecord, createRecordBatch, type RecordBatch } from '../../../src/records/index.js';
import { RecordsError, RecordsErrorCode } from '../../../src/records/records-error.js';

export const ALL_CODECS: readonly CompressionCodec[] = [
  CompressionCodec.none,
  CompressionCodec.gzip,
  CompressionCodec.snappy,
  CompressionCodec.lz4,
  CompressionCodec.zstd,
];

/** A batch with null and empty keys and values, headers of every shape and negative deltas. */
export function richBatch(compression: CompressionCodec = CompressionCodec.none): RecordBatch {
  return createRecordBatch({
    baseOffset: 1234567890123,
    partitionLeaderEpoch: 7,
    compression,
    isTransactional: true,
    lastOffsetDelta: 4,
    baseTimestamp: 1_700_000_000_000,
    maxTimestamp: 1_700_000_000_900,
    producerId: 987654321,
    producerEpoch: 12,
    baseSequence: 2_000_000_000,
    records: [
      createRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: Buffer.from('null key') }),
      createRecord({ offsetDelta: 1, timestampDelta: -250, key: Buffer.alloc(0), value: null }),
      createRecord({
        offsetDelta: 2,
        timestampDelta: 900,
        key: Buffer.from('k'),
        value: Buffer.alloc(0),
        headers: [
          { key: 'trace', value: Buffer.from('abc') },
          { key: 'trace', value: Buffer.from('dup') },
          { key: 'empty', value: Buffer.alloc(0) },
          { key: 'null', value: null },
          { key: 'clé-ü-✓', value: Buffer.from([0, 255, 1]) },
          { key: '', value: Buffer.from('empty key') },
        ],
      }),
      createRecord({ offsetDelta: 4, timestampDelta: 1, attributes: 0, key: Buffer.alloc(300, 7), value: Buffer.alloc(70_000, 3) }),
    ],
  });
}

/** A small batch, cheap enough to mutate thousands of times. */
export function smallBatch(compression: CompressionCodec = CompressionCodec.none): RecordBatch {
  return createRecordBatch({
    baseOffset: 5,
    compression,
    baseTimestamp: 1_600_000_000_000,
    producerId: 3,
    producerEpoch: 1,
    baseSequence: 0,
    records: [
      createRecord({ offsetDelta: 0, timestampDelta: 0, key: Buffer.from('a'), value: Buffer.from('hello'), headers: [{ key: 'h', value: Buffer.from('v') }] }),
      createRecord({ offsetDelta: 1, timestampDelta: -3, key: null, value: null }),
      createRecord({ offsetDelta: 2, timestampDelta: 70_000, key: Buffer.alloc(0), value: Buffer.from('x'.repeat(40)), headers: [{ key: 'n', value: null }] }),
    ],
  });
}

/** mulberry32: a tiny seeded PRNG so a failing fuzz case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** The fuzz seed: WHARF_FUZZ_SEED to replay a failure, otherwise a fresh one each run. */
export function fuzzSeed(): number {
  const fromEnv = process.env.WHARF_FUZZ_SEED;
  return fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) >>> 0 : (Math.random() * 0x1_0000_0000) >>> 0;
}

/**
 * Runs `fn` and returns what it threw, failing unless it is a RecordsError. A RecordsError that
 * wraps another exception (the decoders' last-resort guard) is a bug unless it comes from a
 * compression library, so it fails too.
 */
export function recordsErrorOf(fn: () => unknown, context = ''): RecordsError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!(err instanceof RecordsError)) {
      assert.fail(`expected a RecordsError ${context}, got ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err)}`);
    }
    if (err.code !== RecordsErrorCode.COMPRESSION) {
      assert.equal(err.cause, undefined, `decoder guard caught a ${String(err.cause)} ${context}`);
    }
    return err;
  }
}

/** Like recordsErrorOf, but the call must fail. */
export function expectRecordsError(fn: () => unknown, code?: RecordsErrorCode, context = ''): RecordsError {
  const err = recordsErrorOf(fn, context);
  if (err === undefined) return assert.fail(`expected a RecordsError ${code ?? ''} ${context}, but the call succeeded`);
  if (code !== undefined) assert.equal(err.code, code, `${context}: ${err.message}`);
  return err;
}
