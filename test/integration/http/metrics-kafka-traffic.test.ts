// /metrics after real Kafka traffic (docs/metrics.md): kafkajs produces and consumes in a group
// that commits only part of what it read, and the HTTP gateway produces and reads. The traffic
// counters must match what was sent exactly (bytes are RecordBatch bytes as stored, so they equal
// the partition's segment size on a fresh topic), the group lag must be what the group left
// uncommitted, and the request and fsync histograms must have seen the requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkajsClient } from '../../helpers/kafka-kafkajs.js';
import { waitFor } from '../../helpers/wait-for.js';
import { getJson, postJson, withHttpBroker } from './http-test-broker.js';
import { scrapeMetrics, type Scrape } from './metrics-scrape.js';

const part = (topic: string, partition: number): Record<string, string> => ({ topic, partition: String(partition) });

test('kafkajs traffic: records and bytes in and out per partition, group lag, request and fsync histograms', { timeout: 60_000 }, async (t) => {
  const b = await withHttpBroker(t);
  const kafka = kafkajsClient(b.kafkaBootstrap);
  const admin = kafka.admin();
  await admin.connect();
  b.beforeStop(() => admin.disconnect());
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }] });
  const producer = kafka.producer();
  await producer.connect();
  b.beforeStop(() => producer.disconnect());
  // kafkajs sends one RecordBatch per partition per send: 3 batches, 6 records.
  await producer.send({ topic: 'orders', acks: -1, messages: [
    { value: 'a', partition: 0 }, { value: 'bb', partition: 0 }, { value: 'ccc', partition: 0 },
    { key: 'k', value: 'd', partition: 1 }, { value: 'e', partition: 1 },
  ] });
  await producer.send({ topic: 'orders', acks: -1, messages: [{ value: 'f'.repeat(300), partition: 0 }] });

  const consumer = kafka.consumer({ groupId: 'lagging', maxWaitTimeInMs: 100 });
  await consumer.connect();
  b.beforeStop(() => consumer.disconnect());
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  let consumed = 0;
  await consumer.run({ autoCommit: false, eachMessage: async () => { consumed++; } });
  await waitFor(() => consumed === 6, 20_000, 'the consumer to read all 6 records');
  // Partition 0 committed up to offset 1 of 4 (lag 3), partition 1 fully (lag 0).
  await consumer.commitOffsets([{ topic: 'orders', partition: 0, offset: '1' }, { topic: 'orders', partition: 1, offset: '2' }]);
  await consumer.disconnect();

  const m = await scrapeMetrics(b.base);
  assert.equal(m.value('wharf_topic_partition_records_in_total', part('orders', 0)), 4, m.text);
  assert.equal(m.value('wharf_topic_partition_records_in_total', part('orders', 1)), 2);
  for (const p of [0, 1]) {
    const size = m.value('wharf_topic_partition_size_bytes', part('orders', p));
    assert.ok(size !== undefined && size > 0);
    assert.equal(m.value('wharf_topic_partition_bytes_in_total', part('orders', p)), size, `bytes in of partition ${p} are the batches as stored`);
    // The consumer fetched each batch once: every record and byte went out exactly once.
    assert.equal(m.value('wharf_topic_partition_bytes_out_total', part('orders', p)), size, `bytes out of partition ${p}`);
  }
  assert.equal(m.value('wharf_topic_partition_records_out_total', part('orders', 0)), 4);
  assert.equal(m.value('wharf_topic_partition_records_out_total', part('orders', 1)), 2);

  assert.equal(m.value('wharf_consumer_group_lag', { group: 'lagging', topic: 'orders', partition: '0' }), 3);
  assert.equal(m.value('wharf_consumer_group_lag', { group: 'lagging', topic: 'orders', partition: '1' }), 0);
  assert.equal(m.value('wharf_consumer_group_lag_sum', { group: 'lagging' }), 3);

  for (const api of ['ApiVersions', 'Metadata', 'CreateTopics', 'Produce', 'FindCoordinator', 'JoinGroup', 'SyncGroup', 'Fetch', 'OffsetCommit']) {
    assertHistogram(m, 'wharf_kafka_request_duration_seconds', { api }, api === 'Produce' ? 2 : 1);
  }
  assert.equal(m.value('wharf_kafka_request_duration_seconds_count', { api: 'Produce' }), 2, 'one observation per Produce request');
  // flushPolicy=always: every acknowledged append waited for an fdatasync.
  assertHistogram(m, 'wharf_log_fsync_duration_seconds', {}, 1);
  assert.ok(!m.text.includes('__consumer_offsets'), 'the offsets log is not a topic');
});

test('the HTTP gateway counts its produce and reads like Kafka clients', { timeout: 30_000 }, async (t) => {
  const b = await withHttpBroker(t);
  const produced = await postJson(`${b.base}/v1/topics/web/records`, { records: [{ value: 'one', partition: 0 }, { value: 'two', partition: 0 }, { value: 'three', partition: 0 }] });
  assert.equal(produced.status, 200, JSON.stringify(produced.body));
  const read = await getJson(`${b.base}/v1/topics/web/partitions/0/records?offset=0`);
  assert.equal((read.body as { records: unknown[] }).records.length, 3);
  const m = await scrapeMetrics(b.base);
  const size = m.value('wharf_topic_partition_size_bytes', part('web', 0));
  assert.equal(m.value('wharf_topic_partition_records_in_total', part('web', 0)), 3, m.text);
  assert.equal(m.value('wharf_topic_partition_bytes_in_total', part('web', 0)), size);
  assert.equal(m.value('wharf_topic_partition_records_out_total', part('web', 0)), 3);
  assert.equal(m.value('wharf_topic_partition_bytes_out_total', part('web', 0)), size);
});

/** The histogram's series exist with at least `countMin` observations, and its buckets are cumulative up to +Inf = count. */
function assertHistogram(m: Scrape, name: string, labels: Record<string, string>, countMin: number): void {
  const count = m.value(`${name}_count`, labels);
  assert.ok(count !== undefined && count >= countMin, `${name}${JSON.stringify(labels)} count ${count} < ${countMin}\n${m.text}`);
  assert.equal(m.value(`${name}_bucket`, { le: '+Inf', ...labels }), count);
  const sum = m.value(`${name}_sum`, labels);
  assert.ok(sum !== undefined && sum >= 0);
  let previous = 0;
  for (const [key, value] of m.samples) {
    if (!key.startsWith(`${name}_bucket{`) || !Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) continue;
    assert.ok(value >= previous, `${key} is cumulative`);
    previous = value;
  }
}
