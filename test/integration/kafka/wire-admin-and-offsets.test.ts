// Admin and offset APIs with exact requests: ListOffsets (earliest, latest, by time down to the
// record inside a batch), CreateTopics edge cases, DescribeConfigs for topics and the broker,
// IncrementalAlterConfigs at v0 and flexible v1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alterConfigsSchema, createTopicsSchema, describeConfigsSchema, findCoordinatorSchema, incrementalAlterConfigsSchema, listOffsetsSchema, produceSchema,
} from '../../../src/protocols/kafka/schema/index.js';
import { createRecord, createRecordBatch, encodeRecordBatch, CompressionCodec } from '../../../src/records/index.js';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { WireClient } from '../../helpers/kafka-wire.js';

const T0 = 1_700_000_000_000;

/** One batch whose records carry timestamps base, base+10, base+20, … (compressed when asked). */
function timedBatch(count: number, baseTimestamp: number, compression: CompressionCodec): Buffer {
  const records = Array.from({ length: count }, (_v, i) => createRecord({ offsetDelta: i, timestampDelta: i * 10, key: null, value: Buffer.from(`r${i}`) }));
  return encodeRecordBatch(createRecordBatch({ records, baseTimestamp, compression }), { deriveMaxTimestamp: true });
}

test('ListOffsets finds the earliest, the latest and the first record at or after a time', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const batches = [timedBatch(5, T0, CompressionCodec.none), timedBatch(5, T0 + 1000, CompressionCodec.gzip)];
  for (const records of batches) {
    await client.request(produceSchema, 7, { acks: -1, timeoutMs: 5000, topicData: [{ name: 'times', partitionData: [{ index: 0, records }] }] });
  }
  const ask = async (version: number, timestamp: number) => {
    const res = await client.request(listOffsetsSchema, version, {
      replicaId: -1, isolationLevel: 1, topics: [{ name: 'times', partitions: [{ partitionIndex: 0, timestamp }] }],
    });
    const p = res.topics[0]?.partitions[0];
    assert.equal(p?.errorCode, 0);
    return { offset: p?.offset, timestamp: p?.timestamp };
  };
  assert.deepEqual(await ask(1, -2), { offset: 0, timestamp: -1 });
  assert.deepEqual(await ask(2, -1), { offset: 10, timestamp: -1 });
  // T0+25 lies inside the first batch: the answer is its record 3 (T0+30), not the batch start.
  assert.deepEqual(await ask(1, T0 + 25), { offset: 3, timestamp: T0 + 30 });
  assert.deepEqual(await ask(2, T0), { offset: 0, timestamp: T0 });
  assert.deepEqual(await ask(2, T0 + 40), { offset: 4, timestamp: T0 + 40 });
  assert.deepEqual(await ask(2, T0 + 41), { offset: 5, timestamp: T0 + 1000 });
  // Inside the gzip batch: found by decompressing that one batch.
  assert.deepEqual(await ask(1, T0 + 1015), { offset: 7, timestamp: T0 + 1020 });
  assert.deepEqual(await ask(2, T0 + 1041), { offset: -1, timestamp: -1 }, 'after every record');
  const unknown = await client.request(listOffsetsSchema, 1, { replicaId: -1, topics: [{ name: 'nope', partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
  assert.equal(unknown.topics[0]?.partitions[0]?.errorCode, 3);
});

test('CreateTopics validates, defaults and refuses what a single node cannot do', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '4']);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const topic = (name: string, numPartitions: number, replicationFactor = 1, configs: Array<{ name: string; value: string | null }> = []) =>
    ({ name, numPartitions, replicationFactor, assignments: [], configs });
  const res = await client.request(createTopicsSchema, 3, {
    topics: [
      topic('fine', 2, 1, [{ name: 'segment.bytes', value: '1048576' }]),
      topic('defaulted', -1, -1),
      topic('replicated', 1, 3),
      topic('bad config', 1),
      topic('bad-config', 1, 1, [{ name: 'cleanup.policy', value: 'compact' }]),
      topic('unknown-config', 1, 1, [{ name: 'min.insync.replicas', value: '2' }]),
      topic('no-partitions', 0),
      topic('twice', 1),
      topic('twice', 1),
    ],
    timeoutMs: 5000,
    validateOnly: false,
  });
  const codes = Object.fromEntries(res.topics.map((x) => [x.name, x.errorCode]));
  assert.deepEqual(codes, { fine: 0, defaulted: 0, replicated: 38, 'bad config': 17, 'bad-config': 40, 'unknown-config': 40, 'no-partitions': 37, twice: 42 });
  const again = await client.request(createTopicsSchema, 2, { topics: [topic('fine', 1)], timeoutMs: 5000, validateOnly: false });
  assert.equal(again.topics[0]?.errorCode, 36, 'TOPIC_ALREADY_EXISTS');
  const dry = await client.request(createTopicsSchema, 3, { topics: [topic('dry-run', 2)], timeoutMs: 5000, validateOnly: true });
  assert.equal(dry.topics[0]?.errorCode, 0);
  const configs = await client.request(describeConfigsSchema, 1, {
    resources: [
      { resourceType: 2, resourceName: 'fine', configurationKeys: ['segment.bytes', 'retention.ms'] },
      { resourceType: 2, resourceName: 'dry-run', configurationKeys: null },
      { resourceType: 4, resourceName: '0', configurationKeys: ['num.partitions', 'broker.id'] },
      { resourceType: 4, resourceName: '5', configurationKeys: null },
      { resourceType: 8, resourceName: 'x', configurationKeys: null },
    ],
    includeSynonyms: true,
  });
  const [fine, dryRun, self, other, logger] = configs.results;
  assert.deepEqual(fine?.configs.map((c) => [c.name, c.value, c.configSource, c.readOnly]), [
    ['retention.ms', String(7 * 24 * 3600 * 1000), 5, false],
    ['segment.bytes', '1048576', 1, false],
  ]);
  assert.equal(fine?.configs[1]?.synonyms[0]?.source, 1);
  assert.equal(dryRun?.errorCode, 3, 'validate_only created nothing');
  assert.deepEqual(self?.configs.map((c) => [c.name, c.value, c.readOnly]), [['broker.id', '0', true], ['num.partitions', '4', true]]);
  assert.equal(other?.errorCode, 42);
  assert.equal(logger?.errorCode, 42);
  const coordinator = await client.request(findCoordinatorSchema, 1, { key: 'any-group', keyType: 0 });
  assert.deepEqual([coordinator.errorCode, coordinator.nodeId, coordinator.port], [0, 0, broker.port]);
});

