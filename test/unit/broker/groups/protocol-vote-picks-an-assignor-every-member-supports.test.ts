import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupError, type GroupProtocol } from '../../../../src/broker/groups/index.js';
import { formGroup, joinRequest, openHarness, subscription } from './support/group-fixtures.js';

const meta = subscription(['orders']);
const protocols = (...names: string[]): GroupProtocol[] => names.map((name) => ({ name, metadata: Buffer.from(`${name}:${meta.toString('hex')}`) }));

test('each member votes for its first protocol every member supports, and the most votes win', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [
    joinRequest({ clientId: 'a', protocols: protocols('range', 'roundrobin') }),
    joinRequest({ clientId: 'b', protocols: protocols('roundrobin', 'range', 'sticky') }),
    joinRequest({ clientId: 'c', protocols: protocols('sticky', 'roundrobin', 'range') }),
  ]);
  // Candidates are range and roundrobin (sticky is not everyone's); a votes range, b and c roundrobin.
  for (const j of joins) assert.equal(j.protocolName, 'roundrobin');
  const leader = joins.find((j) => j.members.length > 0);
  assert.ok(leader !== undefined);
  assert.deepEqual(leader.members.map((m) => m.metadata.toString()), joins.map(() => `roundrobin:${meta.toString('hex')}`), "the leader sees each member's metadata for the chosen protocol");
});

test('a tie goes to the protocol voted for first in join order', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [
    joinRequest({ clientId: 'a', protocols: protocols('range', 'roundrobin') }),
    joinRequest({ clientId: 'b', protocols: protocols('roundrobin', 'range') }),
  ]);
  for (const j of joins) assert.equal(j.protocolName, 'range');
});

test("kafkajs's RoundRobinAssigner cannot share a group with librdkafka's range,roundrobin: INCONSISTENT_GROUP_PROTOCOL", async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'kafkajs', protocols: protocols('RoundRobinAssigner') })]);
  const rdkafka = await h.coordinator.joinGroup(joinRequest({ clientId: 'rdkafka', protocols: protocols('range', 'roundrobin') }));
  assert.equal(rdkafka.error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(rdkafka.generationId, -1);
  assert.equal(rdkafka.memberId, '');
  assert.deepEqual(rdkafka.members, []);
  assert.equal(h.coordinator.describeGroup('g').state, 'Stable', 'the refused member does not disturb the group');
  assert.equal(h.coordinator.describeGroup('g').members.length, 1);
  assert.equal(joins[0]?.protocolName, 'RoundRobinAssigner');
});

test('mixed assignors joining an empty group together: the first decides, the other is refused', async () => {
  const h = await openHarness();
  const kafkajs = h.coordinator.joinGroup(joinRequest({ clientId: 'kafkajs', protocols: protocols('RoundRobinAssigner') }));
  const rdkafka = await h.coordinator.joinGroup(joinRequest({ clientId: 'rdkafka', protocols: protocols('range', 'roundrobin') }));
  assert.equal(rdkafka.error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
  h.time.advance(1000);
  assert.equal((await kafkajs).error, GroupError.NONE);
});

test('a protocol type other than the group\'s, an empty protocol type or no protocols at all: INCONSISTENT_GROUP_PROTOCOL', async () => {
  const h = await openHarness();
  await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const connect = await h.coordinator.joinGroup(joinRequest({ clientId: 'b', protocolType: 'connect' }));
  assert.equal(connect.error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
  const noType = await h.coordinator.joinGroup(joinRequest({ groupId: 'other', protocolType: '' }));
  assert.equal(noType.error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
  const none = await h.coordinator.joinGroup(joinRequest({ groupId: 'other', protocols: [] }));
  assert.equal(none.error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
});

test('SyncGroup v5+ naming another protocol type or name than the group chose: INCONSISTENT_GROUP_PROTOCOL', async () => {
  const h = await openHarness();
  const { joins } = await formGroup(h, [joinRequest({ clientId: 'a' })]);
  const j = joins[0];
  assert.ok(j !== undefined);
  const base = { groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, assignments: [] };
  assert.equal((await h.coordinator.syncGroup({ ...base, protocolType: 'connect' })).error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal((await h.coordinator.syncGroup({ ...base, protocolName: 'roundrobin' })).error, GroupError.INCONSISTENT_GROUP_PROTOCOL);
  const ok = await h.coordinator.syncGroup({ ...base, protocolType: 'consumer', protocolName: 'range' });
  assert.equal(ok.error, GroupError.NONE);
  assert.equal(ok.protocolType, 'consumer');
  assert.equal(ok.protocolName, 'range');
});
