// Records out are counted from batch headers (broker/traffic-counters.ts), never by decoding:
// whole batches count their header's record count; a batch cut short at the end counts nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchRecordCount, countBatchesOut, PartitionCounters } from '../../../src/broker/traffic-counters.js';
import { createRecord, createRecordBatch, encodeRecordBatch } from '../../../src/records/index.js';

function batch(records: number, baseOffset: number): Buffer {
  return encodeRecordBatch(createRecordBatch({
    baseOffset,
    lastOffsetDelta: records - 1,
    records: Array.from({ length: records }, (_, i) => createRecord({ offsetDelta: i, value: Buffer.from(`value ${i}`) })),
  }));
}

test('the record count is the sum of the whole batches\' header counts', () => {
  const bytes = Buffer.concat([batch(3, 0), batch(1, 3), batch(5, 4)]);
  assert.equal(batchRecordCount(bytes), 9);
  assert.equal(batchRecordCount(Buffer.alloc(0)), 0);
});

test('a batch cut short at the end is not counted', () => {
  const whole = Buffer.concat([batch(2, 0), batch(4, 2)]);
  for (const cut of [1, 10, 61, 70]) assert.equal(batchRecordCount(whole.subarray(0, whole.length - cut)), 2, `cut by ${cut}`);
});

test('countBatchesOut adds records and bytes, and ignores a missing partition', () => {
  const counters = new PartitionCounters();
  const bytes = Buffer.concat([batch(2, 0), batch(3, 2)]);
  countBatchesOut(counters, bytes);
  countBatchesOut(counters, Buffer.alloc(0));
  countBatchesOut(undefined, bytes);
  assert.deepEqual({ ...counters }, { recordsIn: 0, bytesIn: 0, recordsOut: 5, bytesOut: bytes.length });
});
