// A large Produce request that spans socket chunks is copied into pooled frame memory, which the
// session gives back once the produce has been answered (framing.ts, handlers/produce.ts
// frameReusable). Reuse must never reach bytes the log has not written yet: pipelined produces,
// each with its own values, all come back from the log exactly as sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRequest } from '../../../../src/protocols/kafka/messages.js';
import { produceSchema } from '../../../../src/protocols/kafka/schema/index.js';
import { makeBatch } from '../../../helpers/make-batch.js';
import { sessionHarness } from './helpers/session-harness.js';

const REQUESTS = 24;
const RECORDS_PER_BATCH = 100;
const VALUE_BYTES = 1000;
const CHUNK_BYTES = 16 * 1024;

function valueOf(request: number, record: number): Buffer {
  return Buffer.alloc(VALUE_BYTES, (request * 7 + record) & 0xff);
}

test('pipelined large produces split across chunks are stored byte for byte while their frames are reused', async (t) => {
  const h = await sessionHarness(t);
  const client = h.connect();
  const batches = Array.from({ length: REQUESTS }, (_, r) => makeBatch({ records: RECORDS_PER_BATCH, valueBytes: VALUE_BYTES, fill: (i) => valueOf(r, i) }));
  const sent = batches.map((b) => Buffer.from(b));
  const wire: Buffer[] = [];
  for (const [r, records] of batches.entries()) {
    const topicData = [{ name: 'pooled', partitionData: [{ index: 0, records }] }];
    wire.push(...encodeRequest(produceSchema, 7, r + 1, 'session-test', { transactionalId: null, acks: 1, timeoutMs: 5000, topicData }));
  }
  // Half now, in small chunks; the rest once the first answers came back, so later frames reuse
  // the memory of answered ones while others are still being appended.
  const stream = Buffer.concat(wire);
  const half = Math.floor(stream.length / 2);
  for (let i = 0; i < half; i += CHUNK_BYTES) client.sendRaw(Buffer.from(stream.subarray(i, Math.min(half, i + CHUNK_BYTES))));
  const first = await client.response(produceSchema, 7);
  assert.equal(first.body.responses[0]?.partitionResponses[0]?.errorCode, 0);
  for (let i = half; i < stream.length; i += CHUNK_BYTES) client.sendRaw(Buffer.from(stream.subarray(i, Math.min(stream.length, i + CHUNK_BYTES))));
  const offsets = [first.body.responses[0]?.partitionResponses[0]?.baseOffset];
  for (let r = 1; r < REQUESTS; r++) {
    const answer = await client.response(produceSchema, 7);
    assert.equal(answer.body.responses[0]?.partitionResponses[0]?.errorCode, 0, `request ${r + 1}`);
    offsets.push(answer.body.responses[0]?.partitionResponses[0]?.baseOffset);
  }
  assert.deepEqual(offsets, Array.from({ length: REQUESTS }, (_, r) => r * RECORDS_PER_BATCH));

  const log = h.broker.topics.partition('pooled', 0);
  const stored: Buffer[] = [];
  for (let offset = 0; offset < log.highWatermark; ) {
    const read = await log.read(offset, 64 * 1024 * 1024);
    stored.push(read.bytes);
    for (let pos = 0; pos < read.bytes.length; ) {
      pos += read.bytes.readInt32BE(pos + 8) + 12;
      offset += RECORDS_PER_BATCH;
    }
  }
  const all = Buffer.concat(stored);
  let pos = 0;
  for (const [r, expected] of sent.entries()) {
    const got = Buffer.from(all.subarray(pos, pos + expected.length));
    // The log patched the base offset (bytes 0-7); everything after it is the client's.
    assert.ok(got.subarray(8).equals(expected.subarray(8)), `batch ${r + 1} stored as sent`);
    assert.equal(Number(got.readBigInt64BE(0)), r * RECORDS_PER_BATCH);
    pos += expected.length;
  }
  assert.equal(pos, all.length);
});
