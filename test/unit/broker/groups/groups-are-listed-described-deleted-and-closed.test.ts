import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError, planOffsetReset, type TopicPartition } from '../../../../src/broker/groups/index.js';
import { assignmentFor, formGroup, joinRequest, openHarness, subscription, track, turns } from './support/group-fixtures.js';

const commit = { generationId: -1, memberId: '', groupInstanceId: null };

test('listGroups shows every group with its protocol type and state; describeGroup its members, metadata and assignments while Stable', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a', clientHost: '/10.0.0.1' }), joinRequest({ clientId: 'b', groupInstanceId: 'host-b' })]);
  await h.coordinator.commitOffsets({ ...commit, groupId: 'standalone', offsets: [{ topic: 'orders', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
  assert.deepEqual(h.coordinator.listGroups(), [
    { groupId: 'g', protocolType: 'consumer', state: 'Stable' },
    { groupId: 'standalone', protocolType: '', state: 'Empty' },
  ]);
  const described = h.coordinator.describeGroup('g');
  assert.equal(described.error, GroupError.NONE);
  assert.equal(described.state, 'Stable');
  assert.equal(described.protocolType, 'consumer');
  assert.equal(described.protocolName, 'range');
  assert.deepEqual(described.members, joins.map((j, i) => ({
    memberId: j.memberId,
    groupInstanceId: i === 1 ? 'host-b' : null,
    clientId: i === 0 ? 'a' : 'b',
    clientHost: i === 0 ? '/10.0.0.1' : '/127.0.0.1',
    metadata: subscription(['orders']),
    assignment: assignmentFor(j.memberId, 1),
  })));

  // While rebalancing, members are listed without metadata or assignment, and no protocol (as Kafka).
  h.coordinator.joinGroup(joinRequest({ memberId: joins[0]?.memberId ?? '' })).catch(() => undefined);
  const preparing = h.coordinator.describeGroup('g');
  assert.equal(preparing.state, 'PreparingRebalance');
  assert.equal(preparing.protocolName, '');
  assert.deepEqual(preparing.members.map((m) => [m.metadata.length, m.assignment.length]), [[0, 0], [0, 0]]);

  const unknown = h.coordinator.describeGroup('nobody');
  assert.deepEqual(unknown, { error: GroupError.NONE, groupId: 'nobody', state: 'Dead', protocolType: '', protocolName: '', members: [] });
});

test('deleteGroups removes empty groups with their offsets and refuses active or unknown ones', async () => {
  const h = await openHarness();
  await h.coordinator.commitOffsets({ ...commit, groupId: 'old', offsets: [{ topic: 'orders', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
  await formGroup(h, [joinRequest({ groupId: 'busy' })]);
  const results = await h.coordinator.deleteGroups(['old', 'busy', 'nobody']);
  assert.deepEqual(results, [
    { groupId: 'old', error: GroupError.NONE },
    { groupId: 'busy', error: GroupError.NON_EMPTY_GROUP },
    { groupId: 'nobody', error: GroupError.GROUP_ID_NOT_FOUND },
  ]);
  assert.deepEqual(h.coordinator.listGroups().map((g) => g.groupId), ['busy']);
  assert.equal(h.coordinator.fetchOffsets('old', [{ topic: 'orders', partition: 0 }]).partitions[0]?.offset, -1);
  const last = h.store.durable.slice(-2);
  assert.deepEqual(last.map((e) => [e.kind, e.value]), [['offset', null], ['group', null]], 'offsets and group are tombstoned');
});

test('a group deleted while a commit is in flight stays deleted: the commit\'s partition is tombstoned too', async () => {
  const h = await openHarness();
  h.store.hold();
  const pending = h.coordinator.commitOffsets({ ...commit, groupId: 'old', offsets: [{ topic: 'orders', partition: 3, offset: 9, leaderEpoch: -1, metadata: null }] });
  const deleted = h.coordinator.deleteGroups(['old']);
  h.store.release();
  await pending;
  assert.deepEqual(await deleted, [{ groupId: 'old', error: GroupError.NONE }]);
  assert.deepEqual(h.coordinator.listGroups(), []);
  const tombstoned = h.store.durable.filter((e) => e.kind === 'offset' && e.value === null).map((e) => (e.kind === 'offset' ? e.partition : -1));
  assert.deepEqual(tombstoned, [3]);
});

test('empty groups without offsets are forgotten by the periodic cleanup', async () => {
  const h = await openHarness({ emptyGroupCleanupIntervalMs: 60_000 });
  const { joins } = await formGroup(h, [joinRequest({ groupId: 'gone' })]);
  await h.coordinator.commitOffsets({ ...commit, groupId: 'kept', offsets: [{ topic: 'orders', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
  h.coordinator.leaveGroup('gone', [{ memberId: joins[0]?.memberId ?? '', groupInstanceId: null }]);
  assert.equal(h.coordinator.describeGroup('gone').state, 'Empty');
  h.time.advance(60_000);
  await turns();
  assert.deepEqual(h.coordinator.listGroups().map((g) => g.groupId), ['kept']);
});

test('close() ends every open JoinGroup and SyncGroup with COORDINATOR_NOT_AVAILABLE, and refuses later calls', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  const rejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a.memberId })));
  const fresh = track(h.coordinator.joinGroup(joinRequest({ groupId: 'other' })));
  await h.coordinator.close();
  assert.equal((await rejoin.promise).error, GroupError.COORDINATOR_NOT_AVAILABLE);
  assert.equal((await fresh.promise).error, GroupError.COORDINATOR_NOT_AVAILABLE);
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', memberId: b.memberId, generationId: 1, groupInstanceId: null }).error, GroupError.COORDINATOR_NOT_AVAILABLE);
  assert.equal((await h.coordinator.joinGroup(joinRequest())).error, GroupError.COORDINATOR_NOT_AVAILABLE);
  const commitAfter = await h.coordinator.commitOffsets({ ...commit, groupId: 'g', offsets: [{ topic: 'orders', partition: 0, offset: 1, leaderEpoch: -1, metadata: null }] });
  assert.equal(commitAfter.partitions[0]?.error, GroupError.COORDINATOR_NOT_AVAILABLE);
  assert.equal(h.time.pendingTimers, 0, 'no timer is left behind');
});

test('planOffsetReset: earliest, latest, datetime, shift-by (clamped to the log) and to-offset', async () => {
  const bounds = { logStartOffset: 10, logEndOffset: 100 };
  const source = {
    bounds: (): typeof bounds => bounds,
    offsetForTimestamp: (_tp: TopicPartition, ms: number): Promise<number | null> => Promise.resolve(ms > 5000 ? null : 40),
  };
  const tps = [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }];
  const committed = (tp: TopicPartition): number => (tp.partition === 0 ? 95 : -1);
  const plan = async (spec: Parameters<typeof planOffsetReset>[0]): Promise<Array<number | string>> =>
    (await planOffsetReset(spec, tps, committed, source)).map((r) => r.problem ?? r.offset);
  assert.deepEqual(await plan({ kind: 'earliest' }), [10, 10]);
  assert.deepEqual(await plan({ kind: 'latest' }), [100, 100]);
  assert.deepEqual(await plan({ kind: 'datetime', timestampMs: 1000 }), [40, 40]);
  assert.deepEqual(await plan({ kind: 'datetime', timestampMs: 9000 }), [100, 100]);
  assert.deepEqual(await plan({ kind: 'to-offset', offset: 3 }), [10, 10]);
  const shifted = await plan({ kind: 'shift-by', delta: 10 });
  assert.equal(shifted[0], 100, 'shifted past the end: clamped to the log end');
  assert.match(String(shifted[1]), /no committed offset/);
});
