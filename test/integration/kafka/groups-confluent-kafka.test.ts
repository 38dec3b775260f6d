// confluent-kafka (librdkafka 2.0.2) consumer groups against a real broker: JoinGroup v5,
// SyncGroup and Heartbeat v3, LeaveGroup v1, OffsetCommit v7, OffsetFetch v5. Besides the shared
// scenarios: static membership (group.instance.id, KIP-345) and the cooperative-sticky assignor
// (KIP-429), which need nothing from the broker but the normal paths (protocol-matrix §2.4, §2.5).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { createAndFill, GroupMemberProcess, produce, waitForBalanced } from '../../helpers/group-members.js';
import { committedOffsetsResume, describeGroup, membersTakeOverPartitions, PARTITIONS } from '../../helpers/group-scenarios.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Long enough for a member to restart inside it. */
const STATIC_SESSION_MS = 10_000;

test('confluent-kafka consumer groups', { timeout: 170_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const bootstrap = broker.bootstrap;
  await t.test('two and three members share a 4-partition topic and take over from one that leaves or is killed', { timeout: 90_000 }, (t2) =>
    membersTakeOverPartitions(t2, 'confluent-kafka', bootstrap));
  await t.test('committed offsets resume after the members stop: nothing lost, nothing read twice', { timeout: 90_000 }, (t2) =>
    committedOffsetsResume(t2, 'confluent-kafka', bootstrap));
  await t.test('a static member restarts without a rebalance, and a duplicate instance id is fenced', { timeout: 90_000 }, (t2) =>
    staticMembership(t2, bootstrap));
  await t.test('cooperative-sticky members hand partitions over incrementally', { timeout: 60_000 }, (t2) =>
    cooperativeSticky(t2, bootstrap));
});

async function staticMembership(t: TestContext, bootstrap: string): Promise<void> {
  const topic = 'static';
  const group = 'g-static';
  await createAndFill(bootstrap, topic, PARTITIONS, 8);
  const start = (name: string, instance: string): GroupMemberProcess =>
    GroupMemberProcess.start(t, 'confluent-kafka', bootstrap, group, topic, { session_ms: STATIC_SESSION_MS, instance, client_id: name }, name);
  const s1 = start('s1', 'instance-1');
  const s2 = start('s2', 'instance-2');
  await waitForBalanced([s1, s2], PARTITIONS, 20_000, 'two static members share the partitions');
  const before = await describeGroup(bootstrap, group);
  assert.deepEqual(before.members.map((m) => m.groupInstanceId).sort(), ['instance-1', 'instance-2'], 'DescribeGroups v4 shows the instance ids');
  const s1Partitions = [...s1.assignment];
  const s2Rebalances = s2.rebalanceCount();

  // librdkafka sends no LeaveGroup for a static member: the broker keeps its place for the session.
  await s1.stop();
  const restarted = start('s1-again', 'instance-1');
  await waitFor(() => restarted.assignment.length > 0 && restarted.assignment, STATIC_SESSION_MS, 'the restarted member to get its partitions back within the session timeout');
  assert.deepEqual(restarted.assignment, s1Partitions, 'the restarted static member keeps its old assignment');
  const after = await describeGroup(bootstrap, group);
  const oldId = before.members.find((m) => m.groupInstanceId === 'instance-1')?.memberId;
  const newId = after.members.find((m) => m.groupInstanceId === 'instance-1')?.memberId;
  assert.equal(after.state, 'Stable');
  assert.notEqual(newId, oldId, 'instance-1 has a new member id');
  // Both members keep reading in the same generation: new records reach each of them, and the
  // member that stayed saw no rebalance (a rebalance would reach it at its next heartbeat, every
  // ~1.7 s, so the check waits past two of them).
  const since = Date.now();
  const seen = (m: GroupMemberProcess, values: string[]): boolean => values.some((v) => m.records.some((r) => r.value === v));
  const more = await produce(bootstrap, topic, PARTITIONS, 8, 'after-restart');
  await waitFor(() => seen(restarted, more) && seen(s2, more) && Date.now() - since > 2 * (STATIC_SESSION_MS / 6), 20_000, 'both members to read new records');
  assert.equal(s2.rebalanceCount(), s2Rebalances, 'the other member saw no rebalance');
  assert.deepEqual(s2.events.filter((e) => e.event === 'uncommitted'), [], 'its commits kept succeeding in the same generation');

  // A second process with instance-2 replaces s2; the broker fences the old one.
  const duplicate = start('s2-duplicate', 'instance-2');
  await waitFor(() => s2.errors().find((e) => e.fatal === true), 20_000, 'the replaced instance to be fenced (a fatal error in librdkafka)');
  const fenced = s2.errors().find((e) => e.fatal === true);
  assert.match(fenced?.message ?? '', /fenced|FENCED_INSTANCE_ID/i);
  await waitForBalanced([restarted, duplicate], PARTITIONS, 20_000, 'the surviving members cover the topic');
  await Promise.all([restarted.stop(), duplicate.stop(), s2.kill()]);
}

async function cooperativeSticky(t: TestContext, bootstrap: string): Promise<void> {
  const topic = 'cooperative';
  const group = 'g-cooperative';
  await createAndFill(bootstrap, topic, PARTITIONS, 8);
  const start = (name: string): GroupMemberProcess =>
    GroupMemberProcess.start(t, 'confluent-kafka', bootstrap, group, topic, { session_ms: 6000, strategy: 'cooperative-sticky', client_id: name }, name);
  const c1 = start('c1');
  await waitFor(() => c1.assignment.length === PARTITIONS, 20_000, 'the first member to own every partition');
  const c2 = start('c2');
  await waitForBalanced([c1, c2], PARTITIONS, 30_000, 'two cooperative members share the partitions');
  const revoked = c1.events.filter((e) => e.event === 'revoked');
  assert.ok(revoked.some((e) => e.incremental === true && (e.partitions?.length ?? 0) > 0 && (e.assignment?.length ?? 0) > 0),
    `c1 gave up only some partitions, incrementally: ${JSON.stringify(revoked)}`);
  const firstOwned = c1.events.findIndex((e) => e.event === 'assigned');
  assert.ok(c1.events.slice(firstOwned).every((e) => (e.event !== 'assigned' && e.event !== 'revoked') || (e.assignment?.length ?? 0) > 0),
    'c1 never dropped all its partitions (no eager revoke-everything)');
  assert.ok(c2.events.some((e) => e.event === 'assigned' && e.incremental === true && (e.partitions?.length ?? 0) > 0), 'c2 was assigned incrementally');
  const group1 = await describeGroup(bootstrap, group);
  assert.equal(group1.protocol, 'cooperative-sticky');

  await c2.stop();
  await waitFor(() => c1.assignment.length === PARTITIONS, 20_000, 'c1 to be incrementally assigned the partitions c2 gave back');
  await c1.stop();
}
