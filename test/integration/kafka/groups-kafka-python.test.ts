// kafka-python consumer groups against a real broker: kafka-python sends the fixed versions its
// broker guess gives (protocol-matrix §1.6-A): FindCoordinator v0, JoinGroup v2, SyncGroup,
// Heartbeat and LeaveGroup v1, OffsetCommit v2, OffsetFetch v1. Each member runs in its own
// process (clients/kafka_python_group.py) so one can be killed.
import { test } from 'node:test';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { committedOffsetsResume, membersTakeOverPartitions } from '../../helpers/group-scenarios.js';

test('kafka-python consumer groups', { timeout: 150_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  await t.test('two and three members share a 4-partition topic and take over from one that leaves or is killed', { timeout: 90_000 }, (t2) =>
    membersTakeOverPartitions(t2, 'kafka-python', broker.bootstrap));
  await t.test('committed offsets resume after the members stop: nothing lost, nothing read twice', { timeout: 90_000 }, (t2) =>
    committedOffsetsResume(t2, 'kafka-python', broker.bootstrap));
});
