import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError } from '../../../../src/broker/groups/index.js';
import { REBALANCE_MS, SESSION_MS, formGroup, joinRequest, openHarness, subscription, syncAll, track } from './support/group-fixtures.js';

const hb = (memberId: string, generationId: number): { groupId: string; memberId: string; generationId: number; groupInstanceId: null } =>
  ({ groupId: 'g', memberId, generationId, groupInstanceId: null });

test('heartbeats keep a member; a silent one is removed after its session timeout and the rest move to a new generation', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  // a heartbeats every 3 s for longer than a session; b falls silent.
  for (let t = 0; t < 3; t++) {
    h.time.advance(3000);
    assert.equal(h.coordinator.heartbeat(hb(a.memberId, 1)).error, GroupError.NONE);
  }
  h.time.advance(SESSION_MS - 9000 - 1);
  assert.equal(h.coordinator.describeGroup('g').members.length, 2, 'b is still in the group one millisecond before its deadline');
  h.time.advance(1);
  assert.deepEqual(h.coordinator.describeGroup('g').members.map((m) => m.memberId), [a.memberId]);
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');

  assert.equal(h.coordinator.heartbeat(hb(a.memberId, 1)).error, GroupError.REBALANCE_IN_PROGRESS);
  assert.equal(h.coordinator.heartbeat(hb(b.memberId, 1)).error, GroupError.UNKNOWN_MEMBER_ID, 'the expired member must rejoin from scratch');
  const rejoin = await h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a.memberId }));
  assert.equal(rejoin.error, GroupError.NONE);
  assert.equal(rejoin.generationId, 2);
  assert.equal(rejoin.leaderId, a.memberId);
  assert.deepEqual(rejoin.members.map((m) => m.memberId), [a.memberId]);
});

test('the session of the leader expiring hands leadership to a remaining member', async () => {
  const h = await openHarness();
  const { joins, leaderId } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const follower = joins.find((j) => j.memberId !== leaderId);
  assert.ok(follower !== undefined);
  h.time.advance(SESSION_MS / 2);
  h.coordinator.heartbeat(hb(follower.memberId, 1));
  h.time.advance(SESSION_MS / 2);
  const rejoin = await h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: follower.memberId }));
  assert.equal(rejoin.leaderId, follower.memberId);
  assert.equal(rejoin.generationId, 2);
});

test('a member that does not rejoin within the rebalance timeout is dropped and the rebalance completes without it', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' }), joinRequest({ clientId: 'c' })]);
  const [a, b, c] = joins;
  assert.ok(a !== undefined && b !== undefined && c !== undefined);
  // a rejoins (a leader rejoin starts a rebalance); b rejoins after hearing 27; c never does, but keeps heartbeating.
  const ra = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a.memberId })));
  const rb = track(h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: b.memberId })));
  for (let t = 3000; t < REBALANCE_MS; t += 3000) {
    h.time.advance(3000);
    assert.equal(h.coordinator.heartbeat(hb(c.memberId, 1)).error, GroupError.REBALANCE_IN_PROGRESS);
  }
  await Promise.resolve();
  assert.equal(ra.settled, false, 'the join waits for c until the rebalance timeout');
  h.time.advance(REBALANCE_MS - 27_000);
  const [ja, jb] = await Promise.all([ra.promise, rb.promise]);
  assert.equal(ja.generationId, 2);
  assert.equal(jb.generationId, 2);
  assert.deepEqual(ja.members.map((m) => m.memberId), [a.memberId, b.memberId]);
  assert.equal(h.coordinator.heartbeat(hb(c.memberId, 1)).error, GroupError.UNKNOWN_MEMBER_ID);
});

