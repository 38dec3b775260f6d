// The idempotent-producer rules of producer-state.ts, against Kafka's ProducerStateEntry and
// ProducerAppendInfo (KIP-98, KIP-360): duplicates of each of the last 5 batches, anything older
// is out of order, gaps, epochs, sequence wrap-around, and forgetting producers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PRODUCER_BATCHES_RETAINED,
  ProducerStateTable,
  RetainedBatch,
  inSequence,
  lastSequence,
  type ProducerBatch,
} from '../../../src/broker/producer-state.js';
import type { AppendResult } from '../../../src/log/partition-log.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

const INT32_MAX = 0x7fff_ffff;

function batch(producerId: number, producerEpoch: number, firstSeq: number, records: number): ProducerBatch {
  return { producerId, producerEpoch, firstSeq, lastSeq: lastSequence(firstSeq, records - 1) };
}

/** Records in `b`, from its sequence range (which may wrap past Int32.MAX). */
function records(b: ProducerBatch): number {
  return ((b.lastSeq - b.firstSeq + 2 ** 31) % 2 ** 31) + 1;
}

/** What the table decides: 'append', 'duplicate@<baseOffset>' or the error code. */
function decide(table: ProducerStateTable, b: ProducerBatch): string {
  const v = table.check(b);
  if (v === null) return 'append';
  if (v instanceof RetainedBatch) return `duplicate@${v.baseOffset}`;
  assert.ok(isWharfError(v));
  return v.code;
}

/** Checks and records `b` as the log would store it at `baseOffset`, acknowledged at once. */
function store(table: ProducerStateTable, b: ProducerBatch, baseOffset: number): void {
  assert.equal(decide(table, b), 'append', `batch ${b.firstSeq}..${b.lastSeq} is accepted`);
  const result: AppendResult = { baseOffset, lastOffset: baseOffset + records(b) - 1 };
  const retained = table.begin(b, Promise.resolve(result));
  table.acknowledge(b.producerId, retained, result);
}

