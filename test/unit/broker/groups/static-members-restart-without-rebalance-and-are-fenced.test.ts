import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError, type GroupProtocol, type JoinGroupResult } from '../../../../src/broker/groups/index.js';
import { REBALANCE_MS, assignmentFor, formGroup, joinRequest, openHarness, subscription, track } from './support/group-fixtures.js';

const staticJoin = (instance: string, memberId = '', protocols?: GroupProtocol[]): ReturnType<typeof joinRequest> =>
  joinRequest({ clientId: `rdkafka-${instance}`, groupInstanceId: instance, memberId, ...(protocols === undefined ? {} : { protocols }) });

const hb = (j: { memberId: string }, generationId: number, groupInstanceId: string | null): { groupId: string; memberId: string; generationId: number; groupInstanceId: string | null } =>
  ({ groupId: 'g', memberId: j.memberId, generationId, groupInstanceId });

async function staticPair(h: Awaited<ReturnType<typeof openHarness>>): Promise<[JoinGroupResult, JoinGroupResult]> {
  const { joins } = await formGroup(h, [staticJoin('host-a'), staticJoin('host-b')]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  return [a, b];
}

test('a restarted static member gets a new member id and its old assignment, without a rebalance', async () => {
  const h = await openHarness();
  const [a, b] = await staticPair(h);
  const restarted = await h.coordinator.joinGroup(staticJoin('host-b'));
  assert.equal(restarted.error, GroupError.NONE);
  assert.notEqual(restarted.memberId, b.memberId);
  assert.ok(restarted.memberId.startsWith('host-b-'));
  assert.equal(restarted.generationId, 1, 'same generation: no rebalance');
  assert.equal(restarted.leaderId, a.memberId);
  assert.deepEqual(restarted.members, []);
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable');
  assert.equal(h.coordinator.heartbeat(hb(a, 1, 'host-a')).error, GroupError.NONE, 'the other member hears of nothing');

  const synced = await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: restarted.memberId, groupInstanceId: 'host-b', assignments: [] });
  assert.equal(synced.error, GroupError.NONE);
  assert.deepEqual(synced.assignment, assignmentFor(b.memberId, 1), 'the assignment made for the old member id');
  assert.deepEqual(h.coordinator.describeGroup('g').members.map((m) => m.memberId), [a.memberId, restarted.memberId]);
});

test('the replaced member id is fenced everywhere it shows up with the instance id', async () => {
  const h = await openHarness();
  const [, b] = await staticPair(h);
  await h.coordinator.joinGroup(staticJoin('host-b'));
  assert.equal(h.coordinator.heartbeat(hb(b, 1, 'host-b')).error, GroupError.FENCED_INSTANCE_ID);
  assert.equal((await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: 'host-b', assignments: [] })).error, GroupError.FENCED_INSTANCE_ID);
  assert.equal((await h.coordinator.joinGroup(staticJoin('host-b', b.memberId))).error, GroupError.FENCED_INSTANCE_ID);
  const commit = await h.coordinator.commitOffsets({ groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: 'host-b', offsets: [{ topic: 'orders', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }] });
  assert.equal(commit.partitions[0]?.error, GroupError.FENCED_INSTANCE_ID);
  const leave = h.coordinator.leaveGroup('g', [{ memberId: b.memberId, groupInstanceId: 'host-b' }]);
  assert.equal(leave.members[0]?.error, GroupError.FENCED_INSTANCE_ID);
  assert.equal(h.coordinator.describeGroup('g').members.length, 2, 'a fenced leave removes nobody');
});

test('a duplicate instance waiting in SyncGroup is fenced at once when another process takes the instance id', async () => {
  const h = await openHarness();
  const pending = [staticJoin('host-a'), staticJoin('host-b')].map((r) => h.coordinator.joinGroup(r));
  h.time.advance(1000);
  const [a, b] = await Promise.all(pending);
  assert.ok(a !== undefined && b !== undefined);
  const waiting = h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: b.memberId, groupInstanceId: 'host-b', assignments: [] });
  const other = track(h.coordinator.joinGroup(staticJoin('host-b')));
  assert.equal((await waiting).error, GroupError.FENCED_INSTANCE_ID);
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance', 'replacing a member during CompletingRebalance rebalances, so the new id gets a share');
  await h.coordinator.joinGroup(staticJoin('host-a', a.memberId));
  const joined = await other.promise;
  assert.equal(joined.generationId, 2);
});

