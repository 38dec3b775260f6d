// The protocol rules clients depend on, checked with exact requests (protocol-matrix §1.6, §1.7):
// what ApiVersions advertises, responses in request order with acks=0 answered by silence (G8,
// G9), the Fetch long poll waking on new data, KIP-74 sizes, read_committed offsets (G15),
// Metadata topic-list and auto-creation semantics (G13), and Produce v0-2 refused (G3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionsSchema, describeClusterSchema, fetchSchema, metadataSchema, produceSchema } from '../../../src/protocols/kafka/schema/index.js';
import type { RequestInput } from '../../../src/protocols/kafka/schema/api-schema.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { WireClient } from '../../helpers/kafka-wire.js';

type FetchInput = RequestInput<typeof fetchSchema>;

function fetchRequest(topic: string, partitions: Array<{ partition: number; offset: number; maxBytes?: number }>, extra: Partial<FetchInput> = {}): FetchInput {
  return {
    maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: partitions.map((p) => ({ partition: p.partition, fetchOffset: p.offset, logStartOffset: -1, partitionMaxBytes: p.maxBytes ?? 1 << 20 })) }],
    forgottenTopicsData: [], rackId: '',
    ...extra,
  };
}

function produceRequest(topic: string, records: Buffer, acks = -1, partition = 0): RequestInput<typeof produceSchema> {
  return { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

test('ApiVersions advertises exactly the served APIs and ranges, at v0 and at flexible v3', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const expected = [
    [0, 0, 7], [1, 4, 11], [2, 1, 2], [3, 0, 4], [8, 2, 7], [9, 1, 5], [10, 0, 1], [11, 0, 5], [12, 0, 3], [13, 0, 3], [14, 0, 3],
    [15, 0, 4], [16, 0, 2], [18, 0, 3], [19, 2, 3], [20, 1, 1], [22, 0, 1], [32, 1, 1], [33, 0, 1], [37, 0, 1], [42, 0, 1], [44, 0, 1],
    [47, 0, 0], [60, 0, 0],
  ].map(([apiKey, minVersion, maxVersion]) => ({ apiKey, minVersion, maxVersion }));
  for (const version of [0, 1, 2, 3]) {
    const res = await client.request(apiVersionsSchema, version, { clientSoftwareName: 'wire', clientSoftwareVersion: '1' });
    assert.equal(res.errorCode, 0);
    assert.deepEqual(res.apiKeys, expected, `v${version}`);
  }
  const cluster = await client.request(describeClusterSchema, 0, { includeClusterAuthorizedOperations: false });
  const meta = await client.request(metadataSchema, 4, { topics: [], allowAutoTopicCreation: true });
  assert.equal(meta.clusterId, cluster.clusterId, 'one cluster id everywhere');
  assert.equal(meta.controllerId, 0);
  assert.deepEqual(meta.brokers, [{ nodeId: 0, host: '127.0.0.1', port: broker.port, rack: null }]);
});

test('pipelined requests are answered in order and acks=0 produces get no response', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  // All written before any answer is read: a produce (slow, waits for fsync), a silent acks=0
  // produce, a quick metadata, another produce, and a fetch of what the produces wrote.
  const ids = [
    client.send(produceSchema, 7, produceRequest('piped', makeBatch({ records: 3, valueBytes: 100 }))),
    client.send(produceSchema, 7, produceRequest('piped', makeBatch({ records: 2, valueBytes: 100 }), 0)),
    client.send(metadataSchema, 1, { topics: [{ name: 'piped' }] }),
    client.send(produceSchema, 3, produceRequest('piped', makeBatch({ records: 1, valueBytes: 100 }), 1)),
  ];
  const first = await client.response(produceSchema, 7, ids[0] as number);
  assert.equal(first.responses[0]?.partitionResponses[0]?.baseOffset, 0);
  // The next frame answers the metadata request: nothing was sent for acks=0.
  const meta = await client.response(metadataSchema, 1, ids[2] as number);
  assert.equal(meta.topics[0]?.name, 'piped');
  const third = await client.response(produceSchema, 3, ids[3] as number);
  assert.equal(third.responses[0]?.partitionResponses[0]?.baseOffset, 5, 'appends kept request order: 3 + 2 records before it');
  const fetched = await client.request(fetchSchema, 11, fetchRequest('piped', [{ partition: 0, offset: 0 }]));
  assert.equal(fetched.responses[0]?.partitions[0]?.highWatermark, 6);
});

