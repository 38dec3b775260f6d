// kafka-python 2.0.2 against a real Wharf process. kafka-python probes with ApiVersions v0 and
// Metadata v0, guesses the broker version from what is advertised (protocol-matrix §1.6-A) and
// then uses fixed versions: Produce v7, Metadata v1, ListOffsets v1, Fetch v4. Its admin client
// needs controller_id (G4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { pythonClient } from '../../helpers/kafka-clients.js';

interface Ack { key: string; value: string; partition: number; offset: number }
interface Record { partition: number; offset: number; key: string | null; value: string; headers: { [k: string]: string } }

function jsonLines<T>(out: string): T[] {
  return out.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as T);
}

test('kafka-python admin creates and deletes topics, produces with acks=all and reads back with assign + seek', { timeout: 90_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--auto-create-topics', 'false']);
  const py = (...args: string[]): Promise<string> => pythonClient('kafka_python_client.py', [broker.bootstrap, ...args], { timeoutMs: 40_000 });

  await py('create', 'kp-orders', '3', 'retention.ms=86400000');
  assert.deepEqual(jsonLines<{ topics: string[] }>(await py('topics'))[0]?.topics, ['kp-orders']);

  const acks = jsonLines<Ack>(await py('produce', 'kp-orders', '40'));
  assert.equal(acks.length, 40);
  const byPartition = new Map<number, Ack[]>();
  for (const a of acks) byPartition.set(a.partition, [...(byPartition.get(a.partition) ?? []), a]);
  assert.ok(byPartition.size >= 2, 'keys spread over partitions');
  for (const [p, list] of byPartition) {
    assert.deepEqual(list.map((a) => a.offset), list.map((_a, i) => i), `partition ${p}: offsets dense and in send order`);
  }

  const records = jsonLines<Record>(await py('consume', 'kp-orders'));
  assert.equal(records.length, 40);
  for (const r of records) {
    const ack = acks.find((a) => a.partition === r.partition && a.offset === r.offset);
    assert.ok(ack !== undefined, `record ${r.partition}/${r.offset} was acknowledged`);
    assert.equal(r.value, ack.value);
    assert.equal(r.key, ack.key);
    assert.equal(r.headers.seq, ack.value.slice('value-'.length));
  }

  // Seek to an offset: every partition from offset 2.
  const fromTwo = jsonLines<Record>(await py('consume', 'kp-orders', '2'));
  assert.equal(fromTwo.length, 40 - 2 * byPartition.size);
  assert.ok(fromTwo.every((r) => r.offset >= 2));

  await py('delete', 'kp-orders');
  assert.deepEqual(jsonLines<{ topics: string[] }>(await py('topics'))[0]?.topics, []);
});
