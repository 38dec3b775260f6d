// The consumer-group handlers over a real session and broker (in memory): each API at the versions
// clients send, with the coordinator's answers in each version's shape — MEMBER_ID_REQUIRED only
// from JoinGroup v4, LeaveGroup's single error before v3, OffsetFetch's group error on every
// partition before v2 — long polls that answer when the connection or the coordinator closes,
// and the offsets log kept out of the topic namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaErrorCode } from '../../../../src/protocols/kafka/error-codes.js';
import { decodeConsumerAssignment, encodeConsumerAssignment, encodeConsumerSubscription } from '../../../../src/protocols/kafka/schema/consumer-protocol.js';
import {
  apiVersionsSchema, createTopicsSchema, deleteGroupsSchema, describeGroupsSchema, heartbeatSchema, joinGroupSchema, leaveGroupSchema, listGroupsSchema,
  metadataSchema, offsetCommitSchema, offsetDeleteSchema, offsetFetchSchema, syncGroupSchema,
} from '../../../../src/protocols/kafka/schema/index.js';
import type { ApiSchema, RequestInput, ResponseData } from '../../../../src/protocols/kafka/schema/api-schema.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { sessionHarness, type SessionClient } from './helpers/session-harness.js';

const subscription = encodeConsumerSubscription(0, { topics: ['orders'], ownedPartitions: [] });
const assignment = encodeConsumerAssignment(0, { assignedPartitions: [{ topic: 'orders', partitions: [0, 1] }] });

function joinRequest(memberId: string, groupInstanceId: string | null = null) {
  return {
    groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription }],
  };
}

async function call<A extends ApiSchema>(c: SessionClient, schema: A, version: number, body: RequestInput<A>): Promise<ResponseData<A>> {
  c.send(schema, version, body);
  return (await c.response(schema, version)).body;
}

test('a member joins (MEMBER_ID_REQUIRED first at v5), syncs, heartbeats, commits, fetches, is described and leaves', async (t) => {
  const h = await sessionHarness(t);
  await h.broker.topics.create('orders', 2);
  const c = h.connect();
  const advertised = (await call(c, apiVersionsSchema, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).apiKeys;
  const ranges = (keys: number[]) => keys.map((k) => advertised.find((a) => a.apiKey === k)).map((a) => [a?.apiKey, a?.minVersion, a?.maxVersion]);
  assert.deepEqual(ranges([8, 9, 11, 12, 13, 14, 15, 16, 42, 47]), [[8, 2, 7], [9, 1, 5], [11, 0, 5], [12, 0, 3], [13, 0, 3], [14, 0, 3], [15, 0, 4], [16, 0, 2], [42, 0, 1], [47, 0, 0]]);

  const first = await call(c, joinGroupSchema, 5, joinRequest(''));
  assert.equal(first.errorCode, KafkaErrorCode.MEMBER_ID_REQUIRED);
  assert.match(first.memberId, /^session-test-/, 'the member id starts with the client id');
  const joined = await call(c, joinGroupSchema, 5, joinRequest(first.memberId));
  assert.equal(joined.errorCode, 0);
  assert.equal(joined.generationId, 1);
  assert.equal(joined.protocolName, 'range');
  assert.equal(joined.leader, first.memberId);
  assert.deepEqual(joined.members.map((m) => [m.memberId, m.groupInstanceId, m.metadata.equals(subscription)]), [[first.memberId, null, true]]);

  const sync = await call(c, syncGroupSchema, 3, { groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: null, assignments: [{ memberId: first.memberId, assignment }] });
  assert.equal(sync.errorCode, 0);
  assert.deepEqual(decodeConsumerAssignment(sync.assignment).assignedPartitions, [{ topic: 'orders', partitions: [0, 1] }]);
  assert.equal((await call(c, heartbeatSchema, 3, { groupId: 'g', generationId: 1, memberId: first.memberId, groupInstanceId: null })).errorCode, 0);
  assert.equal((await call(c, heartbeatSchema, 1, { groupId: 'g', generationId: 7, memberId: first.memberId })).errorCode, KafkaErrorCode.ILLEGAL_GENERATION);

  const commit = await call(c, offsetCommitSchema, 7, {
    groupId: 'g', generationIdOrMemberEpoch: 1, memberId: first.memberId, groupInstanceId: null,
    topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: 'meta' }, { partitionIndex: 9, committedOffset: 1, committedMetadata: null }] }],
  });
  assert.deepEqual(commit.topics, [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 9, errorCode: KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }]);
  const v5 = await call(c, offsetFetchSchema, 5, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
  assert.deepEqual(v5.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.committedLeaderEpoch, p.metadata, p.errorCode]), [[0, 42, 3, 'meta', 0], [1, -1, -1, '', 0]]);
  const all = await call(c, offsetFetchSchema, 2, { groupId: 'g', topics: null });
  assert.deepEqual(all.topics.map((t2) => [t2.name, t2.partitions.map((p) => [p.partitionIndex, p.committedOffset])]), [['orders', [[0, 42]]]], 'null topics: every committed partition');

  const described = await call(c, describeGroupsSchema, 4, { groups: ['g', 'nobody'], includeAuthorizedOperations: true });
  assert.deepEqual(described.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.protocolType, g.protocolData, g.members.length]),
    [['g', 0, 'Stable', 'consumer', 'range', 1], ['nobody', 0, 'Dead', '', '', 0]]);
  assert.equal(described.groups[0]?.members[0]?.clientHost, '/memory');
  assert.ok(described.groups[0]?.members[0]?.memberAssignment.equals(assignment));
  assert.notEqual(described.groups[0]?.authorizedOperations, -2147483648, 'asked-for operations are filled in');
  assert.deepEqual((await call(c, listGroupsSchema, 2, {})).groups, [{ groupId: 'g', protocolType: 'consumer' }]);

  assert.equal((await call(c, deleteGroupsSchema, 1, { groupsNames: ['g'] })).results[0]?.errorCode, KafkaErrorCode.NON_EMPTY_GROUP);
  assert.equal((await call(c, leaveGroupSchema, 1, { groupId: 'g', memberId: first.memberId })).errorCode, 0);
  assert.equal((await call(c, leaveGroupSchema, 1, { groupId: 'g', memberId: first.memberId })).errorCode, KafkaErrorCode.UNKNOWN_MEMBER_ID, 'v0-2 answer with the member\'s error');
  const deletedOffsets = await call(c, offsetDeleteSchema, 0, { groupId: 'g', topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] });
  assert.deepEqual([deletedOffsets.errorCode, deletedOffsets.topics], [0, [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }]]);
  assert.deepEqual((await call(c, deleteGroupsSchema, 1, { groupsNames: ['g', 'g'] })).results.map((r) => r.errorCode), [0, KafkaErrorCode.GROUP_ID_NOT_FOUND]);
});

