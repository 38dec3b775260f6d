// A partitioned queue declared in one command (`wharf queues declare orders --partitions 4`)
// against a spawned broker: 4 amqplib connections each consume all 4 partitions with a prefetch
// and late acks; 20,000 messages over 200 keys carry per-key sequence numbers; one consumer's
// socket is destroyed while it holds unacked deliveries.
//
// What is checked, with every consumer in this process so that all processing has one order:
//   1. every message is processed at least once;
//   2. per key, processing follows the sequence: each message processed is the next one of its
//      key (seq = last + 1), except a redelivery (redelivered=true) of a message the killed
//      consumer had been given, which restarts the key from that message. So no consumer ever
//      processes message m+1 of a key before m (unless m went to the killed consumer), and a
//      rewind only replays what the killed consumer may have left unfinished;
//   3. before the kill each consumer holds exactly one partition; after it the 3 survivors
//      together hold all 4 (messages of every partition reach a survivor).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { connectTo, startAmqpBrokerProcess } from '../../helpers/amqp-broker.js';
import { WHARF_BIN } from '../../helpers/broker-process.js';
import { run } from '../../helpers/kafka-clients.js';
import { waitFor } from '../../helpers/wait-for.js';

const PARTITIONS = 4;
const KEYS = 200;
const PER_KEY = 100;
const TOTAL = KEYS * PER_KEY;
const PREFETCH = 50;

interface Processed {
  consumer: number;
  partition: number;
  key: string;
  seq: number;
  redelivered: boolean;
  afterKill: boolean;
}

interface Client {
  readonly index: number;
  readonly conn: ChannelModel;
  readonly ch: Channel;
  /** Processed, ack not sent yet (acks go out in batches, so deliveries stay unacked for a while). */
  readonly pending: ConsumeMessage[];
  killed: boolean;
}

test('a partitioned queue keeps per-key order with 4 consumers while one is killed', { timeout: 240_000 }, async (t) => {
  const broker = await startAmqpBrokerProcess(t);
  const cli = await run(process.execPath, [WHARF_BIN, 'queues', 'declare', 'orders', '--partitions', String(PARTITIONS), '--url', broker.url], { timeoutMs: 60_000 });
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /declared partitioned queue orders/);

  const processed: Processed[] = [];
  let killedAt = -1;
  const clients: Client[] = [];
  for (let index = 0; index < 4; index++) {
    const conn = await connectTo(t, broker.url);
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    await ch.prefetch(PREFETCH);
    const client: Client = { index, conn, ch, pending: [], killed: false };
    clients.push(client);
    for (let p = 0; p < PARTITIONS; p++) {
      await ch.consume(`orders-${p}`, (m) => {
        if (m === null || client.killed) return;
        const [key, seq] = m.content.toString().split('/') as [string, string];
        processed.push({ consumer: index, partition: p, key, seq: Number(seq), redelivered: m.fields.redelivered, afterKill: killedAt >= 0 });
        client.pending.push(m);
      });
    }
  }
  const acker = setInterval(() => {
    for (const c of clients) {
      if (c.killed) continue;
      for (const m of c.pending.splice(0)) c.ch.ack(m);
    }
  }, 5);
  t.after(() => clearInterval(acker));

  const pub = await (await connectTo(t, broker.url)).createConfirmChannel();
  const publish = async (from: number, to: number): Promise<void> => {
    for (let start = from; start < to; start += 1000) {
      for (let i = start; i < Math.min(to, start + 1000); i++) {
        const key = `key-${i % KEYS}`;
        pub.publish('orders', key, Buffer.from(`${key}/${Math.floor(i / KEYS)}`));
      }
      await pub.waitForConfirms();
    }
  };
  await publish(0, TOTAL / 2);
  await waitFor(() => processed.length >= TOTAL / 4, 60_000, `a quarter processed (have ${processed.length})`);

  // The victim holds partition 1; kill it while it has deliveries it has not acked.
  const victim = clients.find((c) => processed.some((e) => e.consumer === c.index && e.partition === 1)) as Client;
  assert.ok(victim !== undefined, 'someone consumes partition 1');
  await waitFor(() => victim.pending.length > 0, 30_000, 'the victim to hold unacked deliveries');
  victim.killed = true;
  killedAt = processed.length;
  const victimSaw = new Set(processed.filter((e) => e.consumer === victim.index).map((e) => `${e.key}/${e.seq}`));
  const unackedAtKill = victim.pending.length;
  // destroy(err): amqplib hears 'error' and drops the connection (a bare destroy() only emits
  // 'close', which it does not listen to, and its heartbeat timer would keep the process alive).
  (victim.conn.connection as unknown as { stream: Socket }).stream.destroy(new Error('consumer killed by the test'));

  await publish(TOTAL / 2, TOTAL);
  const distinct = (): number => new Set(processed.map((e) => `${e.key}/${e.seq}`)).size;
  await waitFor(() => distinct() === TOTAL, 120_000, `all ${TOTAL} messages processed (have ${distinct()})`);

  // 1. Everything processed at least once (checked by the wait); nothing invented.
  assert.ok(processed.every((e) => e.seq >= 0 && e.seq < PER_KEY));

  // 2. Per-key order over the one processing timeline.
  const next = new Map<string, number>();
  let rewinds = 0;
  for (const [i, e] of processed.entries()) {
    const expected = next.get(e.key) ?? 0;
    if (e.seq === expected) {
      next.set(e.key, expected + 1);
      continue;
    }
    const replay = e.redelivered && e.seq < expected && victimSaw.has(`${e.key}/${e.seq}`) && i >= killedAt;
    assert.ok(replay, `event #${i}: consumer ${e.consumer} processed ${e.key}/${e.seq} (redelivered=${e.redelivered}) when ${e.key}/${expected} was next`);
    rewinds++;
    next.set(e.key, e.seq + 1);
  }
  for (let k = 0; k < KEYS; k++) assert.equal(next.get(`key-${k}`), PER_KEY, `key-${k} reached its last message`);

  // 3. One partition per consumer before the kill; the survivors hold all four after it.
  const before = processed.slice(0, killedAt);
  for (let p = 0; p < PARTITIONS; p++) {
    const holders = new Set(before.filter((e) => e.partition === p).map((e) => e.consumer));
    assert.equal(holders.size, 1, `partition ${p} had one consumer before the kill: ${[...holders].join(',')}`);
  }
  assert.equal(new Set(before.map((e) => e.consumer)).size, 4, 'each of the 4 consumers had a partition');
  const after = processed.slice(killedAt);
  assert.ok(after.every((e) => e.consumer !== victim.index), 'nothing processed by the killed consumer after the kill');
  assert.deepEqual(new Set(after.map((e) => e.partition)), new Set([0, 1, 2, 3]), 'the survivors consume all four partitions');
  const partition1 = new Set(after.filter((e) => e.partition === 1).map((e) => e.consumer));
  assert.equal(partition1.size, 1, 'partition 1 moved to one survivor');
  assert.ok(after.some((e) => e.redelivered && e.partition === 1), `the victim's ${unackedAtKill} unacked deliveries were redelivered`);
  assert.ok(rewinds > 0, 'at least one key replayed from the victim\'s unacked deliveries');

  // Nothing left behind: every partition is empty once the survivors' acks are in.
  await waitFor(() => clients.every((c) => c.killed || c.pending.length === 0), 10_000, 'acks flushed');
  const check = await (await connectTo(t, broker.url)).createChannel();
  for (let p = 0; p < PARTITIONS; p++) {
    const q = await check.checkQueue(`orders-${p}`);
    assert.equal(q.messageCount, 0, `orders-${p} drained`);
    assert.equal(q.consumerCount, 3, `orders-${p} has the 3 survivors subscribed`);
  }
});

