// The key → partition mapping must be Kafka's, or keys produced by this tool and by other
// clients would land in different partitions. Checked against the values Kafka's own
// UtilsTest.testMurmur2 expects and against kafkajs's DefaultPartitioner on random keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { murmur2, Partitioner, toPositive } from '../../../src/client/partitioner.js';

const require = createRequire(import.meta.url);
type KafkajsPartitioner = (args: { topic: string; partitionMetadata: { partitionId: number; leader: number }[]; message: { key: Buffer } }) => number;
const { Partitioners } = require('kafkajs') as { Partitioners: { DefaultPartitioner: () => KafkajsPartitioner } };

test('murmur2 gives the values of Kafka\'s UtilsTest.testMurmur2', () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, expected] of cases) assert.equal(murmur2(Buffer.from(key)), expected, key);
});

test('keys map to the partitions kafkajs\'s DefaultPartitioner picks (Java compatible)', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  let seed = 12345;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (const partitions of [1, 2, 3, 7, 12, 100]) {
    const ours = new Partitioner(partitions);
    const partitionMetadata = Array.from({ length: partitions }, (_x, i) => ({ partitionId: i, leader: 1 }));
    for (let i = 0; i < 300; i++) {
      const key = Buffer.alloc(rnd() % 40);
      for (let j = 0; j < key.length; j++) key[j] = rnd() & 0xff;
      assert.equal(ours.partitionFor(key), kafkajs({ topic: 't', partitionMetadata, message: { key } }), `key ${key.toString('hex')}, ${partitions} partitions`);
    }
  }
});

test('records without a key go round-robin; toPositive clears the sign bit', () => {
  const p = new Partitioner(3);
  assert.deepEqual(Array.from({ length: 7 }, () => p.partitionFor(null)), [0, 1, 2, 0, 1, 2, 0]);
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(-2147483648), 0);
  assert.throws(() => new Partitioner(0), RangeError);
});
