import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError, type JoinGroupResult, type SyncGroupRequest } from '../../../../src/broker/groups/index.js';
import { INITIAL_DELAY_MS, formGroup, joinRequest, openHarness, track, turns } from './support/group-fixtures.js';

async function joinTwo(h: Awaited<ReturnType<typeof openHarness>>): Promise<[JoinGroupResult, JoinGroupResult]> {
  const pending = [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })].map((r) => h.coordinator.joinGroup(r));
  h.time.advance(2 * INITIAL_DELAY_MS);
  const [a, b] = await Promise.all(pending);
  assert.ok(a !== undefined && b !== undefined);
  return [a, b];
}

const sync = (j: JoinGroupResult, assignments: SyncGroupRequest['assignments'] = []): SyncGroupRequest =>
  ({ groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, assignments });

test('followers wait in SyncGroup until the leader sends the assignment, then each gets its own bytes (empty if left out)', async () => {
  const h = await openHarness();
  const pending = [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' }), joinRequest({ clientId: 'c' })].map((r) => h.coordinator.joinGroup(r));
  h.time.advance(3 * INITIAL_DELAY_MS);
  const [a, b, c] = await Promise.all(pending);
  assert.ok(a !== undefined && b !== undefined && c !== undefined);
  const sb = track(h.coordinator.syncGroup(sync(b)));
  const sc = track(h.coordinator.syncGroup(sync(c)));
  await turns();
  assert.equal(sb.settled, false, 'a follower waits for the leader');
  const sa = await h.coordinator.syncGroup(sync(a, [
    { memberId: a.memberId, assignment: Buffer.from('partitions 0,1') },
    { memberId: b.memberId, assignment: Buffer.from('partitions 2,3') },
    { memberId: 'not-a-member', assignment: Buffer.from('ignored') },
  ]));
  assert.deepEqual(sa.assignment, Buffer.from('partitions 0,1'));
  assert.deepEqual((await sb.promise).assignment, Buffer.from('partitions 2,3'));
  const rc = await sc.promise;
  assert.equal(rc.error, GroupError.NONE);
  assert.equal(rc.assignment.length, 0, 'a member the leader left out gets empty bytes');
  const described = h.coordinator.describeGroup('g');
  assert.equal(described.state, 'Stable');
  assert.deepEqual(described.members.map((m) => m.assignment.toString()), ['partitions 0,1', 'partitions 2,3', '']);
});

test('SyncGroup errors: UNKNOWN_MEMBER_ID for an unknown member or group, ILLEGAL_GENERATION for a stale generation, REBALANCE_IN_PROGRESS while preparing', async () => {
  const h = await openHarness();
  const [a, b] = await joinTwo(h);
  assert.equal((await h.coordinator.syncGroup({ ...sync(b), memberId: 'ghost' })).error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal((await h.coordinator.syncGroup({ ...sync(b), groupId: 'nobody' })).error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal((await h.coordinator.syncGroup({ ...sync(b), generationId: 0 })).error, GroupError.ILLEGAL_GENERATION);
  assert.equal((await h.coordinator.syncGroup({ ...sync(b), groupId: '' })).error, GroupError.INVALID_GROUP_ID);
  // A follower syncs while a third member's arrival throws the group back to preparing.
  const sb = h.coordinator.syncGroup(sync(b));
  const newcomer = h.coordinator.joinGroup(joinRequest({ clientId: 'c' }));
  const waited = await sb;
  assert.equal(waited.error, GroupError.REBALANCE_IN_PROGRESS, 'a member waiting for an abandoned generation must rejoin');
  assert.equal(waited.assignment.length, 0);
  assert.equal((await h.coordinator.syncGroup(sync(a))).error, GroupError.REBALANCE_IN_PROGRESS);
  void newcomer;
});

test('a member syncing after the group is Stable gets the assignment the leader sent', async () => {
  const h = await openHarness();
  const [a, b] = await joinTwo(h);
  await h.coordinator.syncGroup(sync(a, [{ memberId: b.memberId, assignment: Buffer.from('b-share') }]));
  const late = await h.coordinator.syncGroup(sync(b));
  assert.equal(late.error, GroupError.NONE);
  assert.deepEqual(late.assignment, Buffer.from('b-share'));
  const again = await h.coordinator.syncGroup(sync(b));
  assert.deepEqual(again.assignment, Buffer.from('b-share'), 'SyncGroup again in a Stable group repeats the assignment');
});

test('a member that leaves triggers a rebalance; the rest rejoin into the next generation', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' }), joinRequest({ clientId: 'c' })]);
  const [a, b, c] = joins;
  assert.ok(a !== undefined && b !== undefined && c !== undefined);
  const left = h.coordinator.leaveGroup('g', [{ memberId: b.memberId, groupInstanceId: null }]);
  assert.deepEqual(left, { error: GroupError.NONE, members: [{ memberId: b.memberId, groupInstanceId: null, error: GroupError.NONE }] });
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }).error, GroupError.REBALANCE_IN_PROGRESS);
  const rejoined = await Promise.all([a, c].map((j) => h.coordinator.joinGroup(joinRequest({ memberId: j.memberId }))));
  assert.deepEqual(rejoined.map((r) => r.generationId), [2, 2]);
  const leader = rejoined.find((r) => r.members.length > 0);
  assert.deepEqual(leader?.members.map((m) => m.memberId), [a.memberId, c.memberId]);
});

test('LeaveGroup answers per member: unknown members get UNKNOWN_MEMBER_ID, the last member leaving empties the group', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  const result = h.coordinator.leaveGroup('g', [{ memberId: 'ghost', groupInstanceId: null }, { memberId: a.memberId, groupInstanceId: null }]);
  assert.deepEqual(result.members.map((m) => m.error), [GroupError.UNKNOWN_MEMBER_ID, GroupError.NONE]);
  assert.equal(h.coordinator.describeGroup('g').state, 'Empty');
  assert.equal(h.coordinator.leaveGroup('nobody', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal(h.coordinator.leaveGroup('', []).error, GroupError.INVALID_GROUP_ID);
});

test('a member leaving while others wait in JoinGroup lets the join complete without it', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  const ra = track(h.coordinator.joinGroup(joinRequest({ memberId: a.memberId })));
  await Promise.resolve();
  assert.equal(ra.settled, false);
  h.coordinator.leaveGroup('g', [{ memberId: b.memberId, groupInstanceId: null }]);
  const result = await ra.promise;
  assert.equal(result.generationId, 2);
  assert.deepEqual(result.members.map((m) => m.memberId), [a.memberId]);
});
