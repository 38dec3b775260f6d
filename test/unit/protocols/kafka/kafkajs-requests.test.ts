// Requests encoded by kafkajs 2.2.4's own encoders, framed as its socket would send them, split
// into chunks, then decoded by Wharf's schemas: every field kafkajs wrote must come out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameAssembler } from '../../../../src/protocols/kafka/framing.js';
import { decodeRequestBody, readRequest } from '../../../../src/protocols/kafka/messages.js';
import { checkBatchAt } from '../../../../src/records/batch-check.js';
import { batchRecordsCount, MAGIC_POS } from '../../../../src/records/batch-header.js';
import { fullRegistry } from './helpers/full-registry.js';
import { assertMatches, kjsRequest, kjsRequestFrame } from './helpers/kafkajs.js';

const registry = fullRegistry();

/** Encodes with kafkajs, feeds the frame in two chunks, decodes with Wharf, returns the body. */
async function viaWharf(api: string, version: number, args: unknown): Promise<{ apiKey: number; body: Record<string, unknown> }> {
  const request = kjsRequest(api, version)(args);
  const wire = await kjsRequestFrame(request, 4242, 'kafkajs-test');
  const assembler = new FrameAssembler();
  assembler.push(wire.subarray(0, 7));
  assert.equal(assembler.next(), null);
  assembler.push(wire.subarray(7));
  const frame = assembler.next();
  assert.ok(frame !== null);
  const incoming = readRequest(frame, registry);
  assert.ok(incoming.kind === 'request', `${api} v${version}: ${incoming.kind}`);
  assert.deepEqual(incoming.header, { apiKey: request.apiKey, apiVersion: version, correlationId: 4242, clientId: 'kafkajs-test' });
  return { apiKey: request.apiKey, body: decodeRequestBody(incoming.api.schema, version, frame, incoming.bodyOffset) };
}

async function check(api: string, versions: number[], args: (v: number) => unknown, expected: (v: number) => unknown): Promise<void> {
  for (const v of versions) {
    const { body } = await viaWharf(api, v, args(v));
    try {
      assertMatches(body, expected(v));
    } catch (err) {
      assert.fail(`${api} v${v}: ${(err as Error).message}`);
    }
  }
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('ApiVersions v0–2 and Metadata v0–6 from kafkajs', async () => {
  await check('apiVersions', range(0, 2), () => undefined, () => ({ clientSoftwareName: '' }));
  await check('metadata', range(0, 6), () => ({ topics: ['orders', 'payments'], allowAutoTopicCreation: false }),
    (v) => ({ topics: [{ name: 'orders' }, { name: 'payments' }], allowAutoTopicCreation: v < 4 }));
  // kafkajs writes an empty list as null from v1: "all topics" in both cases (§1.7 G13).
  await check('metadata', range(1, 6), () => ({ topics: [] }), () => ({ topics: null }));
  await check('metadata', [0], () => ({ topics: [] }), () => ({ topics: [] }));
});

test('Produce v3–7 from kafkajs carries its RecordBatch untouched and CRC-valid', async () => {
  for (const v of range(3, 7)) {
    for (const transactionalId of [null, 'tx-1']) {
      const { body } = await viaWharf('produce', v, {
        acks: -1, timeout: 30000, transactionalId,
        topicData: [{ topic: 'orders', partitions: [{ partition: 2, messages: [{ key: 'k1', value: 'v1' }, { key: null, value: 'v2', headers: { h: 'x' } }] }] }],
      });
      assertMatches(body, { transactionalId, acks: -1, timeoutMs: 30000, topicData: [{ name: 'orders', partitionData: [{ index: 2 }] }] });
      const records = (body['topicData'] as { partitionData: { records: Buffer | null }[] }[])[0]?.partitionData[0]?.records;
      assert.ok(Buffer.isBuffer(records), `Produce v${v}: records`);
      assert.equal(records.readInt8(MAGIC_POS), 2);
      assert.equal(checkBatchAt(records, 0, records.length, 1 << 20), records.length, 'a whole batch with a valid CRC32C');
      assert.equal(batchRecordsCount(records, 0), 2);
    }
  }
});

test('Produce v0–2 from kafkajs decode too (message sets, magic 0/1, refused later per partition)', async () => {
  for (const v of range(0, 2)) {
    const { body } = await viaWharf('produce', v, { acks: 1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v' }] }] }] });
    const records = (body['topicData'] as { partitionData: { records: Buffer | null }[] }[])[0]?.partitionData[0]?.records;
    assert.ok(Buffer.isBuffer(records) && records.length > 0);
    assert.ok([0, 1].includes(records.readInt8(MAGIC_POS)), `Produce v${v} magic`);
  }
});

test('Fetch v0–11 from kafkajs', async () => {
  await check('fetch', range(0, 11), (v) => ({
    replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 1048576, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: 'rack-a',
    topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '12345678901', maxBytes: 65536 }, { partition: 3, fetchOffset: '0', maxBytes: 100 }] }],
    ...(v >= 7 ? { forgottenTopics: [{ topic: 'old', partitions: [1, 2] }] } : {}),
  }), (v) => ({
    replicaId: -1, maxWaitMs: 500, minBytes: 1,
    maxBytes: v >= 3 ? 1048576 : 0x7fffffff,
    isolationLevel: v >= 4 ? 1 : 0,
    sessionEpoch: -1,
    topics: [{ topic: 'orders', partitions: [
      { partition: 0, fetchOffset: 12345678901, partitionMaxBytes: 65536, currentLeaderEpoch: -1, logStartOffset: -1 },
      { partition: 3, fetchOffset: 0, partitionMaxBytes: 100 },
    ] }],
    forgottenTopicsData: v >= 7 ? [{ topic: 'old', partitions: [1, 2] }] : [],
    rackId: v >= 11 ? 'rack-a' : '',
  }));
});

