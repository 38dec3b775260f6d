// Consumer-group scenarios every real client goes through (issue #4), written once and run per
// client by the groups-*.test.ts files: members share a 4-partition topic and take over the
// partitions of one that leaves or is killed; committed offsets resume with nothing lost and
// nothing read twice.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { parseAddress } from '../../src/client/broker-address.js';
import { describeGroups, fetchCommittedOffsets, type GroupDescription } from '../../src/client/group-admin.js';
import { KafkaClient } from '../../src/client/kafka-client.js';
import { allRecords, createAndFill, GroupMemberProcess, waitForBalanced, type GroupClientKind } from './group-members.js';
import { waitFor } from './wait-for.js';

export const PARTITIONS = 4;
/** Short, so a killed member is noticed quickly; the broker's minimum (groupSessionTimeoutMinMs) by default. */
export const SESSION_MS = 6000;
/** Time for the others to notice a rebalance (heartbeats every SESSION_MS / 6) and finish it. */
const REBALANCE_MS = 20_000;

/** Describes a group through Wharf's own client (DescribeGroups), the broker's view of it. */
export async function describeGroup(bootstrap: string, groupId: string): Promise<GroupDescription> {
  const client = await KafkaClient.connect(parseAddress(bootstrap));
  try {
    const [group] = await describeGroups(client, [groupId]);
    assert.ok(group !== undefined);
    return group;
  } finally {
    await client.close();
  }
}

export async function committedOffsets(bootstrap: string, groupId: string): Promise<Map<string, number>> {
  const client = await KafkaClient.connect(parseAddress(bootstrap));
  try {
    return new Map((await fetchCommittedOffsets(client, groupId, null)).map((c) => [`${c.topic}/${c.partition}`, c.offset]));
  } finally {
    await client.close();
  }
}

/** The broker agrees with the clients: Stable, these many members, assignments disjoint and covering. */
async function assertBrokerView(bootstrap: string, groupId: string, topic: string, members: number): Promise<void> {
  const group = await waitFor(async () => {
    const g = await describeGroup(bootstrap, groupId);
    return g.state === 'Stable' && g.members.length === members && g;
  }, REBALANCE_MS, `group ${groupId} Stable with ${members} members`);
  const assigned = group.members.flatMap((m) => (m.assignment ?? []).filter((a) => a.topic === topic).flatMap((a) => a.partitions));
  assert.deepEqual([...assigned].sort(), [0, 1, 2, 3], `DescribeGroups assignments of ${groupId} are disjoint and cover the topic`);
}

/**
 * Two members, then a third, share the topic; the third leaves cleanly and the two take over its
 * partitions; then one is SIGKILLed and the last takes over everything once its session expires.
 */
export async function membersTakeOverPartitions(t: TestContext, kind: GroupClientKind, bootstrap: string): Promise<void> {
  const topic = `takeover-${kind}`;
  const group = `g-takeover-${kind}`;
  await createAndFill(bootstrap, topic, PARTITIONS, 40);
  const start = (name: string): GroupMemberProcess => GroupMemberProcess.start(t, kind, bootstrap, group, topic, { session_ms: SESSION_MS, client_id: `${kind}-${name}` }, name);
  const a = start('a');
  const b = start('b');
  const two = await waitForBalanced([a, b], PARTITIONS, REBALANCE_MS, 'two members share the partitions');
  await assertBrokerView(bootstrap, group, topic, 2);
  const c = start('c');
  const three = await waitForBalanced([a, b, c], PARTITIONS, REBALANCE_MS, 'three members share the partitions');
  await assertBrokerView(bootstrap, group, topic, 3);

  let since = Date.now();
  await c.stop();
  await waitForBalanced([a, b], PARTITIONS, SESSION_MS, 'a and b take over the partitions of c, which left (within the session timeout)');
  const leftMs = Date.now() - since;

  since = Date.now();
  await b.kill();
  // A killed member sends nothing: its session timeout has to expire first.
  await waitForBalanced([a], PARTITIONS, SESSION_MS + REBALANCE_MS, 'a takes over everything after b was killed');
  const killedMs = Date.now() - since;
  await a.stop();

  for (const m of [a, b, c]) assert.deepEqual(m.errors().filter((e) => e.fatal === true), [], `${m.name} saw no fatal error`);
  assert.equal(new Set(allRecords([a, b, c]).map((r) => r.value)).size, 40, 'every record was read');
  t.diagnostic(`${kind}: two ${JSON.stringify([...two])}, three ${JSON.stringify([...three])}; takeover after a leave ${leftMs} ms, after a kill ${killedMs} ms (session ${SESSION_MS} ms)`);
}

/**
 * Two members read part of the topic, committing as they go, and stop cleanly; two new members
 * resume from the committed offsets. Together they read every record exactly once.
 */
export async function committedOffsetsResume(t: TestContext, kind: GroupClientKind, bootstrap: string): Promise<void> {
  const topic = `resume-${kind}`;
  const group = `g-resume-${kind}`;
  const count = 120;
  const values = await createAndFill(bootstrap, topic, PARTITIONS, count);
  const start = (name: string, delayMs: number): GroupMemberProcess =>
    GroupMemberProcess.start(t, kind, bootstrap, group, topic, { session_ms: SESSION_MS, delay_ms: delayMs, client_id: `${kind}-${name}` }, name);
  const first = [start('a', 20), start('b', 20)];
  await waitFor(() => allRecords(first).length >= 40, 60_000, 'the first members to read (and commit) 40 records');
  await Promise.all(first.map((m) => m.stop()));
  const readFirst = allRecords(first).length;
  assert.ok(readFirst < count, `the first members stopped part-way (${readFirst} of ${count})`);
  const committed = await committedOffsets(bootstrap, group);
  const committedTotal = [...committed.values()].reduce((n, o) => n + Math.max(0, o), 0);
  assert.equal(committedTotal, readFirst, 'what was committed is exactly what was read');

  const second = [start('c', 0), start('d', 0)];
  const everyone = [...first, ...second];
  await waitFor(() => new Set(allRecords(everyone).map((r) => `${r.partition}/${r.offset}`)).size >= count, 60_000, `all ${count} records read`);
  await Promise.all(second.map((m) => m.stop()));
  const read = allRecords(everyone);
  const keys = read.map((r) => `${r.partition}/${r.offset}`);
  assert.equal(keys.length, new Set(keys).size, 'no record was read twice');
  assert.deepEqual(read.map((r) => r.value).sort(), [...values].sort(), 'no record was lost');
  t.diagnostic(`${kind}: ${readFirst} records before the stop, ${read.length - readFirst} after`);
}
