// `wharf groups list|describe|reset-offsets|delete`: consumer-group administration over the Kafka
// protocol, like Kafka's kafka-consumer-groups.sh, so it works against Wharf or a Kafka broker
// (the group's coordinator: every request goes to the bootstrap address).
import { Command, Option } from 'commander';
import { checkErrorCode } from '../client/client-errors.js';
import {
  commitOffsets, deleteGroups, describeGroups, fetchCommittedOffsets, listGroups, type CommittedOffset, type GroupDescription,
} from '../client/group-admin.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../client/list-offsets.js';
import { fetchTopic } from '../client/metadata.js';
import { planOffsetReset, type OffsetResetSource, type OffsetResetSpec, type PlannedOffset } from '../broker/groups/offset-reset.js';
import { KafkaErrorCode } from '../protocols/kafka/error-codes.js';
import { WharfError } from '../util/wharf-error.js';
import { bootstrapOption, collect, ERR_CLI_USAGE, withClient } from './kafka-options.js';
import { formatTable } from './text-table.js';

type Format = 'text' | 'json';

interface BootstrapOpts {
  bootstrap: string;
}

function out(text: string): void {
  process.stdout.write(text);
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
}

export function registerGroups(program: Command): void {
  const groups = program
    .command('groups')
    .description('list, describe, reset the offsets of and delete consumer groups (over the Kafka protocol)');
  registerList(groups);
  registerDescribe(groups);
  registerResetOffsets(groups);
  registerDelete(groups);
  groups.addHelpText('after', `
Examples:
  wharf groups list
  wharf groups describe billing                  members, assignments, committed offsets and lag
  wharf groups reset-offsets billing --topic orders --to-earliest            (dry run)
  wharf groups reset-offsets billing --topic orders --shift-by -100 --execute
  wharf groups delete billing
`);
}

function registerList(groups: Command): void {
  groups
    .command('list')
    .description('list the consumer groups with their state and member count')
    .addOption(formatOption())
    .addOption(bootstrapOption())
    .action(async (opts: BootstrapOpts & { format: Format }) => {
      await withClient(opts.bootstrap, async (client) => {
        const listed = await listGroups(client);
        const described = await describeGroups(client, listed.map((g) => g.groupId));
        const rows = described.map((g) => ({ group: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.length }));
        if (opts.format === 'json') {
          out(JSON.stringify(rows, null, 2) + '\n');
          return;
        }
        if (rows.length === 0) {
          if (process.stderr.isTTY) process.stderr.write('no consumer groups yet; a consumer with a group id creates one\n');
          return;
        }
        out(formatTable([
          ['group', 'state', 'protocol', 'members'],
          ...rows.map((r) => [r.group, r.state, r.protocolType === '' ? '(offsets only)' : `${r.protocolType}${r.protocol === '' ? '' : `/${r.protocol}`}`, String(r.members)]),
        ]));
      });
    });
}

interface PartitionLag {
  topic: string;
  partition: number;
  /** -1 when the group has not committed this partition. */
  committedOffset: number;
  logEndOffset: number;
  /** null without a committed offset. */
  lag: number | null;
  memberId: string | null;
  clientId: string | null;
  clientHost: string | null;
}

function registerDescribe(groups: Command): void {
  groups
    .command('describe')
    .description('show a group\'s members and assignments, and per partition the committed offset, log end offset and lag')
    .argument('<group>', 'group id')
    .addOption(formatOption())
    .addOption(bootstrapOption())
    .action(async (groupId: string, opts: BootstrapOpts & { format: Format }) => {
      await withClient(opts.bootstrap, async (client) => {
        const [group] = await describeGroups(client, [groupId]);
        const committed = await fetchCommittedOffsets(client, groupId, null);
        if (group === undefined || (group.state === 'Dead' && committed.length === 0)) {
          checkErrorCode(KafkaErrorCode.GROUP_ID_NOT_FOUND, `describing group ${groupId}`);
          return;
        }
        const lags = await partitionLags(client, group, committed);
        if (opts.format === 'json') {
          out(JSON.stringify({ group: groupId, state: group.state, protocolType: group.protocolType, protocol: group.protocol, members: group.members, partitions: lags }, null, 2) + '\n');
          return;
        }
        printDescription(group, lags);
      });
    });
}