test('IncrementalAlterConfigs sets and deletes at v0 and v1; AlterConfigs replaces; bad operations change nothing', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  await client.request(createTopicsSchema, 3, { topics: [{ name: 'tuned', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  const overrides = async (): Promise<Record<string, string | null>> => {
    const res = await client.request(describeConfigsSchema, 1, { resources: [{ resourceType: 2, resourceName: 'tuned', configurationKeys: null }], includeSynonyms: false });
    return Object.fromEntries((res.results[0]?.configs ?? []).filter((c) => c.configSource === 1).map((c) => [c.name, c.value]));
  };
  const incremental = (version: number, configs: Array<{ name: string; configOperation: number; value: string | null }>, resourceType = 2) =>
    client.request(incrementalAlterConfigsSchema, version, { resources: [{ resourceType, resourceName: 'tuned', configs }], validateOnly: false });

  assert.equal((await incremental(0, [{ name: 'retention.ms', configOperation: 0, value: '60000' }])).responses[0]?.errorCode, 0);
  assert.equal((await incremental(1, [{ name: 'retention.bytes', configOperation: 0, value: '1048576' }])).responses[0]?.errorCode, 0);
  assert.deepEqual(await overrides(), { 'retention.ms': '60000', 'retention.bytes': '1048576' });
  assert.equal((await incremental(1, [{ name: 'retention.ms', configOperation: 1, value: null }])).responses[0]?.errorCode, 0);
  assert.deepEqual(await overrides(), { 'retention.bytes': '1048576' });

  const append = await incremental(1, [{ name: 'segment.ms', configOperation: 0, value: '1000' }, { name: 'cleanup.policy', configOperation: 2, value: 'delete' }]);
  assert.equal(append.responses[0]?.errorCode, 40, 'APPEND is INVALID_CONFIG');
  assert.equal((await incremental(0, [{ name: 'segment.ms', configOperation: 9, value: '1' }])).responses[0]?.errorCode, 42);
  assert.equal((await incremental(0, [{ name: 'segment.ms', configOperation: 0, value: 'soon' }])).responses[0]?.errorCode, 40);
  assert.equal((await incremental(0, [{ name: 'num.partitions', configOperation: 0, value: '3' }], 4)).responses[0]?.errorCode, 42, 'broker settings are read-only');
  assert.deepEqual(await overrides(), { 'retention.bytes': '1048576' }, 'refused operations changed nothing');

  const replaced = await client.request(alterConfigsSchema, 1, { resources: [{ resourceType: 2, resourceName: 'tuned', configs: [{ name: 'segment.ms', value: '5000' }] }], validateOnly: false });
  assert.equal(replaced.responses[0]?.errorCode, 0);
  assert.deepEqual(await overrides(), { 'segment.ms': '5000' });
  const dry = await client.request(alterConfigsSchema, 0, { resources: [{ resourceType: 2, resourceName: 'tuned', configs: [] }], validateOnly: true });
  assert.equal(dry.responses[0]?.errorCode, 0);
  assert.deepEqual(await overrides(), { 'segment.ms': '5000' }, 'validate_only changed nothing');
  const missing = await client.request(alterConfigsSchema, 1, { resources: [{ resourceType: 2, resourceName: 'absent', configs: [] }], validateOnly: false });
  assert.equal(missing.responses[0]?.errorCode, 3);
});
