// A clean restart (SIGTERM) between produce and consume keeps every record, the topic configs,
// the cluster id and the offsets, and the producer's next records continue where they left off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataDir } from '../../helpers/broker-process.js';
import { startKafkaBroker, stopKafkaBroker } from '../../helpers/kafka-broker.js';
import { kcat } from '../../helpers/kafka-clients.js';
import { kafkajs, kafkajsClient } from '../../helpers/kafka-kafkajs.js';

const FORMAT = '%p|%o|%k|%s|%h\\n';

async function topicConfigs(bootstrap: string, topic: string): Promise<Record<string, string>> {
  const admin = kafkajsClient(bootstrap).admin();
  await admin.connect();
  try {
    const res = await admin.describeConfigs({ resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
    return Object.fromEntries((res.resources[0]?.configEntries ?? []).filter((e) => !e.isDefault).map((e) => [e.configName, e.configValue]));
  } finally {
    await admin.disconnect();
  }
}

test('after SIGTERM and a restart every record, topic config and the cluster id are still there', { timeout: 60_000 }, async (t) => {
  const dataDir = makeDataDir(t);
  const first = await startKafkaBroker(t, [], { dataDir });
  const admin = kafkajsClient(first.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '123456789' }, { name: 'max.message.bytes', value: '500000' }] }] });
  await admin.disconnect();
  const lines = Array.from({ length: 20 }, (_v, i) => `key${i % 4}:before-${i}`);
  await kcat(['-b', first.bootstrap, '-P', '-t', 'durable', '-K:', '-H', 'phase=one', '-X', 'acks=all', '-z', 'zstd'], `${lines.join('\n')}\n`);
  const before = await kcat(['-b', first.bootstrap, '-C', '-t', 'durable', '-o', 'beginning', '-e', '-q', '-f', FORMAT]);
  const clusterId = first.process.lines.find((l) => l.msg === 'kafka listener ready')?.clusterId;
  assert.equal(typeof clusterId, 'string');

  assert.equal(await stopKafkaBroker(first), 0, 'clean exit on SIGTERM');

  const second = await startKafkaBroker(t, [], { dataDir });
  assert.equal(second.process.lines.find((l) => l.msg === 'kafka listener ready')?.clusterId, clusterId, 'cluster id survives a restart');
  const after = await kcat(['-b', second.bootstrap, '-C', '-t', 'durable', '-o', 'beginning', '-e', '-q', '-f', FORMAT]);
  const sorted = (s: string) => s.split('\n').filter((l) => l.length > 0).sort();
  assert.deepEqual(sorted(after), sorted(before));
  assert.equal(sorted(after).length, 20);
  assert.deepEqual(await topicConfigs(second.bootstrap, 'durable'), { 'retention.ms': '123456789', 'max.message.bytes': '500000' });

  // Offsets continue after the restart.
  await kcat(['-b', second.bootstrap, '-P', '-t', 'durable', '-p', '0', '-X', 'acks=all'], 'after-1\n');
  const p0 = (await kcat(['-b', second.bootstrap, '-C', '-t', 'durable', '-p', '0', '-o', 'beginning', '-e', '-q', '-f', FORMAT])).split('\n').filter((l) => l.length > 0);
  const last = p0[p0.length - 1]?.split('|');
  assert.equal(last?.[3], 'after-1');
  assert.equal(Number(last?.[1]), p0.length - 1);
  assert.equal(await stopKafkaBroker(second), 0);
});
