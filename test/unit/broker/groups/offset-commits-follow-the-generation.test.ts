import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError, type OffsetCommitPartition, type OffsetCommitRequest } from '../../../../src/broker/groups/index.js';
import { INITIAL_DELAY_MS, formGroup, joinRequest, openHarness, subscription, track, turns } from './support/group-fixtures.js';

const p = (topic: string, partition: number, offset: number, extra: Partial<OffsetCommitPartition> = {}): OffsetCommitPartition =>
  ({ topic, partition, offset, leaderEpoch: -1, metadata: null, ...extra });

const simple = (offsets: OffsetCommitPartition[], groupId = 'g'): OffsetCommitRequest => ({ groupId, generationId: -1, memberId: '', groupInstanceId: null, offsets });

test('committed offsets come back with their leader epoch and metadata; unknown partitions fetch as -1', async () => {
  const h = await openHarness();
  const commit = await h.coordinator.commitOffsets(simple([
    p('orders', 0, 42, { leaderEpoch: 7, metadata: 'host=a' }),
    p('orders', 1, 9),
    p('payments', 3, 100, { leaderEpoch: 2, metadata: '' }),
  ]));
  assert.deepEqual(commit.partitions.map((r) => r.error), [GroupError.NONE, GroupError.NONE, GroupError.NONE]);
  const fetched = h.coordinator.fetchOffsets('g', [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }, { topic: 'orders', partition: 2 }]);
  assert.equal(fetched.error, GroupError.NONE);
  assert.deepEqual(fetched.partitions, [
    { topic: 'orders', partition: 0, offset: 42, leaderEpoch: 7, metadata: 'host=a', error: GroupError.NONE },
    { topic: 'orders', partition: 1, offset: 9, leaderEpoch: -1, metadata: '', error: GroupError.NONE },
    { topic: 'orders', partition: 2, offset: -1, leaderEpoch: -1, metadata: '', error: GroupError.NONE },
  ]);
  const all = h.coordinator.fetchOffsets('g', null);
  assert.deepEqual(all.partitions.map((r) => [r.topic, r.partition, r.offset]), [['orders', 0, 42], ['orders', 1, 9], ['payments', 3, 100]]);
  assert.deepEqual(h.coordinator.fetchOffsets('nobody', null).partitions, []);
  assert.equal(h.coordinator.fetchOffsets('nobody', [{ topic: 'orders', partition: 0 }]).partitions[0]?.offset, -1);
  // The simple commit made a group: Empty, no protocol type (as Kafka's standalone consumers).
  assert.deepEqual(h.coordinator.listGroups(), [{ groupId: 'g', protocolType: '', state: 'Empty' }]);
});

test('a later commit replaces an earlier one, and the answer comes only once the store has it', async () => {
  const h = await openHarness();
  await h.coordinator.commitOffsets(simple([p('orders', 0, 1)]));
  h.store.hold();
  const pending = track(h.coordinator.commitOffsets(simple([p('orders', 0, 2)])));
  await turns();
  assert.equal(pending.settled, false, 'not answered before the append is durable');
  assert.equal(h.coordinator.fetchOffsets('g', null).partitions[0]?.offset, 1, 'and not visible before either');
  h.store.release();
  await pending.promise;
  assert.equal(h.coordinator.fetchOffsets('g', null).partitions[0]?.offset, 2);
});

test('members commit with their generation: stale generations, unknown members and outsiders are refused', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  const member = (generationId: number, memberId = a.memberId): OffsetCommitRequest => ({ groupId: 'g', generationId, memberId, groupInstanceId: null, offsets: [p('orders', 0, 5)] });
  assert.equal((await h.coordinator.commitOffsets(member(1))).partitions[0]?.error, GroupError.NONE);
  assert.equal((await h.coordinator.commitOffsets(member(0))).partitions[0]?.error, GroupError.ILLEGAL_GENERATION);
  assert.equal((await h.coordinator.commitOffsets(member(1, 'ghost'))).partitions[0]?.error, GroupError.UNKNOWN_MEMBER_ID);
  assert.equal((await h.coordinator.commitOffsets(simple([p('orders', 0, 6)]))).partitions[0]?.error, GroupError.UNKNOWN_MEMBER_ID, 'a non-empty group takes commits from its members only');
  assert.equal((await h.coordinator.commitOffsets({ ...member(3), groupId: 'unknown' })).partitions[0]?.error, GroupError.ILLEGAL_GENERATION, 'a generation for a group the coordinator does not know');
  assert.equal(h.coordinator.fetchOffsets('g', null).partitions[0]?.offset, 5);
});

