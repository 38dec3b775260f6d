// kcat 1.7.1 (librdkafka 2.0.2) against a real Wharf process: metadata, keyed produce with
// headers and acks=all, every compression codec stored as produced, consuming from the
// beginning, from an offset and from a timestamp (ListOffsets by time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTR_COMPRESSION_MASK, ATTRIBUTES_POS } from '../../../src/records/batch-header.js';
import { fetchSchema } from '../../../src/protocols/kafka/schema/index.js';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { kcat } from '../../helpers/kafka-clients.js';
import { WireClient } from '../../helpers/kafka-wire.js';
import { waitFor } from '../../helpers/wait-for.js';

interface Consumed {
  partition: number;
  offset: number;
  key: string;
  value: string;
  headers: string;
  timestamp: number;
}

const FORMAT = '%p|%o|%k|%s|%h|%T\\n';

function parse(out: string): Consumed[] {
  return out.split('\n').filter((l) => l.length > 0).map((l) => {
    const [p, o, key, value, headers, ts] = l.split('|');
    return { partition: Number(p), offset: Number(o), key: key ?? '', value: value ?? '', headers: headers ?? '', timestamp: Number(ts) };
  });
}

/** First batch attributes of a partition, read with a raw Fetch, so the stored codec can be checked. */
async function firstBatchCodec(port: number, topic: string): Promise<number> {
  const client = await WireClient.connect(port);
  try {
    const res = await client.request(fetchSchema, 11, {
      maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    const records = res.responses[0]?.partitions[0]?.records;
    assert.ok(Buffer.isBuffer(records) && records.length > ATTRIBUTES_POS + 2, 'records came back');
    return records.readInt16BE(ATTRIBUTES_POS) & ATTR_COMPRESSION_MASK;
  } finally {
    client.close();
  }
}

test('kcat lists metadata, produces keyed messages with headers and reads each partition back in order', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '3']);
  const b = ['-b', broker.bootstrap];

  const empty = await kcat([...b, '-L']);
  assert.match(empty, /1 brokers:\s+broker 0 at 127\.0\.0\.1:\d+ \(controller\)/);
  assert.match(empty, /0 topics/);

  const keys = ['k-a', 'k-b', 'k-c', 'k-d', 'k-e', 'k-f', 'k-g', 'k-h'];
  const lines: string[] = [];
  for (let round = 0; round < 4; round++) for (const k of keys) lines.push(`${k}:${k}/${round}`);
  await kcat([...b, '-P', '-t', 'keyed', '-K:', '-H', 'origin=kcat', '-H', 'trace=42', '-X', 'acks=all'], `${lines.join('\n')}\n`);

  const meta = await kcat([...b, '-L', '-t', 'keyed']);
  assert.match(meta, /topic "keyed" with 3 partitions/, 'auto-created with --default-partitions');
  for (let p = 0; p < 3; p++) assert.match(meta, new RegExp(`partition ${p}, leader 0, replicas: 0, isrs: 0`));

  const consumed = parse(await kcat([...b, '-C', '-t', 'keyed', '-o', 'beginning', '-e', '-q', '-f', FORMAT]));
  assert.equal(consumed.length, lines.length);
  const partitionOf = new Map<string, number>();
  for (const m of consumed) {
    assert.equal(m.headers, 'origin=kcat,trace=42');
    assert.ok(m.value.startsWith(`${m.key}/`));
    const p = partitionOf.get(m.key);
    assert.ok(p === undefined || p === m.partition, `key ${m.key} always lands in one partition`);
    partitionOf.set(m.key, m.partition);
  }
  for (let p = 0; p < 3; p++) {
    const inPartition = consumed.filter((m) => m.partition === p);
    assert.deepEqual(inPartition.map((m) => m.offset), inPartition.map((_m, i) => i), `partition ${p} offsets are dense from 0`);
    const expected = lines.filter((l) => partitionOf.get(l.slice(0, l.indexOf(':'))) === p).map((l) => l.slice(l.indexOf(':') + 1));
    assert.deepEqual(inPartition.map((m) => m.value), expected, `partition ${p} keeps the produce order`);
  }
  assert.ok(new Set(partitionOf.values()).size >= 2, 'keys spread over partitions');

  // From an offset: partition 0 from its second message.
  const p0 = consumed.filter((m) => m.partition === 0);
  const fromOffset = parse(await kcat([...b, '-C', '-t', 'keyed', '-p', '0', '-o', '1', '-e', '-q', '-f', FORMAT]));
  assert.deepEqual(fromOffset.map((m) => m.value), p0.slice(1).map((m) => m.value));
});

test('kcat produces with gzip, snappy, lz4 and zstd; the batches are stored compressed and read back intact', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['-b', broker.bootstrap];
  const codecs = [['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]] as const;
  for (const [codec, id] of codecs) {
    const topic = `codec-${codec}`;
    // Repetitive values so every codec actually compresses (librdkafka sends uncompressed otherwise).
    const lines = Array.from({ length: 50 }, (_v, i) => `key${i}:${codec}-${i}-${'x'.repeat(200)}`);
    await kcat([...b, '-P', '-t', topic, '-K:', '-z', codec, '-X', 'acks=all', '-X', 'linger.ms=50'], `${lines.join('\n')}\n`);
    const back = parse(await kcat([...b, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', FORMAT]));
    assert.deepEqual(back.map((m) => `${m.key}:${m.value}`), lines, `${codec} round trip`);
    assert.equal(await firstBatchCodec(broker.port, topic), id, `${codec} batch stored as produced`);
  }
});

test('kcat starts consuming at a timestamp (ListOffsets by time)', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['-b', broker.bootstrap];
  await kcat([...b, '-P', '-t', 'timed', '-X', 'acks=all'], 'early-1\nearly-2\n');
  // Every later record's timestamp is above `since`, every earlier one below it.
  const since = Date.now() + 1;
  await waitFor(() => Date.now() > since, 1000, 'the clock to pass the cut');
  await kcat([...b, '-P', '-t', 'timed', '-X', 'acks=all'], 'late-1\nlate-2\nlate-3\n');
  const all = parse(await kcat([...b, '-C', '-t', 'timed', '-o', 'beginning', '-e', '-q', '-f', FORMAT]));
  assert.deepEqual(all.map((m) => m.value), ['early-1', 'early-2', 'late-1', 'late-2', 'late-3']);
  const late = parse(await kcat([...b, '-C', '-t', 'timed', '-o', `s@${since}`, '-e', '-q', '-f', FORMAT]));
  assert.deepEqual(late.map((m) => m.value), ['late-1', 'late-2', 'late-3']);
  assert.ok(late.every((m) => m.timestamp >= since));
  // After every record: nothing to read, kcat ends at once.
  const none = parse(await kcat([...b, '-C', '-t', 'timed', '-o', `s@${Date.now() + 60_000}`, '-e', '-q', '-f', FORMAT]));
  assert.deepEqual(none, []);
});
