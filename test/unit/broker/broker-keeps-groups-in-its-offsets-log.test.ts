// Broker.open wires the group coordinator to its own offsets log (`__consumer_offsets-0`, opened
// with no retention and fsync on every commit), tells it which partitions exist, closes it before
// the logs, and refuses a data directory where a topic would own that log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../../../src/broker/broker.js';
import { OFFSETS_LOG_NAME } from '../../../src/broker/groups/index.js';
import { FileMetadataStore } from '../../../src/cluster/metadata-store.js';
import { defaultConfig } from '../../../src/config/config-keys.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

async function openBroker(dataDir: string): Promise<Broker> {
  return Broker.open({ ...defaultConfig(), dataDir, retentionMs: 1000, logger: silentLogger() });
}

test('committed offsets live in the offsets log and come back when the broker reopens', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-broker-groups-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const broker = await openBroker(dataDir);
  await broker.topics.create('orders', 2);
  const log = broker.logs.get(OFFSETS_LOG_NAME);
  assert.ok(log !== undefined, 'the offsets log is opened (created) with the broker');
  assert.equal(log.config.retentionMs, -1, 'never deleted by retention, whatever the broker default');
  assert.equal(log.config.flushPolicy.kind, 'always');
  const committed = await broker.groups.commitOffsets({
    groupId: 'g', generationId: -1, memberId: '', groupInstanceId: null,
    offsets: [{ topic: 'orders', partition: 1, offset: 5, leaderEpoch: -1, metadata: null }, { topic: 'orders', partition: 2, offset: 5, leaderEpoch: -1, metadata: null }],
  });
  assert.deepEqual(committed.partitions.map((p) => p.error), ['NONE', 'UNKNOWN_TOPIC_OR_PARTITION'], 'partitionExists comes from the topics');
  await broker.close();
  assert.equal((await broker.groups.heartbeat({ groupId: 'g', generationId: 0, memberId: 'm', groupInstanceId: null })).error, 'COORDINATOR_NOT_AVAILABLE', 'closed with the broker');

  const reopened = await openBroker(dataDir);
  try {
    assert.deepEqual(reopened.groups.fetchOffsets('g', null).partitions.map((p) => [p.topic, p.partition, p.offset]), [['orders', 1, 5]]);
    assert.deepEqual(reopened.topics.list().map((x) => x.name), ['orders'], 'the offsets log is not a topic');
  } finally {
    await reopened.close();
  }
});

test('a data directory that defines a topic named __consumer_offsets is refused at open', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wharf-broker-groups-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const broker = await openBroker(dataDir);
  await broker.close();
  await new FileMetadataStore(broker.paths.meta).write('topics', {
    version: 1, topics: [{ name: '__consumer_offsets', topicId: '00'.repeat(16), partitions: 1, configs: {}, createdMs: 0 }],
  });
  await assert.rejects(openBroker(dataDir), (err) => isWharfError(err, 'WHARF_ERR_INVALID_TOPIC') && /committed-offsets log/.test((err as Error).message));
  // The lock was released: a fixed directory opens.
  await new FileMetadataStore(broker.paths.meta).write('topics', { version: 1, topics: [] });
  await (await openBroker(dataDir)).close();
});
