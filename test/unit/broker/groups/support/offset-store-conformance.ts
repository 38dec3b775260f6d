// One suite for every OffsetStore (the nats-server store_test.go / aedes-persistence abstract.js
// pattern): what the coordinator relies on — replay in append order, appends answered in call
// order, tombstones kept, a reopened store continuing where the last one stopped, close waiting
// for appends in flight — and the coordinator's own round trip of offsets and groups through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GroupCoordinator, GroupError, GroupErrorCode, ManualTime, type OffsetStore, type OffsetStoreEntry,
} from '../../../../../src/broker/groups/index.js';
import { isWharfError } from '../../../../../src/util/wharf-error.js';
import { formGroup, joinRequest, subscription, turns } from './group-fixtures.js';

export interface StoreUnderTest {
  /** The store as the running broker has it. */
  store: OffsetStore;
  /** Closes the store (and what it is built on) cleanly and opens it again over the same data. */
  reopen(): Promise<OffsetStore>;
}

async function replayAll(store: OffsetStore): Promise<OffsetStoreEntry[]> {
  const out: OffsetStoreEntry[] = [];
  await store.replay((e) => out.push(e));
  return out;
}

const offsetEntry = (groupId: string, topic: string, partition: number, offset: number | null): OffsetStoreEntry => ({
  kind: 'offset', groupId, topic, partition,
  value: offset === null ? null : { offset, leaderEpoch: offset % 5, metadata: `m${offset}`, commitTimestampMs: 1_700_000_000_000 + offset },
});

const groupEntry: OffsetStoreEntry = {
  kind: 'group',
  groupId: 'grüppe',
  value: {
    protocolType: 'consumer',
    generationId: 7,
    protocolName: 'cooperative-sticky',
    leaderId: 'a-1',
    stateTimestampMs: 1_700_000_000_123,
    members: [
      { memberId: 'a-1', groupInstanceId: null, clientId: 'a', clientHost: '/10.0.0.1', rebalanceTimeoutMs: 30_000, sessionTimeoutMs: 10_000, subscription: subscription(['orders']), assignment: Buffer.from([1, 2, 3]) },
      { memberId: 'b-1', groupInstanceId: 'host-b', clientId: 'b', clientHost: '/10.0.0.2', rebalanceTimeoutMs: 60_000, sessionTimeoutMs: 45_000, subscription: Buffer.alloc(0), assignment: Buffer.alloc(0) },
    ],
  },
};

export function offsetStoreSuite(name: string, open: () => Promise<StoreUnderTest>): void {
  test(`${name}: a new store replays nothing`, async () => {
    const { store } = await open();
    assert.deepEqual(await replayAll(store), []);
  });

  test(`${name}: entries replay in append order, tombstones and group metadata included`, async () => {
    const under = await open();
    const written = [offsetEntry('g', 'orders', 0, 10), groupEntry, offsetEntry('g', 'orders', 0, 11), offsetEntry('g', 'orders', 1, null), { kind: 'group', groupId: 'old', value: null } as OffsetStoreEntry];
    await under.store.append(written.slice(0, 2));
    await under.store.append(written.slice(2));
    const reopened = await under.reopen();
    assert.deepEqual(await replayAll(reopened), written);
  });

  test(`${name}: concurrent appends are answered in the order they were made`, async () => {
    const { store } = await open();
    const answered: number[] = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append([offsetEntry('g', 't', i, i)]).then(() => answered.push(i))));
    assert.deepEqual(answered, Array.from({ length: 20 }, (_, i) => i));
  });

  test(`${name}: a reopened store keeps appending after what it replayed`, async () => {
    const under = await open();
    await under.store.append([offsetEntry('g', 't', 0, 1)]);
    const second = await under.reopen();
    await replayAll(second);
    await second.append([offsetEntry('g', 't', 0, 2)]);
    const offsets = (await replayAll(second)).map((e) => (e.kind === 'offset' ? e.value?.offset : -1));
    assert.deepEqual(offsets, [1, 2]);
  });

  test(`${name}: close waits for appends in flight, then refuses new ones`, async () => {
    const { store } = await open();
    let done = 0;
    const inFlight = [store.append([offsetEntry('g', 't', 0, 1)]).then(() => done++), store.append([offsetEntry('g', 't', 1, 1)]).then(() => done++)];
    await store.close();
    assert.equal(done, 2);
    await Promise.all(inFlight);
    await assert.rejects(store.append([offsetEntry('g', 't', 0, 2)]), (err) => isWharfError(err, GroupErrorCode.OFFSET_STORE_CLOSED));
  });

  test(`${name}: the coordinator brings back committed offsets and a Stable group after a restart`, async () => {
    const under = await open();
    const time = new ManualTime();
    const options = { clock: time.clock, timers: time.timers, initialRebalanceDelayMs: 100, emptyGroupCleanupIntervalMs: 0 };
    const first = await GroupCoordinator.open(under.store, options);
    const { joins, syncs } = await formGroup({ time, coordinator: first }, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b', groupInstanceId: 'host-b' })]);
    const [a, b] = joins;
    assert.ok(a !== undefined && b !== undefined);
    const commit = await first.commitOffsets({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null, offsets: [
      { topic: 'orders', partition: 0, offset: 42, leaderEpoch: 3, metadata: 'checkpoint' },
      { topic: 'orders', partition: 1, offset: 7, leaderEpoch: -1, metadata: null },
    ] });
    assert.deepEqual(commit.partitions.map((p) => p.error), [GroupError.NONE, GroupError.NONE]);
    await first.commitOffsets({ groupId: 'standalone', generationId: -1, memberId: '', groupInstanceId: null, offsets: [{ topic: 'orders', partition: 2, offset: 5, leaderEpoch: -1, metadata: null }] });
    await first.deleteOffsets('standalone', [{ topic: 'orders', partition: 2 }]);
    await first.close();

    const second = await GroupCoordinator.open(await under.reopen(), options);
    assert.deepEqual(second.fetchOffsets('g', null).partitions.map((p) => [p.partition, p.offset, p.leaderEpoch, p.metadata]), [[0, 42, 3, 'checkpoint'], [1, 7, -1, '']]);
    assert.deepEqual(second.fetchOffsets('standalone', null).partitions, [], 'a deleted offset stays deleted');
    const described = second.describeGroup('g');
    assert.equal(described.state, 'Stable');
    assert.deepEqual(described.members.map((m) => [m.memberId, m.groupInstanceId, m.assignment]), [[a.memberId, null, syncs[0]?.assignment], [b.memberId, 'host-b', syncs[1]?.assignment]]);
    // A member still running goes on heartbeating in its generation; one that is gone expires.
    time.advance(5_000);
    assert.equal(second.heartbeat({ groupId: 'g', generationId: 1, memberId: a.memberId, groupInstanceId: null }).error, GroupError.NONE);
    time.advance(5_000);
    assert.deepEqual(second.describeGroup('g').members.map((m) => m.memberId), [a.memberId]);
    assert.equal(second.describeGroup('g').state, 'PreparingRebalance');
    await turns();
    await second.close();
  });
}
