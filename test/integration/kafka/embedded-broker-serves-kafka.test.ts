// startBroker() (the embedded broker) serves Kafka on a free port it reports in addresses.kafka;
// a port already taken fails the start with WHARF_ERR_KAFKA_LISTEN and releases the data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWharfError, startBroker } from '../../../src/index.js';
import { kcat } from '../../helpers/kafka-clients.js';

test('an embedded broker serves Kafka clients on the port it reports', { timeout: 30_000 }, async () => {
  const broker = await startBroker();
  try {
    const kafka = broker.addresses.kafka;
    assert.ok(kafka !== undefined && kafka.port > 0);
    await kcat(['-b', `${kafka.host}:${kafka.port}`, '-P', '-t', 'embedded', '-X', 'acks=all'], 'one\ntwo\n');
    const out = await kcat(['-b', `${kafka.host}:${kafka.port}`, '-C', '-t', 'embedded', '-o', 'beginning', '-e', '-q']);
    assert.deepEqual(out.trim().split('\n'), ['one', 'two']);
  } finally {
    await broker.stop();
  }
});

test('a Kafka port in use fails the start with WHARF_ERR_KAFKA_LISTEN and frees the data directory', { timeout: 30_000 }, async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const address = blocker.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const dir = mkdtempSync(join(tmpdir(), 'wharf-port-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(startBroker({ dataDir: dir, kafkaPort: port }), (err: unknown) => isWharfError(err, 'WHARF_ERR_KAFKA_LISTEN'));
  const again = await startBroker({ dataDir: dir });
  await again.stop();
});
