// The Kafka side of /api against real Kafka clients: topics created, altered and deleted over
// HTTP are seen by kafkajs; records produced by kcat and kafkajs are shown by the message browser
// (keys, headers, binary values, truncation); a kafkajs consumer group shows its member, its
// assignment and its lag, and offset resets and deletes behave as kafka-consumer-groups'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kcat } from '../../helpers/kafka-clients.js';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { spawnMgmtBroker } from './mgmt-test-broker.js';

interface BrowsedMessage {
  offset: number;
  timestamp: number;
  key: string | null;
  key_encoding: string | null;
  value: string | null;
  value_encoding: string | null;
  value_bytes: number;
  truncated: boolean;
  headers: Record<string, unknown>;
}

interface Browse {
  partition: number;
  from_offset: number;
  next_offset: number;
  high_watermark: number;
  messages: BrowsedMessage[];
}

test('topics: create, list, browse kcat and kafkajs records, produce, alter configs, delete', { timeout: 60_000 }, async (t) => {
  const b = await spawnMgmtBroker(t);
  const kafka = kafkajsClient(b.kafkaBootstrap);
  const admin = kafka.admin();
  await admin.connect();
  t.after(() => admin.disconnect());

  const created = await b.api('PUT', '/api/topics/orders', { partitions: 2, configs: { 'retention.ms': '3600000' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const meta = await admin.fetchTopicMetadata({ topics: ['orders'] });
  assert.equal(meta.topics[0]?.partitions.length, 2, 'kafkajs sees the topic created over HTTP');

  await kcat(['-b', b.kafkaBootstrap, '-P', '-t', 'orders', '-p', '0', '-K', ':', '-H', 'trace=t-1', '-X', 'acks=all'], 'k1:first\nk2:second\n');
  const producer = kafka.producer();
  await producer.connect();
  t.after(() => producer.disconnect());
  const binary = Buffer.from([0xff, 0x00, 0xfe, 0x01]);
  await producer.send({ topic: 'orders', acks: -1, messages: [{ partition: 1, value: binary }, { partition: 1, key: 'big', value: 'x'.repeat(10_000) }] });

  const listed = await b.api('GET', '/api/topics');
  const orders = (listed.body as Record<string, unknown>[]).find((x) => x.name === 'orders');
  assert.deepEqual([orders?.partitions, orders?.messages, orders?.internal, orders?.configs], [2, 4, false, { 'retention.ms': '3600000' }]);
  assert.ok((orders?.size_bytes as number) > 10_000);

  const detail = (await b.api('GET', '/api/topics/orders')).body as { topic_id: string; partitions: Record<string, number>[]; configs: Record<string, string> };
  assert.match(detail.topic_id, /^[0-9a-f]{32}$/);
  assert.deepEqual(detail.partitions.map((p) => [p.partition, p.log_start_offset, p.high_watermark]), [[0, 0, 2], [1, 0, 2]]);
  assert.equal(detail.configs['retention.ms'], '3600000');
  assert.ok(detail.configs['cleanup.policy'] !== undefined, 'detail shows every effective config');

  const p0 = (await b.api('GET', '/api/topics/orders/partitions/0/messages?offset=0')).body as Browse;
  assert.deepEqual(p0.messages.map((m) => [m.offset, m.key, m.value, m.headers.trace]), [[0, 'k1', 'first', 't-1'], [1, 'k2', 'second', 't-1']]);
  assert.deepEqual([p0.next_offset, p0.high_watermark], [2, 2]);
  const one = (await b.api('GET', '/api/topics/orders/partitions/0/messages?offset=0&limit=1')).body as Browse;
  assert.deepEqual([one.messages.length, one.next_offset], [1, 1]);
  const tail = (await b.api('GET', '/api/topics/orders/partitions/0/messages?limit=1')).body as Browse;
  assert.deepEqual(tail.messages.map((m) => m.value), ['second'], 'without offset: the last `limit` records');
  const future = (await b.api('GET', `/api/topics/orders/partitions/0/messages?timestamp=${Date.now() + 3_600_000}`)).body as Browse;
  assert.deepEqual([future.messages.length, future.from_offset], [0, 2]);
  const byTime = (await b.api('GET', `/api/topics/orders/partitions/0/messages?timestamp=${p0.messages[1]?.timestamp ?? 0}`)).body as Browse;
  assert.ok(byTime.from_offset <= 1 && byTime.messages.some((m) => m.value === 'second'));

  const p1 = (await b.api('GET', '/api/topics/orders/partitions/1/messages?offset=0&preview_bytes=100')).body as Browse;
  assert.deepEqual([p1.messages[0]?.value, p1.messages[0]?.value_encoding, p1.messages[0]?.key], [binary.toString('base64'), 'base64', null]);
  assert.deepEqual([p1.messages[1]?.value, p1.messages[1]?.value_bytes, p1.messages[1]?.truncated], ['x'.repeat(100), 10_000, true]);

  const produced = await b.api('POST', '/api/topics/orders/messages', { key: 'from-http', value: 'hello kcat', headers: { h: 'v' }, partition: 1 });
  assert.deepEqual([produced.status, produced.body], [200, { partition: 1, offset: 2 }]);
  const consumed = await kcat(['-b', b.kafkaBootstrap, '-C', '-t', 'orders', '-p', '1', '-o', '2', '-c', '1', '-e', '-q', '-f', '%k=%s %h\n']);
  assert.equal(consumed.trim(), 'from-http=hello kcat h=v');

  const altered = await b.api('PUT', '/api/topics/orders/configs', { configs: { 'retention.ms': null, 'max.message.bytes': '2000000' } });
  assert.equal(altered.status, 204, JSON.stringify(altered.body));
  const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'orders', configNames: ['retention.ms', 'max.message.bytes'] }] });
  const entries = Object.fromEntries(described.resources[0]?.configEntries.map((e) => [e.configName, [e.configValue, e.isDefault]]) ?? []);
  assert.deepEqual(entries['max.message.bytes'], ['2000000', false]);
  assert.equal(entries['retention.ms']?.[1], true, 'null puts retention.ms back to the default');

  assert.equal((await b.api('PUT', '/api/topics/orders/partitions', { partitions: 3 })).status, 204);
  assert.equal((await admin.fetchTopicMetadata({ topics: ['orders'] })).topics[0]?.partitions.length, 3);

  assert.equal((await b.api('DELETE', '/api/topics/orders')).status, 204);
  assert.ok(!(await admin.listTopics()).includes('orders'));
  assert.equal((await b.api('GET', '/api/topics/orders')).status, 404);
});