test('commits during a rebalance: accepted while preparing (old generation), REBALANCE_IN_PROGRESS while completing', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b' })]);
  const [a, b] = joins;
  assert.ok(a !== undefined && b !== undefined);
  const commit = (generationId: number, memberId: string, offset: number): Promise<GroupError | undefined> =>
    h.coordinator.commitOffsets({ groupId: 'g', generationId, memberId, groupInstanceId: null, offsets: [p('orders', 0, offset)] }).then((r) => r.partitions[0]?.error);

  const ra = h.coordinator.joinGroup(joinRequest({ memberId: a.memberId }));
  assert.equal(h.coordinator.describeGroup('g').state, 'PreparingRebalance');
  assert.equal(await commit(1, b.memberId, 10), GroupError.NONE, 'a member commits what it processed before it rejoins');
  const rb = h.coordinator.joinGroup(joinRequest({ memberId: b.memberId }));
  await Promise.all([ra, rb]);
  assert.equal(h.coordinator.describeGroup('g').state, 'CompletingRebalance');
  assert.equal(await commit(2, b.memberId, 11), GroupError.REBALANCE_IN_PROGRESS);
  assert.equal(await commit(1, b.memberId, 11), GroupError.ILLEGAL_GENERATION);
  assert.equal(h.coordinator.fetchOffsets('g', null).partitions[0]?.offset, 10);
});

test('per-partition checks: unknown partitions and oversized metadata are refused, the rest committed', async () => {
  const h = await openHarness({ partitionExists: (topic, partition) => topic === 'orders' && partition < 2, offsetMetadataBytesMax: 8 });
  const result = await h.coordinator.commitOffsets(simple([p('orders', 0, 1), p('orders', 5, 1), p('ghost', 0, 1), p('orders', 1, 1, { metadata: 'way too long' })]));
  assert.deepEqual(result.partitions.map((r) => r.error), [GroupError.NONE, GroupError.UNKNOWN_TOPIC_OR_PARTITION, GroupError.UNKNOWN_TOPIC_OR_PARTITION, GroupError.OFFSET_METADATA_TOO_LARGE]);
  assert.deepEqual(h.coordinator.fetchOffsets('g', null).partitions.map((r) => r.partition), [0]);
});

test('a failing store answers COORDINATOR_NOT_AVAILABLE and changes nothing', async () => {
  const failures: string[] = [];
  const h = await openHarness({ onStoreError: (_err, action) => failures.push(action) });
  await h.coordinator.commitOffsets(simple([p('orders', 0, 1)]));
  h.store.failAppends = new Error('EIO');
  const result = await h.coordinator.commitOffsets(simple([p('orders', 0, 2)]));
  assert.equal(result.partitions[0]?.error, GroupError.COORDINATOR_NOT_AVAILABLE);
  assert.equal(h.coordinator.fetchOffsets('g', null).partitions[0]?.offset, 1);
  assert.deepEqual(failures, ['commit offsets']);
});

test('OffsetDelete: any partition of an empty group; of an active consumer group only topics it does not subscribe to', async () => {
  const h = await openHarness();
  await h.coordinator.commitOffsets(simple([p('orders', 0, 1), p('refunds', 0, 2)], 'idle'));
  const idle = await h.coordinator.deleteOffsets('idle', [{ topic: 'orders', partition: 0 }, { topic: 'never', partition: 0 }]);
  assert.deepEqual(idle, { error: GroupError.NONE, partitions: [{ topic: 'orders', partition: 0, error: GroupError.NONE }, { topic: 'never', partition: 0, error: GroupError.NONE }] });
  assert.deepEqual(h.coordinator.fetchOffsets('idle', null).partitions.map((r) => r.topic), ['refunds']);

  const { joins } = await formGroup(h, [joinRequest({ protocols: [{ name: 'range', metadata: subscription(['orders']) }] })]);
  const a = joins[0];
  assert.ok(a !== undefined);
  await h.coordinator.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, offsets: [p('orders', 0, 1), p('refunds', 0, 1)] });
  const active = await h.coordinator.deleteOffsets('g', [{ topic: 'orders', partition: 0 }, { topic: 'refunds', partition: 0 }]);
  assert.deepEqual(active.partitions.map((r) => r.error), [GroupError.GROUP_SUBSCRIBED_TO_TOPIC, GroupError.NONE]);
  assert.deepEqual(h.coordinator.fetchOffsets('g', null).partitions.map((r) => r.topic), ['orders']);
  assert.equal((await h.coordinator.deleteOffsets('nobody', [])).error, GroupError.GROUP_ID_NOT_FOUND);
});

test('OffsetDelete on an active group of another protocol type is NON_EMPTY_GROUP', async () => {
  const h = await openHarness();
  const join = h.coordinator.joinGroup(joinRequest({ protocolType: 'connect' }));
  h.time.advance(INITIAL_DELAY_MS);
  await join;
  assert.equal((await h.coordinator.deleteOffsets('g', [{ topic: 'orders', partition: 0 }])).error, GroupError.NON_EMPTY_GROUP);
});

test('resetOffsets sets offsets of an empty group and is refused while the group has members', async () => {
  const h = await openHarness();
  const reset = await h.coordinator.resetOffsets('g', [{ topic: 'orders', partition: 0, offset: 0 }, { topic: 'orders', partition: 1, offset: 50 }]);
  assert.equal(reset.error, GroupError.NONE);
  assert.deepEqual(h.coordinator.fetchOffsets('g', null).partitions.map((r) => r.offset), [0, 50]);
  await formGroup(h, [joinRequest()]);
  const refused = await h.coordinator.resetOffsets('g', [{ topic: 'orders', partition: 0, offset: 99 }]);
  assert.equal(refused.error, GroupError.NON_EMPTY_GROUP);
  assert.equal(h.coordinator.fetchOffsets('g', null).partitions[0]?.offset, 0);
});