/** Committed offset, log end offset and owner of every partition the group has committed or is assigned. */
async function partitionLags(client: KafkaClient, group: GroupDescription, committed: readonly CommittedOffset[]): Promise<PartitionLag[]> {
  const owners = new Map<string, GroupDescription['members'][number]>();
  const wanted = new Map<string, Set<number>>();
  const want = (topic: string, partition: number): void => {
    const set = wanted.get(topic) ?? new Set<number>();
    wanted.set(topic, set);
    set.add(partition);
  };
  for (const m of group.members) {
    for (const a of m.assignment ?? []) {
      for (const p of a.partitions) {
        owners.set(`${a.topic}\0${p}`, m);
        want(a.topic, p);
      }
    }
  }
  for (const c of committed) want(c.topic, c.partition);
  const out: PartitionLag[] = [];
  for (const topic of [...wanted.keys()].sort()) {
    const partitions = [...(wanted.get(topic) ?? [])].sort((a, b) => a - b);
    // A topic deleted since the commit has no log end; its partitions show -1.
    const ends = await listOffsets(client, topic, partitions, LATEST_TIMESTAMP).catch(() => new Map<number, { offset: number }>());
    for (const partition of partitions) {
      const committedOffset = committed.find((c) => c.topic === topic && c.partition === partition)?.offset ?? -1;
      const logEndOffset = ends.get(partition)?.offset ?? -1;
      const owner = owners.get(`${topic}\0${partition}`);
      out.push({
        topic, partition, committedOffset, logEndOffset,
        lag: committedOffset >= 0 && logEndOffset >= 0 ? Math.max(0, logEndOffset - committedOffset) : null,
        memberId: owner?.memberId ?? null, clientId: owner?.clientId ?? null, clientHost: owner?.clientHost ?? null,
      });
    }
  }
  return out;
}

function printDescription(group: GroupDescription, lags: readonly PartitionLag[]): void {
  const protocol = group.protocolType === '' ? 'no protocol (offsets only)' : `protocol ${group.protocolType}${group.protocol === '' ? '' : `/${group.protocol}`}`;
  const totalLag = lags.reduce((n, l) => n + (l.lag ?? 0), 0);
  out(`group ${group.groupId}: ${group.state}, ${protocol}, ${group.members.length} member${group.members.length === 1 ? '' : 's'}, total lag ${totalLag}\n\n`);
  if (lags.length > 0) {
    out(formatTable([
      ['topic', 'partition', 'committed', 'log-end', 'lag', 'member', 'host', 'client-id'],
      ...lags.map((l) => [l.topic, String(l.partition), l.committedOffset < 0 ? '-' : String(l.committedOffset), l.logEndOffset < 0 ? '-' : String(l.logEndOffset),
        l.lag === null ? '-' : String(l.lag), l.memberId ?? '-', l.clientHost ?? '-', l.clientId ?? '-']),
    ]));
  }
  if (group.members.length > 0) {
    out('\n');
    out(formatTable([
      ['member', 'instance', 'client-id', 'host', 'assignment'],
      ...group.members.map((m) => [m.memberId, m.groupInstanceId ?? '-', m.clientId, m.clientHost,
        m.assignment === null ? '(not a consumer assignment)' : m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '(none)']),
    ]));
  }
}

interface ResetOpts extends BootstrapOpts {
  topic: string;
  partition?: string[];
  toEarliest?: boolean;
  toLatest?: boolean;
  toDatetime?: string;
  shiftBy?: string;
  toOffset?: string;
  execute?: boolean;
  format: Format;
}

function registerResetOffsets(groups: Command): void {
  groups
    .command('reset-offsets')
    .description('set a group\'s committed offsets for a topic (a dry run unless --execute; refused while the group has members)')
    .argument('<group>', 'group id')
    .requiredOption('-t, --topic <topic>', 'topic whose offsets to reset')
    .option('-p, --partition <n>', 'only this partition, repeatable (default: every partition)', collect)
    .option('--to-earliest', 'the oldest offset still kept')
    .option('--to-latest', 'the log end offset (skip everything there is)')
    .option('--to-datetime <iso>', 'the first record at or after this time, e.g. 2024-05-01T10:00:00Z')
    .option('--shift-by <n>', 'the committed offset plus N (negative goes back)')
    .option('--to-offset <n>', 'this offset')
    .option('--execute', 'apply the new offsets (without it nothing changes)')
    .addOption(formatOption())
    .addOption(bootstrapOption())
    .action(async (groupId: string, opts: ResetOpts) => {
      const spec = resetSpec(opts);
      await withClient(opts.bootstrap, async (client) => {
        const [group] = await describeGroups(client, [groupId]);
        if (group !== undefined && group.members.length > 0) {
          // Kafka's tool refuses too: a live member would overwrite the new offsets with its own commits.
          checkErrorCode(KafkaErrorCode.NON_EMPTY_GROUP, `resetting the offsets of group ${groupId} (it is ${group.state} with ${group.members.length} member${group.members.length === 1 ? '' : 's'})`);
        }
        const plan = await planReset(client, groupId, opts.topic, opts.partition, spec);
        const problems = plan.filter((p) => p.problem !== null).map((p) => p.problem);
        if (problems.length > 0) throw new WharfError(ERR_CLI_USAGE, problems.join('; '));
        if (opts.execute === true) await commitOffsets(client, groupId, plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })));
        printPlan(groupId, plan, opts.execute === true, opts.format);
      });
    });
}