test('groups: a kafkajs group shows members, assignments and lag; reset-offsets and delete', { timeout: 60_000 }, async (t) => {
  const b = await spawnMgmtBroker(t);
  const kafka = kafkajsClient(b.kafkaBootstrap);
  assert.equal((await b.api('PUT', '/api/topics/events', { partitions: 1 })).status, 201);
  await kcat(['-b', b.kafkaBootstrap, '-P', '-t', 'events', '-p', '0', '-X', 'acks=all'], 'a\nb\nc\nd\n');

  const consumer = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 100 });
  await consumer.connect();
  let running = true;
  t.after(async () => { if (running) await consumer.disconnect(); });
  await consumer.subscribe({ topic: 'events', fromBeginning: true });
  let seen = 0;
  await consumer.run({ autoCommit: false, eachMessage: async () => { seen++; } });
  await waitFor(() => seen === 4, 20_000, 'the group to read the 4 records');
  await consumer.commitOffsets([{ topic: 'events', partition: 0, offset: '1' }]);

  const live = await waitFor(async () => {
    const d = (await b.api('GET', '/api/groups/billing')).body as Record<string, unknown>;
    return d.state === 'Stable' ? d : undefined;
  }, 10_000, 'the group to be Stable');
  const members = live.members as { client_id: string; assignments: { topic: string; partitions: number[] }[] }[];
  assert.equal(members.length, 1);
  assert.equal(members[0]?.client_id, 'wharf-it');
  assert.deepEqual(members[0]?.assignments, [{ topic: 'events', partitions: [0] }]);
  assert.deepEqual(live.partitions, [{ topic: 'events', partition: 0, committed_offset: 1, high_watermark: 4, lag: 3 }]);
  const listed = ((await b.api('GET', '/api/groups')).body as Record<string, unknown>[]).find((g) => g.group_id === 'billing');
  assert.deepEqual([listed?.state, listed?.protocol_type, listed?.members, listed?.lag], ['Stable', 'consumer', 1, 3]);

  const busy = await b.api('POST', '/api/groups/billing/reset-offsets', { topic: 'events', to: 'earliest' });
  assert.equal(busy.status, 409, 'a group with members is not reset');
  assert.equal((await b.api('DELETE', '/api/groups/billing')).status, 409);

  await consumer.disconnect();
  running = false;
  await waitFor(async () => ((await b.api('GET', '/api/groups/billing')).body as { members: unknown[] }).members.length === 0, 10_000, 'the member to leave');
  const lag = async (): Promise<unknown> => ((await b.api('GET', '/api/groups/billing')).body as { partitions: { lag: number }[] }).partitions[0]?.lag;

  const toEarliest = await b.api('POST', '/api/groups/billing/reset-offsets', { topic: 'events', to: 'earliest' });
  assert.equal(toEarliest.status, 200, JSON.stringify(toEarliest.body));
  assert.deepEqual((toEarliest.body as { partitions: unknown[] }).partitions, [{ topic: 'events', partition: 0, previous_offset: 1, offset: 0 }]);
  assert.equal(await lag(), 4);
  await b.api('POST', '/api/groups/billing/reset-offsets', { topic: 'events', to: { offset: 3 } });
  assert.equal(await lag(), 1);
  await b.api('POST', '/api/groups/billing/reset-offsets', { topic: 'events', to: 'latest' });
  assert.equal(await lag(), 0);

  // A new member of the group starts where the reset put it: offset 2 gives exactly c and d.
  await b.api('POST', '/api/groups/billing/reset-offsets', { topic: 'events', to: { offset: 2 } });
  const again = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 100 });
  await again.connect();
  const values: string[] = [];
  await again.subscribe({ topic: 'events' });
  await again.run({ eachMessage: async ({ message }) => { values.push(String(message.value)); } });
  await waitFor(() => values.length === 2, 20_000, 'the restarted group to read from offset 2');
  await again.disconnect();
  assert.deepEqual(values, ['c', 'd']);

  await waitFor(async () => ((await b.api('GET', '/api/groups/billing')).body as { members: unknown[] }).members.length === 0, 10_000, 'the member to leave');
  assert.equal((await b.api('DELETE', '/api/groups/billing')).status, 204);
  assert.equal((await b.api('GET', '/api/groups/billing')).status, 404);
  assert.equal((await b.api('DELETE', '/api/groups/billing')).status, 404);
});