test('ListOffsets v0–3 and FindCoordinator v0–2 from kafkajs', async () => {
  await check('listOffsets', range(0, 3), () => ({
    replicaId: -1, isolationLevel: 1,
    topics: [{ topic: 'orders', partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: '1700000000000' }] }],
  }), (v) => ({
    replicaId: -1, isolationLevel: v >= 2 ? 1 : 0,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, timestamp: -1, maxNumOffsets: 1 }, { partitionIndex: 1, timestamp: 1700000000000 }] }],
  }));
  await check('findCoordinator', [0], () => ({ groupId: 'group-1' }), () => ({ key: 'group-1', keyType: 0 }));
  await check('findCoordinator', [1, 2], () => ({ coordinatorKey: 'tx-1', coordinatorType: 1 }), () => ({ key: 'tx-1', keyType: 1 }));
});

test('group APIs from kafkajs: JoinGroup v0–5, SyncGroup, Heartbeat, LeaveGroup v0–3', async () => {
  const metadata = Buffer.from('0001000000010006orders', 'utf8');
  await check('joinGroup', range(0, 5), () => ({
    groupId: 'group-1', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: '', groupInstanceId: 'instance-1',
    protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata }],
  }), (v) => ({
    groupId: 'group-1', sessionTimeoutMs: 30000, rebalanceTimeoutMs: v >= 1 ? 60000 : -1, memberId: '',
    groupInstanceId: v >= 5 ? 'instance-1' : null, protocolType: 'consumer', protocols: [{ name: 'RoundRobinAssigner', metadata }],
  }));
  const assignment = Buffer.from([0, 1, 2, 3]);
  await check('syncGroup', range(0, 3), () => ({
    groupId: 'group-1', generationId: 5, memberId: 'm-1', groupInstanceId: 'instance-1', groupAssignment: [{ memberId: 'm-1', memberAssignment: assignment }],
  }), (v) => ({
    groupId: 'group-1', generationId: 5, memberId: 'm-1', groupInstanceId: v >= 3 ? 'instance-1' : null, assignments: [{ memberId: 'm-1', assignment }],
  }));
  await check('heartbeat', range(0, 3), () => ({ groupId: 'group-1', groupGenerationId: 5, memberId: 'm-1', groupInstanceId: null }),
    () => ({ groupId: 'group-1', generationId: 5, memberId: 'm-1', groupInstanceId: null }));
  await check('leaveGroup', range(0, 2), () => ({ groupId: 'group-1', memberId: 'm-1' }), () => ({ groupId: 'group-1', memberId: 'm-1', members: [] }));
  await check('leaveGroup', [3], () => ({ groupId: 'group-1', members: [{ memberId: 'm-1', groupInstanceId: 'i-1' }, { memberId: 'm-2' }] }),
    () => ({ groupId: 'group-1', memberId: '', members: [{ memberId: 'm-1', groupInstanceId: 'i-1' }, { memberId: 'm-2', groupInstanceId: null }] }));
});

test('offsets from kafkajs: OffsetCommit v0–5, OffsetFetch v1–4', async () => {
  await check('offsetCommit', range(0, 5), () => ({
    groupId: 'group-1', groupGenerationId: 7, memberId: 'm-1', retentionTime: 86400000,
    topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '42', timestamp: 1700000000000, metadata: null }, { partition: 1, offset: '9007199254740991', metadata: 'meta' }] }],
  }), (v) => ({
    groupId: 'group-1', generationIdOrMemberEpoch: v >= 1 ? 7 : -1, memberId: v >= 1 ? 'm-1' : '',
    retentionTimeMs: v >= 2 && v <= 4 ? 86400000 : -1,
    topics: [{ name: 'orders', partitions: [
      { partitionIndex: 0, committedOffset: 42, committedMetadata: null, commitTimestamp: v === 1 ? 1700000000000 : -1 },
      { partitionIndex: 1, committedOffset: 9007199254740991, committedMetadata: 'meta' },
    ] }],
  }));
  await check('offsetFetch', range(1, 4), () => ({ groupId: 'group-1', topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 5 }] }] }),
    () => ({ groupId: 'group-1', topics: [{ name: 'orders', partitionIndexes: [0, 5] }], requireStable: false }));
});

