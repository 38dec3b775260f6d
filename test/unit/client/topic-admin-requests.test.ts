// What topic administration sends and how it reads the answers: CreateTopics defaults by
// version, DescribeConfigs sources, IncrementalAlterConfigs or the AlterConfigs fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError } from '../../../src/client/client-errors.js';
import { alterTopicConfigs, createPartitions, createTopic, deleteTopic, describeTopicConfigs } from '../../../src/client/topic-admin.js';
import {
  alterConfigsSchema, createPartitionsSchema, createTopicsSchema, deleteTopicsSchema, describeConfigsSchema, incrementalAlterConfigsSchema, metadataSchema,
} from '../../../src/protocols/kafka/schema/index.js';
import { FakeBroker } from './helpers/fake-broker.js';

type Req = Record<string, unknown>;
const first = (v: unknown): Req => (v as Req[])[0] as Req;

const describeAnswer = (body: Req) => ({
  results: [{
    errorCode: 0,
    resourceType: 2,
    resourceName: first(body.resources).resourceName,
    configs: [
      { name: 'segment.bytes', value: '1024', readOnly: false, configSource: 5, isSensitive: false },
      { name: 'retention.ms', value: '1000', readOnly: false, configSource: 1, isSensitive: false },
      { name: 'cleanup.policy', value: 'delete', readOnly: false, configSource: 1, isSensitive: false },
    ],
  }],
});

test('without --partitions, CreateTopics v4+ sends -1 and older versions send the broker\'s num.partitions', async () => {
  const createAnswer = (body: Req) => ({ topics: [{ name: first(body.topics).name, errorCode: 0 }] });
  const brokerConfigs = (body: Req) => ({
    results: [{
      errorCode: 0, resourceType: 4, resourceName: first(body.resources).resourceName,
      configs: [{ name: 'num.partitions', value: '6', readOnly: true, configSource: 4, isSensitive: false }],
    }],
  });
  const cases = [
    { max: 5, describes: true, expected: [-1, -1] },
    { max: 3, describes: true, expected: [6, 1] },
    { max: 3, describes: false, expected: [1, 1] },
  ];
  for (const { max, describes, expected } of cases) {
    const broker = new FakeBroker().serve(createTopicsSchema, 2, max, createAnswer);
    if (describes) {
      broker.serve(metadataSchema, 1, 4, () => ({ brokers: [{ nodeId: 7, host: 'h', port: 1 }], controllerId: 7, topics: [] }))
        .serve(describeConfigsSchema, 1, 1, brokerConfigs);
    }
    const client = await broker.client();
    await createTopic(client, 'a');
    await createTopic(client, 'b', { partitions: 4, configs: { 'retention.ms': '5' } });
    const [a, b] = broker.requestsOf(19).map((r) => first(r.body.topics));
    assert.deepEqual([a?.numPartitions, a?.replicationFactor], expected, `CreateTopics v${max}, DescribeConfigs ${describes}`);
    assert.equal(b?.numPartitions, 4);
    assert.deepEqual(b?.configs, [{ name: 'retention.ms', value: '5' }]);
    if (describes && max < 4) assert.deepEqual(first(broker.requestsOf(32)[0]?.body.resources).resourceName, '7');
    await client.close();
  }
});

test('error codes in admin answers become BrokerErrors with the broker\'s message and a hint', async () => {
  const broker = new FakeBroker()
    .serve(createTopicsSchema, 2, 3, (body) => ({ topics: [{ name: first(body.topics).name, errorCode: 36, errorMessage: 'Topic a already exists.' }] }))
    .serve(deleteTopicsSchema, 1, 1, () => ({ responses: [{ name: 'gone', errorCode: 3 }] }))
    .serve(createPartitionsSchema, 0, 1, () => ({ results: [{ name: 'a', errorCode: 37, errorMessage: 'Topic a has 3 partitions' }] }));
  const client = await broker.client();
  await assert.rejects(createTopic(client, 'a'), (err: unknown) =>
    err instanceof BrokerError && err.kafkaErrorName === 'TOPIC_ALREADY_EXISTS' && /creating topic a failed with TOPIC_ALREADY_EXISTS: Topic a already exists.; .*--if-not-exists/.test(err.message));
  await assert.rejects(deleteTopic(client, 'gone'), /deleting topic gone failed with UNKNOWN_TOPIC_OR_PARTITION; check the name with `wharf topics list`/);
  await assert.rejects(createPartitions(client, 'a', 2), /INVALID_PARTITIONS: Topic a has 3 partitions/);
  assert.deepEqual(first(broker.requestsOf(37)[0]?.body.topics), { name: 'a', count: 2, assignments: null });
  await client.close();
});

test('DescribeConfigs sources tell topic overrides from defaults', async () => {
  const broker = new FakeBroker().serve(describeConfigsSchema, 1, 1, describeAnswer);
  const client = await broker.client();
  const configs = await describeTopicConfigs(client, 'orders');
  assert.deepEqual(configs.map((c) => [c.name, c.value, c.source, c.isDefault]), [
    ['cleanup.policy', 'delete', 'topic', false],
    ['retention.ms', '1000', 'topic', false],
    ['segment.bytes', '1024', 'default', true],
  ]);
  assert.deepEqual(broker.requestsOf(32)[0]?.body.resources, [{ resourceType: 2, resourceName: 'orders', configurationKeys: null }]);
  await client.close();
});

test('alter uses IncrementalAlterConfigs SET and DELETE when the broker serves it', async () => {
  const broker = new FakeBroker().serve(incrementalAlterConfigsSchema, 0, 0, (body) => ({
    responses: [{ errorCode: 0, resourceType: 2, resourceName: first(body.resources).resourceName }],
  }));
  const client = await broker.client();
  await alterTopicConfigs(client, 'orders', { 'retention.ms': '42' }, ['segment.bytes']);
  assert.deepEqual(first(broker.requestsOf(44)[0]?.body.resources).configs, [
    { name: 'retention.ms', configOperation: 0, value: '42' },
    { name: 'segment.bytes', configOperation: 1, value: null },
  ]);
  await client.close();
});

test('without IncrementalAlterConfigs, alter sends the current overrides with the changes through AlterConfigs', async () => {
  const broker = new FakeBroker()
    .serve(describeConfigsSchema, 1, 1, describeAnswer)
    .serve(alterConfigsSchema, 0, 1, (body) => ({ responses: [{ errorCode: 0, resourceType: 2, resourceName: first(body.resources).resourceName }] }));
  const client = await broker.client();
  await alterTopicConfigs(client, 'orders', { 'max.message.bytes': '2048' }, ['cleanup.policy']);
  assert.deepEqual(first(broker.requestsOf(33)[0]?.body.resources).configs, [
    { name: 'retention.ms', value: '1000' },
    { name: 'max.message.bytes', value: '2048' },
  ]);
  await client.close();
});
