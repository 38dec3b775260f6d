import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError } from '../../../../src/broker/groups/index.js';
import {
  INITIAL_DELAY_MS, assignmentFor, formGroup, joinRequest, openHarness, subscription, syncAll, track,
} from './support/group-fixtures.js';

test('one member: the join waits out the initial delay, then the member leads generation 1 and gets its own assignment', async () => {
  const h = await openHarness();
  const join = track(h.coordinator.joinGroup(joinRequest({ clientId: 'solo' })));
  h.time.advance(INITIAL_DELAY_MS - 1);
  await Promise.resolve();
  assert.equal(join.settled, false, 'JoinGroup is a long poll held for the initial rebalance delay');
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  h.time.advance(1);
  const result = await join.promise;
  assert.equal(result.error, GroupError.NONE);
  assert.equal(result.generationId, 1);
  assert.equal(result.memberId, 'solo-uuid1');
  assert.equal(result.leaderId, result.memberId);
  assert.equal(result.protocolType, 'consumer');
  assert.equal(result.protocolName, 'range');
  assert.deepEqual(result.members, [{ memberId: 'solo-uuid1', groupInstanceId: null, metadata: subscription(['orders']) }]);
  assert.equal(h.coordinator.describeGroup('g').state, 'CompletingRebalance');

  const { syncs } = await syncAll(h, 'g', [result]);
  assert.equal(syncs[0]?.error, GroupError.NONE);
  assert.deepEqual(syncs[0]?.assignment, assignmentFor('solo-uuid1', 1));
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable');
});

test('two members joining together share one generation: the leader gets every member with its metadata, the follower none', async () => {
  const h = await openHarness();
  const a = joinRequest({ clientId: 'a', protocols: [{ name: 'range', metadata: subscription(['orders']) }] });
  const b = joinRequest({ clientId: 'b', protocols: [{ name: 'range', metadata: subscription(['orders', 'payments']) }] });
  const { joins, generationId, leaderId } = await formGroup(h, [a, b]);
  assert.equal(generationId, 1);
  const [ja, jb] = joins;
  assert.ok(ja !== undefined && jb !== undefined);
  assert.equal(ja.generationId, jb.generationId);
  assert.equal(ja.leaderId, jb.leaderId);
  assert.equal(leaderId, ja.memberId, 'the first member to join leads');
  assert.deepEqual(ja.members, [
    { memberId: ja.memberId, groupInstanceId: null, metadata: subscription(['orders']) },
    { memberId: jb.memberId, groupInstanceId: null, metadata: subscription(['orders', 'payments']) },
  ]);
  assert.deepEqual(jb.members, []);
  assert.notEqual(ja.memberId, jb.memberId);
});

test('three members each get their own assignment bytes from the leader', async () => {
  const h = await openHarness();
  const { joins, syncs } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' }), joinRequest({ clientId: 'c' })]);
  assert.equal(joins.filter((j) => j.members.length === 3).length, 1, 'exactly one leader gets the member list');
  joins.forEach((j, i) => {
    assert.equal(syncs[i]?.error, GroupError.NONE);
    assert.deepEqual(syncs[i]?.assignment, assignmentFor(j.memberId, 1));
    assert.equal(syncs[i]?.protocolName, 'range');
  });
});

test('the initial delay runs again while new members keep arriving, so they land in one generation', async () => {
  const h = await openHarness();
  const a = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a' })));
  h.time.advance(INITIAL_DELAY_MS - 10);
  const b = track(h.coordinator.joinGroup(joinRequest({ clientId: 'b' })));
  h.time.advance(10);
  await Promise.resolve();
  assert.equal(a.settled, false, 'a newcomer during the delay extends it');
  h.time.advance(INITIAL_DELAY_MS - 1);
  await Promise.resolve();
  assert.equal(a.settled, false);
  h.time.advance(1);
  const [ra, rb] = await Promise.all([a.promise, b.promise]);
  assert.equal(ra.generationId, 1);
  assert.equal(rb.generationId, 1);
  assert.equal(ra.members.length, 2);
});

test('a member joining a Stable group: the others hear REBALANCE_IN_PROGRESS on heartbeat, rejoin, and all move to the next generation', async () => {
  const h = await openHarness();
  const first = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [ja, jb] = first.joins;
  assert.ok(ja !== undefined && jb !== undefined);

  const c = track(h.coordinator.joinGroup(joinRequest({ clientId: 'c' })));
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  for (const j of [ja, jb]) {
    const hb = h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: j.memberId, groupInstanceId: null });
    assert.equal(hb.error, GroupError.REBALANCE_IN_PROGRESS);
  }
  const ra = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: ja.memberId })));
  await Promise.resolve();
  assert.equal(c.settled, false, 'the join completes only once every known member has rejoined');
  const rb = h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: jb.memberId }));
  const joins = await Promise.all([ra.promise, rb, c.promise]);
  for (const j of joins) {
    assert.equal(j.error, GroupError.NONE);
    assert.equal(j.generationId, 2);
  }
  assert.equal(joins.filter((j) => j.members.length === 3).length, 1);
  const second = await syncAll(h, 'g', joins);
  second.syncs.forEach((s, i) => assert.deepEqual(s.assignment, assignmentFor((joins[i] as { memberId: string }).memberId, 2)));
});

test('in a Stable group a follower rejoining unchanged gets the current generation at once; the leader rejoining forces a rebalance', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [leader, follower] = joins;
  assert.ok(leader !== undefined && follower !== undefined);

  const again = await h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: follower.memberId }));
  assert.equal(again.error, GroupError.NONE);
  assert.equal(again.generationId, 1);
  assert.deepEqual(again.members, []);
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable');

  const leaderRejoin = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: leader.memberId })));
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  const followerRejoin = h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: follower.memberId }));
  const results = await Promise.all([leaderRejoin.promise, followerRejoin]);
  assert.deepEqual(results.map((r) => r.generationId), [2, 2]);
});

test('a follower whose metadata changed (a cooperative-sticky rejoin after SyncGroup) starts the next rebalance through the normal path', async () => {
  const h = await openHarness();
  const sticky = (owned: string): Buffer => Buffer.concat([subscription(['orders']), Buffer.from(owned)]);
  const a = joinRequest({ clientId: 'a', protocols: [{ name: 'cooperative-sticky', metadata: sticky('owned:0,1') }] });
  const b = joinRequest({ clientId: 'b', protocols: [{ name: 'cooperative-sticky', metadata: sticky('owned:') }] });
  const { joins } = await formGroup(h, [a, b]);
  const [ja, jb] = joins;
  assert.ok(ja !== undefined && jb !== undefined);
  // b revoked nothing but now owns partition 1: its new metadata must reach the leader unchanged.
  const rb = track(h.coordinator.joinGroup({ ...b, memberId: jb.memberId, protocols: [{ name: 'cooperative-sticky', metadata: sticky('owned:1') }] }));
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: ja.memberId, groupInstanceId: null }).error, GroupError.REBALANCE_IN_PROGRESS);
  const ra = h.coordinator.joinGroup({ ...a, memberId: ja.memberId });
  const [leaderJoin, followerJoin] = await Promise.all([ra, rb.promise]);
  assert.equal(leaderJoin.generationId, 2);
  assert.equal(followerJoin.generationId, 2);
  assert.deepEqual(leaderJoin.members.find((m) => m.memberId === jb.memberId)?.metadata, sticky('owned:1'));
});
