// kafkajs offers only RoundRobinAssigner, librdkafka range and roundrobin (protocol-matrix §2.2):
// they have no assignor in common, so whichever joins a group second is refused with
// INCONSISTENT_GROUP_PROTOCOL, and the member already in the group keeps its partitions.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { createAndFill, GroupMemberProcess, type GroupClientKind } from '../../helpers/group-members.js';
import { describeGroup, PARTITIONS } from '../../helpers/group-scenarios.js';
import { waitFor } from '../../helpers/wait-for.js';

async function secondIsRefused(t: TestContext, bootstrap: string, topic: string, first: GroupClientKind, second: GroupClientKind): Promise<void> {
  const group = `g-mixed-${first}-then-${second}`;
  const a = GroupMemberProcess.start(t, first, bootstrap, group, topic, { session_ms: 6000 }, first);
  await waitFor(() => a.assignment.length === PARTITIONS, 20_000, `${first} to own every partition`);
  const b = GroupMemberProcess.start(t, second, bootstrap, group, topic, { session_ms: 6000 }, second);
  const refused = await waitFor(() => b.errors().find((e) => e.name === 'INCONSISTENT_GROUP_PROTOCOL' || /inconsistent group protocol/i.test(e.message ?? '')),
    20_000, `${second} to be refused with INCONSISTENT_GROUP_PROTOCOL`);
  t.diagnostic(`${second} saw: ${refused.name}: ${refused.message}`);
  assert.deepEqual(b.assignment, [], `${second} got no partitions`);
  const described = await describeGroup(bootstrap, group);
  assert.equal(described.members.length, 1, `only ${first} is a member`);
  assert.equal(described.state, 'Stable');
  assert.equal(a.assignment.length, PARTITIONS, `${first} kept every partition`);
  await Promise.all([a.stop(), b.kill()]);
}

test('a kafkajs member and a librdkafka member cannot share a group: the second to join gets INCONSISTENT_GROUP_PROTOCOL', { timeout: 90_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  await createAndFill(broker.bootstrap, 'mixed', PARTITIONS, 8);
  await t.test('kafkajs first, confluent-kafka second', (t2) => secondIsRefused(t2, broker.bootstrap, 'mixed', 'kafkajs', 'confluent-kafka'));
  await t.test('confluent-kafka first, kafkajs second', (t2) => secondIsRefused(t2, broker.bootstrap, 'mixed', 'confluent-kafka', 'kafkajs'));
});