test('a Fetch long poll answers as soon as min_bytes arrive, and later requests on its connection wait their turn', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const consumer = await WireClient.connect(broker.port);
  const producer = await WireClient.connect(broker.port);
  t.after(() => {
    consumer.close();
    producer.close();
  });
  await producer.request(produceSchema, 7, produceRequest('poll', makeBatch({ records: 1, valueBytes: 10 })));
  // Waits up to 60 s (longer than this test may run) for 500 bytes past offset 1.
  const pollId = consumer.send(fetchSchema, 11, fetchRequest('poll', [{ partition: 0, offset: 1 }], { maxWaitMs: 60_000, minBytes: 500 }));
  const metaId = consumer.send(metadataSchema, 4, { topics: [{ name: 'poll' }], allowAutoTopicCreation: false });
  // Too small to satisfy min_bytes: the poll keeps waiting.
  await producer.request(produceSchema, 7, produceRequest('poll', makeBatch({ records: 1, valueBytes: 10 })));
  await producer.request(produceSchema, 7, produceRequest('poll', makeBatch({ records: 4, valueBytes: 200 })));
  const poll = await consumer.response(fetchSchema, 11, pollId);
  const p = poll.responses[0]?.partitions[0];
  assert.equal(p?.errorCode, 0);
  assert.equal(p?.highWatermark, 6);
  assert.ok(Buffer.isBuffer(p?.records) && p.records.length >= 500, 'both batches came back in one answer');
  const meta = await consumer.response(metadataSchema, 4, metaId);
  assert.equal(meta.topics[0]?.errorCode, 0);
});

test('Fetch honours KIP-74 sizes, read_committed offsets and out-of-range and unknown partitions', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '2']);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  for (const partition of [0, 1]) {
    await client.request(produceSchema, 7, produceRequest('sizes', makeBatch({ records: 2, valueBytes: 3000 }), -1, partition));
    await client.request(produceSchema, 7, produceRequest('sizes', makeBatch({ records: 2, valueBytes: 3000 }), -1, partition));
  }
  // partition_max_bytes below one batch: the first partition still gets its first batch whole,
  // the second gets nothing (it would exceed its limit and is not first).
  const small = await client.request(fetchSchema, 11, fetchRequest('sizes', [{ partition: 0, offset: 0, maxBytes: 100 }, { partition: 1, offset: 0, maxBytes: 100 }]));
  const [s0, s1] = small.responses[0]?.partitions ?? [];
  const batchBytes = makeBatch({ records: 2, valueBytes: 3000 }).length;
  assert.equal((s0?.records as Buffer).length, batchBytes);
  assert.equal((s1?.records as Buffer).length, 0);
  assert.equal(s1?.highWatermark, 4);
  // max_bytes across partitions: room for one batch in all.
  const capped = await client.request(fetchSchema, 11, fetchRequest('sizes', [{ partition: 0, offset: 0 }, { partition: 1, offset: 0 }], { maxBytes: batchBytes + 10 }));
  const [c0, c1] = capped.responses[0]?.partitions ?? [];
  assert.equal((c0?.records as Buffer).length, batchBytes);
  assert.equal((c1?.records as Buffer).length, 0);
  // Plenty of room: both batches of both partitions; the last stable offset is the high watermark.
  const all = await client.request(fetchSchema, 11, fetchRequest('sizes', [{ partition: 0, offset: 0 }, { partition: 1, offset: 2 }]));
  for (const p of all.responses[0]?.partitions ?? []) {
    assert.equal(p.lastStableOffset, p.highWatermark);
    assert.deepEqual(p.abortedTransactions, [], 'read_committed sees an empty aborted list (G15)');
  }
  assert.equal((all.responses[0]?.partitions[0]?.records as Buffer).length, 2 * batchBytes);
  const uncommitted = await client.request(fetchSchema, 4, fetchRequest('sizes', [{ partition: 0, offset: 0 }], { isolationLevel: 0 }));
  assert.equal(uncommitted.responses[0]?.partitions[0]?.abortedTransactions, null);
  assert.equal(uncommitted.responses[0]?.partitions[0]?.lastStableOffset, 4);

  const beyond = await client.request(fetchSchema, 11, fetchRequest('sizes', [{ partition: 0, offset: 99 }], { maxWaitMs: 10_000, minBytes: 1 }));
  assert.equal(beyond.responses[0]?.partitions[0]?.errorCode, 1, 'OFFSET_OUT_OF_RANGE answers at once');
  const unknown = await client.request(fetchSchema, 11, fetchRequest('no-such-topic', [{ partition: 0, offset: 0 }]));
  assert.equal(unknown.responses[0]?.partitions[0]?.errorCode, 3);
  const noPartition = await client.request(fetchSchema, 11, fetchRequest('sizes', [{ partition: 7, offset: 0 }]));
  assert.equal(noPartition.responses[0]?.partitions[0]?.errorCode, 3);
  const session = await client.request(fetchSchema, 11, fetchRequest('sizes', [{ partition: 0, offset: 0 }], { sessionId: 1234, sessionEpoch: 3 }));
  assert.equal(session.errorCode, 70, 'FETCH_SESSION_ID_NOT_FOUND: Wharf never hands out sessions (G10)');
});