test('heartbeats: REBALANCE_IN_PROGRESS while preparing, NONE while completing, ILLEGAL_GENERATION for a stale generation', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(h.coordinator.heartbeat(hb(b.memberId, 0)).error, GroupError.ILLEGAL_GENERATION);
  assert.equal(h.coordinator.heartbeat(hb(b.memberId, 2)).error, GroupError.ILLEGAL_GENERATION);
  const ra = h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a.memberId }));
  assert.equal(h.coordinator.heartbeat(hb(b.memberId, 1)).error, GroupError.REBALANCE_IN_PROGRESS);
  const rb = h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: b.memberId }));
  await Promise.all([ra, rb]);
  assert.equal(h.coordinator.describeGroup('g').state, 'CompletingRebalance');
  assert.equal(h.coordinator.heartbeat(hb(b.memberId, 2)).error, GroupError.NONE);
  assert.equal(h.coordinator.heartbeat(hb(b.memberId, 1)).error, GroupError.ILLEGAL_GENERATION);
  assert.equal(h.coordinator.heartbeat(hb('ghost', 2)).error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal(h.coordinator.heartbeat({ ...hb(b.memberId, 2), groupId: 'nobody' }).error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal(h.coordinator.heartbeat({ ...hb(b.memberId, 2), groupId: '' }).error, GroupError.INVALID_GROUP_ID);
});

test('a member waiting in JoinGroup or SyncGroup cannot heartbeat, and is not expired for it', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b', sessionTimeoutMs: 6000 })]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  // b (session 6 s) rejoins with a new subscription, which starts a rebalance, and waits for a,
  // whose session (10 s) runs out first.
  const protocols = [{ name: 'range', metadata: subscription(['orders', 'refunds']) }];
  const rb = track(h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: b.memberId, sessionTimeoutMs: 6000, protocols })));
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  h.time.advance(SESSION_MS - 1);
  await Promise.resolve();
  assert.equal(rb.settled, false);
  assert.equal(h.coordinator.describeGroup('g').members.length, 2, 'b, silent inside its JoinGroup for longer than its session, is kept');
  h.time.advance(1);
  const jb = await rb.promise;
  assert.equal(jb.error, GroupError.NONE, 'a expired, so the join completed with b alone');
  assert.equal(jb.leaderId, b.memberId);

  // b's session starts again when its long poll is answered.
  h.time.advance(5999);
  assert.equal(h.coordinator.describeGroup('g').members.length, 1);
  h.time.advance(1);
  assert.equal(h.coordinator.describeGroup('g').members.length, 0);
  assert.equal(h.coordinator.describeGroup('g').state, 'Empty');
});

test('a new member that gave up on its JoinGroup is dropped after the new-member timeout', async () => {
  const h = await openHarness({ newMemberJoinTimeoutMs: 60_000 });
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a', rebalanceTimeoutMs: 600_000 })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  const newcomer = track(h.coordinator.joinGroup(joinRequest({ clientId: 'b' })));
  // a keeps heartbeating but never rejoins; the rebalance timeout (10 min) is far away.
  for (let t = 0; t < 20; t++) {
    h.time.advance(3000);
    h.coordinator.heartbeat(hb(a.memberId, 1));
  }
  const result = await newcomer.promise;
  assert.equal(result.error, GroupError.UNKNOWN_MEMBER_ID, 'the client rejoins if it is still there');
  assert.equal(h.coordinator.describeGroup('g').members.length, 1);
});

test('a member that never sends SyncGroup is dropped after the rebalance timeout and the group rebalances', async () => {
  const h = await openHarness();
  const pending = [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })].map((r) => h.coordinator.joinGroup(r));
  h.time.advance(1000);
  const [a, b] = await Promise.all(pending);
  assert.ok(a !== undefined && b !== undefined);
  // Only the leader syncs; b never does (but heartbeats).
  const leaderSync = h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, assignments: [] });
  assert.equal((await leaderSync).error, GroupError.NONE);
  for (let t = 0; t < 10; t++) {
    h.time.advance(3000);
    h.coordinator.heartbeat(hb(b.memberId, 1));
    h.coordinator.heartbeat(hb(a.memberId, 1));
  }
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  assert.deepEqual(h.coordinator.describeGroup('g').members.map((m) => m.memberId), [a.memberId]);
});

test('after the rebalance the surviving members complete SyncGroup in the new generation', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  for (let t = 0; t < 4; t++) {
    h.time.advance(3000);
    h.coordinator.heartbeat(hb(a.memberId, 1));
  }
  const rejoin = await h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a.memberId }));
  const { syncs } = await syncAll(h, 'g', [rejoin]);
  assert.equal(syncs[0]?.error, GroupError.NONE);
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable');
});