function resetSpec(opts: ResetOpts): OffsetResetSpec {
  const given: OffsetResetSpec[] = [];
  if (opts.toEarliest === true) given.push({ kind: 'earliest' });
  if (opts.toLatest === true) given.push({ kind: 'latest' });
  if (opts.toDatetime !== undefined) {
    const ms = /^\d{4}-\d{2}-\d{2}/.test(opts.toDatetime) ? Date.parse(opts.toDatetime) : NaN;
    if (Number.isNaN(ms)) throw new WharfError(ERR_CLI_USAGE, `--to-datetime ${opts.toDatetime} is not an ISO date-time such as 2024-05-01T10:00:00Z`);
    given.push({ kind: 'datetime', timestampMs: ms });
  }
  if (opts.shiftBy !== undefined) given.push({ kind: 'shift-by', delta: wholeNumberArg(opts.shiftBy, '--shift-by') });
  if (opts.toOffset !== undefined) given.push({ kind: 'to-offset', offset: wholeNumberArg(opts.toOffset, '--to-offset') });
  const [spec] = given;
  if (spec === undefined || given.length > 1) {
    throw new WharfError(ERR_CLI_USAGE, 'give exactly one of --to-earliest, --to-latest, --to-datetime ISO, --shift-by N or --to-offset N');
  }
  return spec;
}

function wholeNumberArg(text: string, flag: string): number {
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new WharfError(ERR_CLI_USAGE, `${flag} expects a whole number, got "${text}"`);
  return n;
}

async function planReset(client: KafkaClient, groupId: string, topic: string, only: readonly string[] | undefined, spec: OffsetResetSpec): Promise<PlannedOffset[]> {
  const all = (await fetchTopic(client, topic)).partitions.map((p) => p.partition);
  const partitions = only === undefined ? all : only.map((p) => wholeNumberArg(p, '--partition'));
  const unknown = partitions.filter((p) => !all.includes(p));
  if (unknown.length > 0) throw new WharfError(ERR_CLI_USAGE, `topic ${topic} has partitions 0-${all.length - 1}; --partition ${unknown.join(', ')} does not exist`);
  const starts = await listOffsets(client, topic, partitions, EARLIEST_TIMESTAMP);
  const ends = await listOffsets(client, topic, partitions, LATEST_TIMESTAMP);
  const committed = await fetchCommittedOffsets(client, groupId, [{ topic, partitions }]);
  const source: OffsetResetSource = {
    bounds: (tp) => ({ logStartOffset: starts.get(tp.partition)?.offset ?? 0, logEndOffset: ends.get(tp.partition)?.offset ?? 0 }),
    async offsetForTimestamp(tp, timestampMs) {
      const found = (await listOffsets(client, topic, [tp.partition], timestampMs)).get(tp.partition)?.offset ?? -1;
      return found < 0 ? null : found;
    },
  };
  const current = (tp: { topic: string; partition: number }): number => committed.find((c) => c.partition === tp.partition)?.offset ?? -1;
  const plan = await planOffsetReset(spec, partitions.map((partition) => ({ topic, partition })), current, source);
  return plan.map((p) => ({ ...p, current: current(p) }));
}

function printPlan(groupId: string, plan: ReadonlyArray<PlannedOffset & { current?: number }>, executed: boolean, format: Format): void {
  if (format === 'json') {
    out(JSON.stringify({ group: groupId, executed, partitions: plan.map((p) => ({ topic: p.topic, partition: p.partition, currentOffset: p.current ?? -1, newOffset: p.offset })) }, null, 2) + '\n');
    return;
  }
  out(formatTable([
    ['topic', 'partition', 'current', 'new'],
    ...plan.map((p) => [p.topic, String(p.partition), (p.current ?? -1) < 0 ? '-' : String(p.current), String(p.offset)]),
  ]));
  out(executed ? `reset ${plan.length} partition${plan.length === 1 ? '' : 's'} of group ${groupId}\n` : 'dry run: nothing changed; add --execute to apply\n');
}

function registerDelete(groups: Command): void {
  groups
    .command('delete')
    .description('delete an empty group and its committed offsets')
    .argument('<group>', 'group id')
    .addOption(bootstrapOption())
    .action(async (groupId: string, opts: BootstrapOpts) => {
      await withClient(opts.bootstrap, async (client) => {
        await deleteGroups(client, [groupId]);
        out(`deleted group ${groupId}\n`);
      });
    });
}
