import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError } from '../../../../src/broker/groups/index.js';
import { INITIAL_DELAY_MS, SESSION_MS, formGroup, joinRequest, openHarness, track } from './support/group-fixtures.js';

test('JoinGroup v4+ without a member id gets MEMBER_ID_REQUIRED with a new id, and joins when it comes back with it', async () => {
  const h = await openHarness();
  const first = await h.coordinator.joinGroup(joinRequest({ clientId: 'rdkafka', requireKnownMemberId: true }));
  assert.equal(first.error, GroupError.MEMBER_ID_REQUIRED);
  assert.equal(first.memberId, 'rdkafka-uuid1');
  assert.equal(first.generationId, -1);
  assert.equal(h.coordinator.describeGroup('g').members.length, 0, 'a pending id is not a member yet');

  const second = track(h.coordinator.joinGroup(joinRequest({ clientId: 'rdkafka', memberId: first.memberId, requireKnownMemberId: true })));
  h.time.advance(INITIAL_DELAY_MS);
  const joined = await second.promise;
  assert.equal(joined.error, GroupError.NONE);
  assert.equal(joined.memberId, first.memberId);
  assert.equal(joined.leaderId, first.memberId);
  assert.equal(joined.generationId, 1);
});

test('a static member (group.instance.id) is never asked for MEMBER_ID_REQUIRED', async () => {
  const h = await openHarness();
  const join = track(h.coordinator.joinGroup(joinRequest({ groupInstanceId: 'host-1', requireKnownMemberId: true })));
  h.time.advance(INITIAL_DELAY_MS);
  const result = await join.promise;
  assert.equal(result.error, GroupError.NONE);
  assert.equal(result.memberId, 'host-1-uuid1', 'static member ids start with the instance id');
});

test('a pending member id holds a rebalance open until it joins, and is dropped after one session timeout', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  const pending = await h.coordinator.joinGroup(joinRequest({ clientId: 'b', requireKnownMemberId: true }));
  assert.equal(pending.error, GroupError.MEMBER_ID_REQUIRED);
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable', 'handing out an id does not start a rebalance');

  // The leader rejoins; the rebalance now waits for the pending id too.
  const rejoin = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a.memberId })));
  await Promise.resolve();
  assert.equal(rejoin.settled, false);
  h.time.advance(SESSION_MS);
  const result = await rejoin.promise;
  assert.equal(result.error, GroupError.NONE, 'the pending id expired, so the rebalance completed without it');
  assert.equal(result.generationId, 2);
  assert.deepEqual(result.members.map((m) => m.memberId), [a.memberId]);

  const late = await h.coordinator.joinGroup(joinRequest({ clientId: 'b', memberId: pending.memberId, requireKnownMemberId: true }));
  assert.equal(late.error, GroupError.UNKNOWN_MEMBER_ID, 'an expired pending id is unknown');
});

test('a pending member can leave, which lets a waiting rebalance complete', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  const pending = await h.coordinator.joinGroup(joinRequest({ clientId: 'b', requireKnownMemberId: true }));
  const rejoin = track(h.coordinator.joinGroup(joinRequest({ clientId: 'a', memberId: a.memberId })));
  const left = h.coordinator.leaveGroup('g', [{ memberId: pending.memberId, groupInstanceId: null }]);
  assert.deepEqual(left.members.map((m) => m.error), [GroupError.NONE]);
  const result = await rejoin.promise;
  assert.equal(result.generationId, 2);
});

test('a member id the group does not know, or a member id for an unknown group: UNKNOWN_MEMBER_ID', async () => {
  const h = await openHarness();
  const unknownGroup = await h.coordinator.joinGroup(joinRequest({ groupId: 'nobody', memberId: 'ghost' }));
  assert.equal(unknownGroup.error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal(unknownGroup.memberId, 'ghost');
  assert.equal(h.coordinator.describeGroup('nobody').state, 'Dead', 'a stale member id does not create a group');
  await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const unknownMember = await h.coordinator.joinGroup(joinRequest({ memberId: 'ghost' }));
  assert.equal(unknownMember.error, GroupError.UNKNOWN_MEMBER_ID);
});

test('session timeouts outside [min, max], an empty group id and a full group are refused', async () => {
  const h = await openHarness({ sessionTimeoutMinMs: 6000, sessionTimeoutMaxMs: 60_000, groupMaxSize: 2 });
  assert.equal((await h.coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 5999 }))).error, GroupError.INVALID_SESSION_TIMEOUT);
  assert.equal((await h.coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 60_001 }))).error, GroupError.INVALID_SESSION_TIMEOUT);
  assert.equal((await h.coordinator.joinGroup(joinRequest({ groupId: '' }))).error, GroupError.INVALID_GROUP_ID);
  await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const third = await h.coordinator.joinGroup(joinRequest({ clientId: 'c' }));
  assert.equal(third.error, GroupError.GROUP_MAX_SIZE_REACHED);
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable');
});
