// `wharf consume TOPIC --group G`: reads as one member of a Kafka consumer group (GroupMember:
// JoinGroup, SyncGroup, Heartbeat, LeaveGroup, with the range assignor). Each partition the group
// assigns starts at the group's committed offset, or where --from says when it has none (Kafka's
// auto.offset.reset). What has been printed is committed every second, before rejoining and on
// exit, so the next reader of a partition starts after the last record printed; a crash between
// printing and committing prints up to a second of records again (at least once).
import { fetchCommittedOffsets, type OffsetToCommit } from '../client/group-admin.js';
import { GroupMember } from '../client/group-member.js';
import type { KafkaClient } from '../client/kafka-client.js';
import { fetchTopic } from '../client/metadata.js';
import { TopicFetcher } from '../client/topic-fetcher.js';
import type { RecordFormat } from './record-format.js';
import { RecordOutput, showProgressFor } from './record-output.js';
import { startOffsets, type StartPosition } from './start-position.js';

/** Kafka consumers default to 45 s; shorter here so a stopped `wharf consume` frees its partitions sooner. */
const SESSION_TIMEOUT_MS = 10_000;
/** A third of the session, as Kafka's heartbeat.interval.ms; sent between fetches. */
const HEARTBEAT_INTERVAL_MS = 3_000;
const COMMIT_INTERVAL_MS = 1_000;
/** Fetches wait at most this long, so heartbeats go out on time. */
const FETCH_MAX_WAIT_MS = 500;
const IDLE_POLL_MS = 200;

export interface ConsumeGroupOpts {
  readonly count?: number;
  readonly format: RecordFormat;
  readonly exitAtEnd?: boolean;
  readonly progress?: boolean;
}

export async function consumeInGroup(client: KafkaClient, topic: string, group: string, from: StartPosition, opts: ConsumeGroupOpts): Promise<void> {
  await fetchTopic(client, topic);
  const member = new GroupMember(client, group, topic, { sessionTimeoutMs: SESSION_TIMEOUT_MS });
  const output = new RecordOutput(topic, opts.format, opts.count, showProgressFor(opts.progress));
  try {
    for (let rejoin = true; rejoin && !output.stop.stopped;) {
      const partitions = await member.join();
      process.stderr.write(`group ${group} generation ${member.generationId}: reading ${partitions.length === 0 ? 'no partitions' : `partition${partitions.length === 1 ? '' : 's'} ${partitions.join(', ')}`} of ${topic}\n`);
      rejoin = await readGeneration(client, member, partitions, from, output, opts.exitAtEnd === true);
    }
  } finally {
    output.dispose();
    await member.leave();
  }
}

/** Reads this generation's partitions until the command stops (false) or the group rebalances (true). */
async function readGeneration(
  client: KafkaClient, member: GroupMember, partitions: readonly number[], from: StartPosition, output: RecordOutput, exitAtEnd: boolean,
): Promise<boolean> {
  const topic = member.topic;
  const committed = new Map<number, number>();
  if (partitions.length > 0) {
    for (const c of await fetchCommittedOffsets(client, member.groupId, [{ topic, partitions }])) if (c.offset >= 0) committed.set(c.partition, c.offset);
  }
  const missing = partitions.filter((p) => !committed.has(p));
  const fallback = missing.length > 0 ? await startOffsets(client, topic, missing, from) : new Map<number, number>();
  const printedUpTo = new Map(partitions.map((p) => [p, committed.get(p) ?? fallback.get(p) ?? 0]));
  const fetcher = partitions.length > 0 ? new TopicFetcher(client, topic, printedUpTo, { maxWaitMs: FETCH_MAX_WAIT_MS }) : null;
  const commitPrinted = async (): Promise<boolean> => {
    const changed: OffsetToCommit[] = [...printedUpTo].filter(([p, offset]) => committed.get(p) !== offset).map(([partition, offset]) => ({ topic, partition, offset }));
    if (!(await member.commit(changed))) return false;
    for (const c of changed) committed.set(c.partition, c.offset);
    return true;
  };
  let commitAt = Date.now() + COMMIT_INTERVAL_MS;
  let heartbeatAt = Date.now() + HEARTBEAT_INTERVAL_MS;
  for (;;) {
    if (output.stop.stopped) {
      await commitPrinted();
      return false;
    }
    if (fetcher === null) {
      if (exitAtEnd) output.stop.stop();
      else await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    } else {
      const { records, highWatermarks } = await fetcher.fetch();
      const printed = await output.print(records);
      for (const r of records.slice(0, printed)) printedUpTo.set(r.partition, r.offset + 1);
      if (exitAtEnd && [...fetcher.nextOffsets].every(([p, next]) => next >= (highWatermarks.get(p) ?? 0))) output.stop.stop();
    }
    const now = Date.now();
    if (now >= commitAt && !output.stop.stopped) {
      commitAt = now + COMMIT_INTERVAL_MS;
      if (!(await commitPrinted())) return true;
    }
    if (now >= heartbeatAt && !output.stop.stopped) {
      heartbeatAt = now + HEARTBEAT_INTERVAL_MS;
      if ((await member.heartbeat()) === 'rejoin') {
        // Commits still count while the group prepares the rebalance (Kafka accepts them).
        await commitPrinted();
        return true;
      }
    }
  }
}