test('Metadata topic lists and auto-creation follow G13; Produce v0-2 is refused per partition', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--default-partitions', '3']);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  // v1 names a missing topic: created (no allow flag before v4 means "allowed").
  const created = await client.request(metadataSchema, 1, { topics: [{ name: 'auto-1' }] });
  assert.equal(created.topics[0]?.errorCode, 0);
  assert.equal(created.topics[0]?.partitions.length, 3);
  // v4 with allow_auto_topic_creation=false: unknown, and not created.
  const refused = await client.request(metadataSchema, 4, { topics: [{ name: 'auto-2' }], allowAutoTopicCreation: false });
  assert.equal(refused.topics[0]?.errorCode, 3);
  const invalid = await client.request(metadataSchema, 4, { topics: [{ name: 'bad/name' }], allowAutoTopicCreation: true });
  assert.equal(invalid.topics[0]?.errorCode, 17, 'INVALID_TOPIC_EXCEPTION');
  // v0: [] means all topics; v1+: [] means none and null means all.
  assert.deepEqual((await client.request(metadataSchema, 0, { topics: [] })).topics.map((x) => x.name), ['auto-1']);
  assert.deepEqual((await client.request(metadataSchema, 1, { topics: [] })).topics, []);
  assert.deepEqual((await client.request(metadataSchema, 4, { topics: null, allowAutoTopicCreation: true })).topics.map((x) => x.name), ['auto-1']);

  const old = await client.request(produceSchema, 2, produceRequest('auto-1', makeBatch({ records: 1, valueBytes: 1 })));
  assert.equal(old.responses[0]?.partitionResponses[0]?.errorCode, 35);
  const badAcks = await client.request(produceSchema, 7, produceRequest('auto-1', makeBatch({ records: 1, valueBytes: 1 }), 2));
  assert.equal(badAcks.responses[0]?.partitionResponses[0]?.errorCode, 21, 'INVALID_REQUIRED_ACKS');
  // Produce auto-creates too.
  const produced = await client.request(produceSchema, 7, produceRequest('auto-3', makeBatch({ records: 1, valueBytes: 1 }), -1, 2));
  assert.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, 0);
  assert.equal(produced.responses[0]?.partitionResponses[0]?.logStartOffset, 0);
  const badName = await client.request(produceSchema, 7, produceRequest('bad/name', makeBatch({ records: 1, valueBytes: 1 })));
  assert.equal(badName.responses[0]?.partitionResponses[0]?.errorCode, 17, 'INVALID_TOPIC_EXCEPTION');
});

test('with auto-creation off, Metadata and Produce report unknown topics', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--auto-create-topics', 'false']);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  assert.equal((await client.request(metadataSchema, 1, { topics: [{ name: 'ghost' }] })).topics[0]?.errorCode, 3);
  const produced = await client.request(produceSchema, 7, produceRequest('ghost', makeBatch({ records: 1, valueBytes: 1 })));
  assert.equal(produced.responses[0]?.partitionResponses[0]?.errorCode, 3);
  assert.deepEqual((await client.request(metadataSchema, 1, { topics: null })).topics, []);
});

test('Metadata, FindCoordinator and DescribeCluster advertise --advertised-host and --node-id', { timeout: 30_000 }, async (t) => {
  const broker = await startKafkaBroker(t, ['--advertised-host', 'wharf.example', '--node-id', '7']);
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const meta = await client.request(metadataSchema, 4, { topics: [{ name: 'where' }], allowAutoTopicCreation: true });
  assert.deepEqual(meta.brokers, [{ nodeId: 7, host: 'wharf.example', port: broker.port, rack: null }]);
  assert.equal(meta.controllerId, 7, 'the controller is a broker in the list (G4)');
  assert.deepEqual(meta.topics[0]?.partitions[0]?.replicaNodes, [7]);
  assert.equal(meta.topics[0]?.partitions[0]?.leaderId, 7);
  const cluster = await client.request(describeClusterSchema, 0, { includeClusterAuthorizedOperations: false });
  assert.deepEqual(cluster.brokers, [{ brokerId: 7, host: 'wharf.example', port: broker.port, rack: null }]);
});