test('admin APIs from kafkajs: CreateTopics v0–3, DeleteTopics, CreatePartitions, Describe/AlterConfigs', async () => {
  await check('createTopics', range(0, 3), () => ({
    topics: [{ topic: 'new-topic', numPartitions: 3, replicationFactor: 1, replicaAssignment: [{ partition: 0, replicas: [1] }], configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    timeout: 5000, validateOnly: true,
  }), (v) => ({
    topics: [{ name: 'new-topic', numPartitions: 3, replicationFactor: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: 'cleanup.policy', value: 'compact' }] }],
    timeoutMs: 5000, validateOnly: v >= 1,
  }));
  await check('deleteTopics', [0, 1], () => ({ topics: ['a', 'b'], timeout: 5000 }), () => ({ topicNames: ['a', 'b'], timeoutMs: 5000 }));
  await check('createPartitions', [0, 1], () => ({ topicPartitions: [{ topic: 't', count: 6, assignments: [[1], [2, 3]] }], validateOnly: true, timeout: 3000 }),
    () => ({ topics: [{ name: 't', count: 6, assignments: [{ brokerIds: [1] }, { brokerIds: [2, 3] }] }], timeoutMs: 3000, validateOnly: true }));
  await check('describeConfigs', range(0, 2), () => ({
    resources: [{ type: 2, name: 'orders', configNames: ['retention.ms'] }, { type: 4, name: '1', configNames: [] }], includeSynonyms: true,
  }), (v) => ({
    resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] }, { resourceType: 4, resourceName: '1', configurationKeys: null }],
    includeSynonyms: v >= 1,
  }));
  await check('alterConfigs', [0, 1], () => ({ resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true }),
    () => ({ resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true }));
});

test('InitProducerId, group listing, SASL and transaction APIs from kafkajs', async () => {
  await check('initProducerId', [0, 1], () => ({ transactionalId: null, transactionTimeout: 60000 }),
    () => ({ transactionalId: null, transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 }));
  await check('initProducerId', [0, 1], () => ({ transactionalId: 'tx-1', transactionTimeout: 1000 }), () => ({ transactionalId: 'tx-1' }));
  await check('listGroups', range(0, 2), () => undefined, () => ({}));
  await check('describeGroups', range(0, 2), () => ({ groupIds: ['g1', 'g2'] }), () => ({ groups: ['g1', 'g2'] }));
  await check('deleteGroups', [0, 1], () => ['g1', 'g2'], () => ({ groupsNames: ['g1', 'g2'] }));
  await check('saslHandshake', [0, 1], () => ({ mechanism: 'SCRAM-SHA-256' }), () => ({ mechanism: 'SCRAM-SHA-256' }));
  // kafkajs's SASL mechanisms hand SaslAuthenticate an already length-prefixed token.
  const token = Buffer.from('\0user\0pass');
  const prefixed = Buffer.concat([Buffer.from([0, 0, 0, token.length]), token]);
  await check('saslAuthenticate', [0, 1], () => ({ authBytes: prefixed }), () => ({ authBytes: token }));
  const txn = { transactionalId: 'tx-1', producerId: '1000', producerEpoch: 3 };
  await check('addPartitionsToTxn', [0, 1], () => ({ ...txn, topics: [{ topic: 'orders', partitions: [0, 1] }] }),
    () => ({ transactionalId: 'tx-1', producerId: 1000, producerEpoch: 3, topics: [{ name: 'orders', partitions: [0, 1] }] }));
  await check('addOffsetsToTxn', [0, 1], () => ({ ...txn, groupId: 'group-1' }), () => ({ transactionalId: 'tx-1', producerId: 1000, producerEpoch: 3, groupId: 'group-1' }));
  await check('endTxn', [0, 1], () => ({ ...txn, transactionResult: true }), () => ({ transactionalId: 'tx-1', producerId: 1000, producerEpoch: 3, committed: true }));
  await check('txnOffsetCommit', [0, 1], () => ({ ...txn, groupId: 'group-1', topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '5', metadata: null }] }] }),
    () => ({ transactionalId: 'tx-1', groupId: 'group-1', producerId: 1000, producerEpoch: 3, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }] }] }));
});