test('a retry of any of the last 5 batches is a duplicate answered with its original offsets', async () => {
  const table = new ProducerStateTable();
  // 8 batches of 3 records: sequences 0..23 at offsets 100..123.
  for (let i = 0; i < 8; i++) store(table, batch(7, 0, i * 3, 3), 100 + i * 3);
  for (let i = 8 - PRODUCER_BATCHES_RETAINED; i < 8; i++) {
    const verdict = table.check(batch(7, 0, i * 3, 3));
    assert.ok(verdict instanceof RetainedBatch, `batch ${i} is one of the last 5`);
    assert.deepEqual(await verdict.result(), { baseOffset: 100 + i * 3, lastOffset: 102 + i * 3 });
  }
  // Older than the last 5: not recognised, and not the next sequence either (Kafka answers the same).
  assert.equal(decide(table, batch(7, 0, 6, 3)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  assert.equal(decide(table, batch(7, 0, 0, 3)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  // Same first sequence, different length: not a duplicate of that batch.
  assert.equal(decide(table, batch(7, 0, 21, 2)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  assert.equal(decide(table, batch(7, 0, 24, 1)), 'append');
});

test('a gap in sequence numbers is out of order; the next sequence is accepted', () => {
  const table = new ProducerStateTable();
  store(table, batch(1, 0, 0, 5), 0);
  assert.equal(decide(table, batch(1, 0, 6, 1)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  assert.equal(decide(table, batch(1, 0, 4, 2)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE', 'an overlap is not a duplicate');
  assert.equal(decide(table, batch(1, 0, 5, 1)), 'append');
  const err = table.check(batch(1, 0, 9, 1));
  assert.ok(isWharfError(err));
  assert.match(err.message, /next expected is 5/);
});

test('epochs: an older one is fenced, a newer one must start at 0 and forgets the old batches', () => {
  const table = new ProducerStateTable();
  store(table, batch(3, 2, 0, 4), 0);
  store(table, batch(3, 2, 4, 4), 4);
  assert.equal(decide(table, batch(3, 1, 8, 1)), 'WHARF_ERR_INVALID_PRODUCER_EPOCH');
  assert.equal(decide(table, batch(3, 1, 0, 4)), 'WHARF_ERR_INVALID_PRODUCER_EPOCH', 'a retry from an older epoch is not a duplicate');
  assert.equal(decide(table, batch(3, 3, 8, 1)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE', 'a new epoch continuing the old sequence');
  store(table, batch(3, 3, 0, 2), 8);
  assert.equal(decide(table, batch(3, 2, 4, 4)), 'WHARF_ERR_INVALID_PRODUCER_EPOCH', 'the old epoch is fenced now');
  assert.equal(decide(table, batch(3, 3, 0, 2)), 'duplicate@8');
  assert.equal(decide(table, batch(3, 3, 2, 1)), 'append');
  assert.deepEqual(table.snapshot(), [{ producerId: 3, epoch: 3, batches: [{ firstSeq: 0, lastSeq: 1, baseOffset: 8, lastOffset: 9 }] }]);
});

test('an unknown producer may start at any sequence (KIP-360); each producer is checked on its own', () => {
  const table = new ProducerStateTable();
  assert.equal(decide(table, batch(5, 0, 1234, 3)), 'append');
  store(table, batch(5, 0, 1234, 3), 0);
  assert.equal(decide(table, batch(6, 4, 99, 1)), 'append', 'another producer is unaffected');
  assert.equal(decide(table, batch(5, 0, 1237, 1)), 'append');
  assert.equal(decide(table, batch(5, 0, 0, 1)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE', 'known now: sequences must continue');
});

test('sequences wrap from Int32.MAX to 0', () => {
  assert.equal(lastSequence(INT32_MAX - 1, 3), 1);
  assert.equal(lastSequence(INT32_MAX, 0), INT32_MAX);
  assert.equal(lastSequence(5, 4), 9);
  assert.ok(inSequence(INT32_MAX, 0));
  assert.ok(!inSequence(INT32_MAX, 1));
  assert.ok(!inSequence(-1, 1));
  assert.ok(inSequence(-1, 0), "no batch yet: sequence 0 follows");
  const table = new ProducerStateTable();
  store(table, batch(9, 0, INT32_MAX - 4, 3), 0); // ..MAX-2
  store(table, batch(9, 0, INT32_MAX - 1, 4), 3); // MAX-1, MAX, 0, 1
  assert.equal(decide(table, batch(9, 0, INT32_MAX - 1, 4)), 'duplicate@3');
  assert.equal(decide(table, batch(9, 0, 3, 1)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  assert.equal(decide(table, batch(9, 0, 2, 1)), 'append');
  store(table, batch(9, 0, 2, 1), 7);
  const exact = new ProducerStateTable();
  store(exact, batch(4, 0, INT32_MAX - 1, 2), 0); // ends exactly at MAX
  assert.equal(decide(exact, batch(4, 0, 0, 1)), 'append', 'after MAX comes 0');
  assert.equal(decide(exact, batch(4, 0, INT32_MAX, 1)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
});

test('batches in flight are checked against each other in order, and a retry waits for the original', async () => {
  const table = new ProducerStateTable();
  let finish: (r: AppendResult) => void = () => undefined;
  const pending = new Promise<AppendResult>((resolve) => (finish = resolve));
  const first = batch(2, 0, 0, 5);
  assert.equal(decide(table, first), 'append');
  const retained = table.begin(first, pending);
  // Pipelined: the next batch continues the in-flight one before it is durable.
  assert.equal(decide(table, batch(2, 0, 5, 5)), 'append');
  assert.equal(decide(table, batch(2, 0, 10, 1)), 'WHARF_ERR_OUT_OF_ORDER_SEQUENCE');
  const retry = table.check(first);
  assert.ok(retry instanceof RetainedBatch);
  let answered = false;
  const answer = retry.result().then((r) => {
    answered = true;
    return r;
  });
  await Promise.resolve();
  assert.equal(answered, false, 'a duplicate of a batch in flight is not answered before that batch is durable');
  table.acknowledge(2, retained, { baseOffset: 40, lastOffset: 44 });
  finish({ baseOffset: 40, lastOffset: 44 });
  assert.deepEqual(await answer, { baseOffset: 40, lastOffset: 44 });
  assert.deepEqual(await (table.check(first) as RetainedBatch).result(), { baseOffset: 40, lastOffset: 44 });
});

test('replaying the stored batches gives the same decisions as recording them live', () => {
  const live = new ProducerStateTable();
  const stored: Array<[ProducerBatch, number]> = [];
  let offset = 0;
  const add = (b: ProducerBatch): void => {
    store(live, b, offset);
    stored.push([b, offset]);
    offset += records(b);
  };
  for (let i = 0; i < 7; i++) add(batch(1, 0, i * 2, 2));
  add(batch(2, 5, 100, 3));
  add(batch(1, 1, 0, 1));
  add(batch(1, 1, 1, 4));
  add(batch(3, 0, INT32_MAX, 2));
  const replayed = new ProducerStateTable();
  for (const [b, base] of stored) replayed.replay(b, base, base + records(b) - 1);
  assert.deepEqual(replayed.snapshot(), live.snapshot());
  const probes = [batch(1, 1, 0, 1), batch(1, 1, 5, 1), batch(1, 1, 6, 1), batch(1, 0, 12, 2), batch(1, 2, 0, 1), batch(2, 5, 100, 3),
    batch(2, 5, 103, 1), batch(2, 4, 0, 1), batch(3, 0, 1, 1), batch(3, 0, INT32_MAX, 2), batch(4, 0, 77, 1)];
  for (const p of probes) assert.equal(decide(replayed, p), decide(live, p), `probe ${JSON.stringify(p)}`);
});

test('producers silent for expirationMs, and the least recently used beyond producersMax, are forgotten', () => {
  let now = 1_000_000;
  const table = new ProducerStateTable({ expirationMs: 60_000, expirationCheckMs: 10_000, producersMax: 3, nowMs: () => now });
  store(table, batch(1, 0, 0, 1), 0);
  store(table, batch(2, 0, 0, 1), 1);
  now += 30_000;
  store(table, batch(3, 0, 0, 1), 2);
  store(table, batch(1, 0, 1, 1), 3); // producer 1 used again: 2 is now the least recently used
  store(table, batch(4, 0, 0, 1), 4); // over the cap: 2 goes
  assert.deepEqual(table.snapshot().map((p) => p.producerId), [1, 3, 4]);
  assert.equal(decide(table, batch(2, 0, 50, 1)), 'append', 'a forgotten producer is unknown again');
  now += 40_000;
  store(table, batch(1, 0, 2, 1), 5); // 1 seen again; 3 and 4 were last seen 40 s ago
  now += 25_000;
  store(table, batch(5, 0, 0, 1), 6); // 3 and 4 now silent for 65 s: expired
  assert.deepEqual(table.snapshot().map((p) => p.producerId), [1, 5]);
  assert.equal(decide(table, batch(1, 0, 3, 1)), 'append', 'producer 1 kept its sequence');
});

test('a producer with an append in flight is never forgotten', () => {
  const table = new ProducerStateTable({ producersMax: 1 });
  const b = batch(1, 0, 0, 1);
  table.begin(b, new Promise<AppendResult>(() => undefined));
  table.begin(batch(2, 0, 0, 1), Promise.resolve({ baseOffset: 1, lastOffset: 1 }));
  assert.deepEqual(table.snapshot().map((p) => p.producerId), [1, 2], 'the cap gives way rather than drop a producer in flight');
  assert.equal(decide(table, batch(1, 0, 1, 1)), 'append');
});