test('JoinGroup below v4 joins at once; LeaveGroup v3 answers per member; static members need v5', async (t) => {
  const h = await sessionHarness(t);
  const c = h.connect();
  const joined = await call(c, joinGroupSchema, 2, joinRequest(''));
  assert.equal(joined.errorCode, 0, 'no MEMBER_ID_REQUIRED before v4 (kafka-python sends v2)');
  const staticJoin = await call(c, joinGroupSchema, 5, { ...joinRequest('', 'instance-1'), groupId: 'g2' });
  assert.equal(staticJoin.errorCode, 0, 'a static member is not asked for a member id');
  assert.match(staticJoin.memberId, /^instance-1-/);
  const left = await call(c, leaveGroupSchema, 3, { groupId: 'g2', members: [{ memberId: staticJoin.memberId, groupInstanceId: 'instance-1' }, { memberId: 'stranger', groupInstanceId: null }] });
  assert.equal(left.errorCode, 0);
  assert.deepEqual(left.members.map((m) => [m.memberId, m.errorCode]), [[staticJoin.memberId, 0], ['stranger', KafkaErrorCode.UNKNOWN_MEMBER_ID]]);
  const v0 = await call(c, joinGroupSchema, 0, { ...joinRequest(''), groupId: 'g3', sessionTimeoutMs: 1000 });
  assert.equal(v0.errorCode, KafkaErrorCode.INVALID_SESSION_TIMEOUT, 'below groupSessionTimeoutMinMs');
});

test('a JoinGroup long poll answers COORDINATOR_NOT_AVAILABLE when its connection shuts down or the coordinator closes', async (t) => {
  const h = await sessionHarness(t);
  const a = h.connect();
  const first = await call(a, joinGroupSchema, 5, joinRequest(''));
  assert.equal((await call(a, joinGroupSchema, 5, joinRequest(first.memberId))).errorCode, 0);
  // A new member starts a rebalance and waits (up to the first member's rebalance timeout) for it to rejoin.
  const b = h.connect();
  b.send(joinGroupSchema, 2, joinRequest(''));
  await waitFor(() => h.broker.groups.describeGroup('g').members.length === 2, 5000, 'the second join to reach the coordinator');
  const shutdown = b.session.shutdown(1000);
  const answered = await b.response(joinGroupSchema, 2);
  assert.equal(answered.body.errorCode, KafkaErrorCode.COORDINATOR_NOT_AVAILABLE, 'a stopping listener does not wait out the rebalance');
  await shutdown;

  const c = h.connect();
  c.send(joinGroupSchema, 2, joinRequest(''));
  await waitFor(() => h.broker.groups.describeGroup('g').members.length === 3, 5000, 'the third join to reach the coordinator');
  await h.broker.groups.close();
  assert.equal((await c.response(joinGroupSchema, 2)).body.errorCode, KafkaErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal((await call(c, heartbeatSchema, 1, { groupId: 'g', generationId: 1, memberId: first.memberId })).errorCode, KafkaErrorCode.COORDINATOR_NOT_AVAILABLE);
  const v1 = await call(c, offsetFetchSchema, 1, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
  assert.deepEqual(v1.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode]), [[0, -1, 15], [1, -1, 15]], 'v1 has no group error: every partition carries it');
  const v2 = await call(c, offsetFetchSchema, 2, { groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }] });
  assert.deepEqual([v2.errorCode, v2.topics], [15, []]);
});

test('__consumer_offsets is the broker\'s own: not listed as a topic, and no client can create it', async (t) => {
  const h = await sessionHarness(t);
  const c = h.connect();
  const created = await call(c, createTopicsSchema, 3, { topics: [{ name: '__consumer_offsets', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false });
  assert.equal(created.topics[0]?.errorCode, KafkaErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.match(created.topics[0]?.errorMessage ?? '', /reserved for the broker's committed offsets/);
  const autoCreated = await call(c, metadataSchema, 4, { topics: [{ name: '__consumer_offsets' }], allowAutoTopicCreation: true });
  assert.equal(autoCreated.topics[0]?.errorCode, KafkaErrorCode.INVALID_TOPIC_EXCEPTION);
  assert.deepEqual((await call(c, metadataSchema, 1, { topics: null })).topics, [], 'the offsets log is not a topic');
  assert.ok(h.broker.logs.names().includes('__consumer_offsets-0'), 'although its log exists');
});