/** Which partition each key's message landed in, read back with basic.get. */
async function partitionOfKeys(ch: Channel, name: string, keys: readonly string[]): Promise<Map<string, number>> {
  for (const key of keys) ch.publish(name, key, Buffer.from(key));
  const where = new Map<string, number>();
  await waitFor(async () => {
    for (let p = 0; p < PARTITIONS; p++) {
      for (let m = await ch.get(`${name}-${p}`, { noAck: true }); m !== false; m = await ch.get(`${name}-${p}`, { noAck: true })) where.set(m.content.toString(), p);
    }
    return where.size === keys.length;
  }, 10_000, `all ${keys.length} keys routed`);
  return where;
}

test('exchange.declare with x-partitions builds the same partitioned queue as the CLI; keys keep their partition across a restart', { timeout: 120_000 }, async (t) => {
  const first = await startAmqpBrokerProcess(t);
  const wharf = (args: string[]): ReturnType<typeof run> => run(process.execPath, [WHARF_BIN, 'queues', 'declare', ...args, '--url', first.url], { timeoutMs: 60_000 });
  // Usage errors are the CLI's own, before anything is sent.
  for (const args of [['bad', '--partitions', '0'], ['bad', '--partitions', 'two'], ['bad', '--partitions', '2', '--arg', 'x-max-length=5']]) {
    const r = await wharf(args);
    assert.equal(r.code, 1, `wharf queues declare ${args.join(' ')}: ${r.stdout}`);
  }
  const conn = await connectTo(t, first.url);
  const ch = await conn.createChannel();
  // A client without the CLI: one exchange.declare.
  await ch.assertExchange('events', 'x-consistent-hash', { durable: true, arguments: { 'x-partitions': PARTITIONS } });
  for (let p = 0; p < PARTITIONS; p++) {
    // The partitions exist with the arguments the CLI would give them (a redeclare with them is accepted).
    await ch.assertQueue(`events-${p}`, { durable: true, arguments: { 'x-single-active-consumer': true, 'x-partition-of': 'events', 'x-partition-index': p } });
  }
  // The CLI over the same name changes nothing and succeeds; so does a second run.
  for (let i = 0; i < 2; i++) {
    const r = await wharf(['events', '--partitions', String(PARTITIONS)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const keys = Array.from({ length: 400 }, (_, i) => `customer-${i}`);
  const before = await partitionOfKeys(ch, 'events', keys);
  assert.equal(new Set(before.values()).size, PARTITIONS, 'keys spread over every partition');

  first.process.proc.kill('SIGKILL');
  await first.process.exited;
  const second = await startAmqpBrokerProcess(t, [], { dataDir: first.process.dataDir });
  const ch2 = await (await connectTo(t, second.url)).createChannel();
  const after = await partitionOfKeys(ch2, 'events', keys);
  assert.deepEqual(after, before, 'every key lands in the partition it did before the restart');
});
