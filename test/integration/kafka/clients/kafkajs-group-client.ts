// kafkajs 2.2.4 as one member of a consumer group, run as its own process by the group tests (so
// a test can SIGKILL it). kafkajs sends JoinGroup v5 (MEMBER_ID_REQUIRED first), SyncGroup,
// Heartbeat and LeaveGroup v3, OffsetCommit v5, OffsetFetch v4, and only ever offers the
// RoundRobinAssigner (protocol-matrix §2.2).
//
// Usage: node kafkajs-group-client.js BOOTSTRAP GROUP TOPIC [session_ms=N] [delay_ms=N] [client_id=ID]
//
// Subscribes from the beginning with autoCommit off and commits each record's offset before
// reporting it, so a reported record is a committed one (after a refused commit the partition's
// later records are skipped until the next assignment). Prints the same JSON lines as
// confluent_kafka_group.py: assigned (GROUP_JOIN, with the whole assignment), revoked (when a
// rebalance starts, eager: everything), record, uncommitted, error (CRASH), closed. "stop" on stdin
// (or stdin closing) disconnects (LeaveGroup) and exits 0.
import { createInterface } from 'node:readline';
import { kafkajs } from '../../../helpers/kafka-kafkajs.js';

function out(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function main(): Promise<void> {
  const [bootstrap, groupId, topic, ...rest] = process.argv.slice(2);
  if (bootstrap === undefined || groupId === undefined || topic === undefined) throw new Error('usage: BOOTSTRAP GROUP TOPIC [KEY=VALUE...]');
  const opts = new Map(rest.map((o) => o.split('=', 2) as [string, string]));
  const sessionTimeout = Number(opts.get('session_ms') ?? 6000);
  const delayMs = Number(opts.get('delay_ms') ?? 0);
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], clientId: opts.get('client_id') ?? 'wharf-it-kafkajs', logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 5 } });
  // Fetches wait at most 500 ms (kafkajs: 5 s): a heartbeat queued behind a fetch on the same
  // connection waits for it (answers go in order, protocol-matrix G9), so rebalances show sooner.
  const consumer = kafka.consumer({
    groupId, sessionTimeout, heartbeatInterval: Math.max(100, Math.floor(sessionTimeout / 6)), rebalanceTimeout: Math.max(sessionTimeout, 10_000), maxWaitTimeInMs: 500,
  });
  const blocked = new Set<number>();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    blocked.clear();
    const assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    out({ event: 'assigned', partitions: assignment, assignment, incremental: false, protocol: e.payload.groupProtocol });
  });
  consumer.on(consumer.events.REBALANCING, () => out({ event: 'revoked', partitions: [], assignment: [], incremental: false }));
  consumer.on(consumer.events.CRASH, (e) => {
    const error = e.payload.error as Error & { type?: string };
    out({ event: 'error', name: error.type ?? error.name, fatal: !e.payload.restart, message: error.message });
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (blocked.has(partition)) {
        out({ event: 'uncommitted', partition, offset: Number(message.offset), error: 'skipped' });
        return;
      }
      try {
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      } catch (err) {
        const error = err as Error & { type?: string };
        out({ event: 'uncommitted', partition, offset: Number(message.offset), error: error.type ?? error.name });
        blocked.add(partition);
        return;
      }
      out({ event: 'record', partition, offset: Number(message.offset), value: message.value?.toString() ?? null });
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    },
  });
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line.trim() === 'stop') resolve();
    });
    lines.on('close', () => resolve());
  });
  await consumer.disconnect();
  out({ event: 'closed' });
  process.exit(0);
}

main().catch((err: unknown) => {
  out({ event: 'error', name: 'startup', fatal: true, message: err instanceof Error ? err.message : String(err) });
  process.exit(2);
});