test('a restarted static leader is told the old leader id, so it does not assign again', async () => {
  const h = await openHarness();
  const [a] = await staticPair(h);
  const restarted = await h.coordinator.joinGroup(staticJoin('host-a'));
  assert.equal(restarted.leaderId, a.memberId);
  assert.notEqual(restarted.leaderId, restarted.memberId);
  assert.deepEqual(restarted.members, []);
  const synced = await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: restarted.memberId, groupInstanceId: 'host-a', assignments: [] });
  assert.deepEqual(synced.assignment, assignmentFor(a.memberId, 1));
});

test('a restart that would change the group\'s protocol rebalances instead', async () => {
  const h = await openHarness();
  const proto = (...names: string[]): GroupProtocol[] => names.map((name) => ({ name, metadata: subscription(['orders']) }));
  const { joins } = await formGroup(h, [staticJoin('host-a', '', proto('roundrobin', 'range')), staticJoin('host-b', '', proto('range'))]);
  assert.equal(joins[0]?.protocolName, 'range');
  const restarted = track(h.coordinator.joinGroup(staticJoin('host-b', '', proto('roundrobin', 'range'))));
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  await h.coordinator.joinGroup(staticJoin('host-a', joins[0]?.memberId, proto('roundrobin', 'range')));
  const result = await restarted.promise;
  assert.equal(result.generationId, 2);
  assert.equal(result.protocolName, 'roundrobin');
});

test('a static member that misses a rebalance keeps its place (its session decides), unlike a dynamic one', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'dynamic' }), staticJoin('host-b')]);
  const [leader, b] = joins;
  assert.ok(leader !== undefined && b !== undefined);
  const rejoin = track(h.coordinator.joinGroup(joinRequest({ clientId: 'dynamic', memberId: leader.memberId })));
  for (let t = 0; t < REBALANCE_MS; t += 3000) {
    h.time.advance(3000);
    h.coordinator.heartbeat(hb(b, 1, 'host-b'));
  }
  const result = await rejoin.promise;
  assert.equal(result.generationId, 2);
  assert.deepEqual(result.members.map((m) => [m.memberId, m.groupInstanceId]), [[leader.memberId, null], [b.memberId, 'host-b']]);
});

test('LeaveGroup by instance id alone removes the static member; a join naming an unknown instance id is UNKNOWN_MEMBER_ID', async () => {
  const h = await openHarness();
  const [a] = await staticPair(h);
  const left = h.coordinator.leaveGroup('g', [{ memberId: '', groupInstanceId: 'host-b' }, { memberId: '', groupInstanceId: 'host-z' }]);
  assert.deepEqual(left.members.map((m) => m.error), [GroupError.NONE, GroupError.UNKNOWN_MEMBER_ID]);
  assert.deepEqual(h.coordinator.describeGroup('g').members.map((m) => m.memberId), [a.memberId]);
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  assert.equal((await h.coordinator.joinGroup(staticJoin('host-z', a.memberId))).error, GroupError.UNKNOWN_MEMBER_ID);
});

test('if storing the replacement fails, the old member keeps its place and the new one is told to retry', async () => {
  const h = await openHarness();
  const [, b] = await staticPair(h);
  h.store.failAppends = new Error('disk gone');
  const restarted = await h.coordinator.joinGroup(staticJoin('host-b'));
  assert.equal(restarted.error, GroupError.COORDINATOR_NOT_AVAILABLE);
  assert.equal(restarted.memberId, '');
  h.store.failAppends = null;
  assert.equal(h.coordinator.heartbeat(hb(b, 1, 'host-b')).error, GroupError.NONE);
  assert.deepEqual(h.coordinator.describeGroup('g').members.map((m) => m.memberId)[1], b.memberId);
});

test('a full group still takes back its own static member after a restart', async () => {
  const h = await openHarness({ groupMaxSize: 2 });
  const [, b] = await staticPair(h);
  assert.equal((await h.coordinator.joinGroup(staticJoin('host-c'))).error, GroupError.GROUP_MAX_SIZE_REACHED);
  const restarted = await h.coordinator.joinGroup(staticJoin('host-b'));
  assert.equal(restarted.error, GroupError.NONE);
  assert.notEqual(restarted.memberId, b.memberId);
});
