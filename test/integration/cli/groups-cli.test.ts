// `wharf groups list|describe|reset-offsets|delete` and `wharf consume --group` against a real
// `wharf serve`, on a group that kcat (librdkafka) and kafkajs committed offsets for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { WHARF_BIN } from '../../helpers/broker-process.js';
import { startKafkaBroker } from '../../helpers/kafka-broker.js';
import { kcat, run, type RunResult } from '../../helpers/kafka-clients.js';
import { createAndFill, GroupMemberProcess, produce } from '../../helpers/group-members.js';
import { waitFor } from '../../helpers/wait-for.js';

function wharf(args: readonly string[]): Promise<RunResult> {
  return run(process.execPath, [WHARF_BIN, ...args], { timeoutMs: 60_000 });
}

async function ok(args: readonly string[]): Promise<string> {
  const r = await wharf(args);
  assert.equal(r.code, 0, `wharf ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface Described {
  group: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; clientId: string; assignment: { topic: string; partitions: number[] }[] | null }[];
  partitions: { topic: string; partition: number; committedOffset: number; logEndOffset: number; lag: number | null; memberId: string | null }[];
}

interface Plan {
  executed: boolean;
  partitions: { partition: number; currentOffset: number; newOffset: number }[];
}

test('wharf groups lists, describes (with lag), resets offsets of and deletes a group; wharf consume --group is a member', { timeout: 120_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  await createAndFill(broker.bootstrap, 'orders', 4, 40);
  // A librdkafka group member reads everything and commits it, then 8 more records arrive.
  await kcat(['-b', broker.bootstrap, '-G', 'billing', 'orders', '-X', 'auto.offset.reset=earliest', '-e', '-q'], undefined, 30_000);
  await produce(broker.bootstrap, 'orders', 4, 8, 'late');

  assert.match(await ok(['groups', 'list', ...b]), /^group\s+state\s+protocol\s+members\nbilling\s+Empty\s+consumer\s+0\n$/);
  const described = JSON.parse(await ok(['groups', 'describe', 'billing', '--format', 'json', ...b])) as Described;
  assert.equal(described.state, 'Empty');
  assert.deepEqual(described.partitions.map((p) => [p.partition, p.committedOffset, p.logEndOffset, p.lag]), [[0, 10, 12, 2], [1, 10, 12, 2], [2, 10, 12, 2], [3, 10, 12, 2]]);
  assert.match(await ok(['groups', 'describe', 'billing', ...b]), /group billing: Empty, protocol consumer, 0 members, total lag 8/);

  // While a member is in the group, describe shows it with its partitions, and resets are refused.
  const member = GroupMemberProcess.start(t, 'kafkajs', broker.bootstrap, 'billing', 'orders', { session_ms: 6000, client_id: 'billing-app' }, 'member');
  await waitFor(() => member.assignment.length === 4 && member.records.length === 8, 30_000, 'the kafkajs member to read the 8 new records');
  const active = JSON.parse(await ok(['groups', 'describe', 'billing', '--format', 'json', ...b])) as Described;
  assert.equal(active.state, 'Stable');
  assert.equal(active.protocol, 'RoundRobinAssigner');
  assert.deepEqual(active.members.map((m) => [m.clientId, m.assignment]), [['billing-app', [{ topic: 'orders', partitions: [0, 1, 2, 3] }]]]);
  assert.deepEqual(active.partitions.map((p) => [p.committedOffset, p.lag, p.memberId]), Array.from({ length: 4 }, () => [12, 0, active.members[0]?.memberId]));
  const refused = await wharf(['groups', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--execute', ...b]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /resetting the offsets of group billing \(it is Stable with 1 member\) failed with NON_EMPTY_GROUP; .*stop its consumers first/);
  const notEmpty = await wharf(['groups', 'delete', 'billing', ...b]);
  assert.equal(notEmpty.code, 1);
  assert.match(notEmpty.stderr, /deleting group billing failed with NON_EMPTY_GROUP/);
  await member.stop();

  const plan = (args: string[]): Promise<Plan> => ok(['groups', 'reset-offsets', 'billing', '--topic', 'orders', ...args, '--format', 'json', ...b]).then((o) => JSON.parse(o) as Plan);
  const dry = await plan(['--to-earliest']);
  assert.deepEqual(dry.partitions.map((p) => [p.currentOffset, p.newOffset]), Array.from({ length: 4 }, () => [12, 0]));
  assert.equal(dry.executed, false);
  const afterDry = JSON.parse(await ok(['groups', 'describe', 'billing', '--format', 'json', ...b])) as Described;
  assert.deepEqual(afterDry.partitions.map((p) => p.committedOffset), [12, 12, 12, 12], 'a dry run changes nothing');
  assert.deepEqual((await plan(['--shift-by', '-5', '--execute'])).partitions.map((p) => p.newOffset), [7, 7, 7, 7]);
  assert.deepEqual((await plan(['--to-offset', '100', '--partition', '1', '--execute'])).partitions.map((p) => [p.partition, p.newOffset]), [[1, 12]], 'clamped to the log end');
  assert.deepEqual((await plan(['--to-datetime', '2000-01-01T00:00:00Z', '--partition', '2', '--execute'])).partitions.map((p) => p.newOffset), [0]);
  const twoSpecs = await wharf(['groups', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--to-latest', ...b]);
  assert.equal(twoSpecs.code, 1);
  assert.match(twoSpecs.stderr, /give exactly one of --to-earliest/);

  // wharf consume --group resumes from the committed offsets: 5 + 0 + 12 + 5 records are left.
  const consumed = await ok(['consume', 'orders', '--group', 'billing', '--exit-at-end', '--format', 'json', '--from', 'end', ...b]);
  const records = consumed.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { partition: number; offset: number });
  assert.deepEqual(records.map((r) => `${r.partition}/${r.offset}`).sort(),
    [...[7, 8, 9, 10, 11].map((o) => `0/${o}`), ...Array.from({ length: 12 }, (_v, o) => `2/${o}`), ...[7, 8, 9, 10, 11].map((o) => `3/${o}`)].sort());
  const caughtUp = JSON.parse(await ok(['groups', 'describe', 'billing', '--format', 'json', ...b])) as Described;
  assert.deepEqual(caughtUp.partitions.map((p) => p.lag), [0, 0, 0, 0], 'wharf consume --group committed what it printed');
  assert.equal(caughtUp.state, 'Empty', 'and left the group');

  await ok(['groups', 'delete', 'billing', ...b]);
  assert.equal(await ok(['groups', 'list', ...b]), '');
  const gone = await wharf(['groups', 'describe', 'billing', ...b]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /GROUP_ID_NOT_FOUND/);
});

test('two wharf consume --group members split a topic and hand over when one stops', { timeout: 60_000 }, async (t) => {
  const broker = await startKafkaBroker(t);
  const b = ['--bootstrap', broker.bootstrap];
  await createAndFill(broker.bootstrap, 'events', 4, 40);
  const start = (): { lines: string[]; stderr: () => string; proc: ReturnType<typeof spawn> } => {
    const proc = spawn(process.execPath, [WHARF_BIN, 'consume', 'events', '--group', 'cli-group', '--from', 'beginning', '--format', 'json', ...b], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => lines.push(...c.split('\n').filter((l) => l !== '')));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
    });
    t.after(() => proc.kill('SIGKILL'));
    return { lines, stderr: () => err, proc };
  };
  const first = start();
  await waitFor(() => first.lines.length === 40, 20_000, 'the first member to read everything');
  const second = start();
  await waitFor(() => /generation \d+: reading partitions? [\d, ]+ of events/.test(second.stderr()) && /reading partitions 0, 1 of events|reading partitions 2, 3 of events/.test(second.stderr()),
    20_000, 'the second member to be given half of the partitions (range assignor)');
  const described = JSON.parse(await ok(['groups', 'describe', 'cli-group', '--format', 'json', ...b])) as Described;
  assert.equal(described.protocol, 'range');
  assert.equal(described.members.length, 2);
  await produce(broker.bootstrap, 'events', 4, 8, 'more');
  await waitFor(() => first.lines.length + second.lines.length === 48, 20_000, 'the 8 new records to be read by the two members');
  first.proc.kill('SIGINT');
  await waitFor(() => /reading partitions 0, 1, 2, 3 of events/.test(second.stderr()), 20_000, 'the second member to take over every partition');
  second.proc.kill('SIGINT');
  await waitFor(() => second.proc.exitCode !== null, 10_000, 'the second member to exit');
  assert.equal(second.proc.exitCode, 0);
});
