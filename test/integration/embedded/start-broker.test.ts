import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, isWharfError } from '../../../src/index.js';

test('startBroker runs in-process on a temporary data dir and removes it on stop', async () => {
  const broker = await startBroker();
  assert.ok(existsSync(join(broker.dataDir, 'wharf.lock')));
  assert.ok(broker.dataDir.startsWith(tmpdir()));
  await broker.stop();
  assert.ok(!existsSync(broker.dataDir));
});

test('a given data dir is kept, locked while running and reusable after stop', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-embed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await startBroker({ dataDir: dir });
  await assert.rejects(startBroker({ dataDir: dir }), (err: unknown) => isWharfError(err, 'WHARF_ERR_DATA_DIR_LOCKED'));
  await first.stop();
  assert.ok(existsSync(dir));
  const second = await startBroker({ dataDir: dir });
  await second.stop();
});

test('invalid options are rejected with the config error', async () => {
  await assert.rejects(startBroker({ flushPolicy: 'sometimes' }), (err: unknown) => isWharfError(err, 'WHARF_ERR_CONFIG_INVALID'));
});
