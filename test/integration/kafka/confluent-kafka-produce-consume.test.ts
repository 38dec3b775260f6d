// confluent-kafka 1.7 (librdkafka 2.0.2) against a real Wharf process: a Producer with acks=all
// and each compression codec, and a Consumer that reads without consumer-group APIs. confluent-kafka
// requires group.id; with assign() and explicit offsets and auto-commit off, librdkafka only
// looks up the coordinator (FindCoordinator, answered with this node) and never joins a group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { pythonClient } from '../../helpers/kafka-clients.js';

interface Ack { key: string; value: string; partition: number; offset: number; failed?: string }
interface Record { partition: number; offset: number; key: string | null; value: string; headers: { [k: string]: string } }

function jsonLines<T>(out: string): T[] {
  return out.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
}

test('confluent-kafka produces with acks=all and every codec; a group-less assign() reads it all back', { timeout: 90_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '2']);
  const py = (...args: string[]): Promise<string> => pythonClient('confluent_kafka_client.py', [broker.bootstrap, ...args], { timeoutMs: 40_000 });
  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    const topic = `ck-${codec}`;
    const acks = jsonLines<Ack>(await py('produce', topic, '30', codec));
    assert.equal(acks.length, 30);
    assert.ok(acks.every((a) => a.failed === undefined), `${codec}: every delivery succeeded`);
    const records = jsonLines<Record>(await py('consume', topic, '2'));
    assert.equal(records.length, 30, `${codec}: every record read back`);
    for (const r of records) {
      const ack = acks.find((a) => a.partition === r.partition && a.offset === r.offset);
      assert.ok(ack !== undefined);
      assert.equal(r.value, ack.value);
      assert.equal(r.key, ack.key);
      assert.equal(r.headers.seq, ack.value.split('-')[1]);
    }
    for (const p of [0, 1]) {
      const offsets = records.filter((r) => r.partition === p).map((r) => r.offset);
      assert.deepEqual(offsets, offsets.map((_o, i) => i), `${codec}: partition ${p} in order`);
    }
  }
  // No consumer-group request reached the broker: nothing was refused.
  assert.ok(!broker.process.lines.some((l) => l.msg?.startsWith('kafka: closing a connection')), 'no connection closed for bad input');
});
