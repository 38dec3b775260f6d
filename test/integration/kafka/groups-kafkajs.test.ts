// kafkajs consumer groups against a real broker (protocol-matrix §1.3 row c, §2): kafkajs joins
// with JoinGroup v5 (MEMBER_ID_REQUIRED first), syncs, heartbeats and leaves with v3, commits with
// OffsetCommit v5 and reads committed offsets with OffsetFetch v4. Each member runs in its own
// process (clients/kafkajs-group-client.ts) so one can be killed.
import { test } from 'node:test';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { committedOffsetsResume, membersTakeOverPartitions } from '../../helpers/group-scenarios.js';

test('kafkajs consumer groups', { timeout: 150_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  await t.test('two and three members share a 4-partition topic and take over from one that leaves or is killed', { timeout: 90_000 }, (t2) =>
    membersTakeOverPartitions(t2, 'kafkajs', broker.bootstrap));
  await t.test('committed offsets resume after the members stop: nothing lost, nothing read twice', { timeout: 90_000 }, (t2) =>
    committedOffsetsResume(t2, 'kafkajs', broker.bootstrap));
});
