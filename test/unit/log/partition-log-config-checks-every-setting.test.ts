import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_PARTITION_LOG_CONFIG,
  formatFlushPolicy,
  parseFlushPolicy,
  resolvePartitionLogConfig,
} from '../../../src/log/partition-log-config.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

const configError = (err: unknown): boolean => isWharfError(err, 'WHARF_ERR_LOG_CONFIG');

test('flush policies parse from always, never and interval:MS, and format back', () => {
  assert.deepEqual(parseFlushPolicy('always'), { kind: 'always' });
  assert.deepEqual(parseFlushPolicy('never'), { kind: 'never' });
  assert.deepEqual(parseFlushPolicy('interval:250'), { kind: 'interval', intervalMs: 250 });
  for (const text of ['interval:250', 'always', 'never']) assert.equal(formatFlushPolicy(parseFlushPolicy(text)), text);
  for (const bad of ['', 'Always', 'interval', 'interval:', 'interval:0', 'interval:-5', 'interval:1.5', 'sometimes']) {
    assert.throws(() => parseFlushPolicy(bad), configError, bad);
  }
});

test('defaults follow Kafka: 1 GiB segments, 7 days, 4 KiB index interval, fsync always', () => {
  assert.equal(DEFAULT_PARTITION_LOG_CONFIG.segmentBytesMax, 1024 ** 3);
  assert.equal(DEFAULT_PARTITION_LOG_CONFIG.segmentMs, 7 * 24 * 3600 * 1000);
  assert.equal(DEFAULT_PARTITION_LOG_CONFIG.retentionMs, 7 * 24 * 3600 * 1000);
  assert.equal(DEFAULT_PARTITION_LOG_CONFIG.retentionBytes, -1);
  assert.equal(DEFAULT_PARTITION_LOG_CONFIG.indexIntervalBytes, 4096);
  assert.equal(DEFAULT_PARTITION_LOG_CONFIG.batchBytesMax, 16 * 1024 * 1024);
  assert.deepEqual(DEFAULT_PARTITION_LOG_CONFIG.flushPolicy, { kind: 'always' });
  assert.deepEqual(resolvePartitionLogConfig(), { ...DEFAULT_PARTITION_LOG_CONFIG });
});

test('every out-of-range setting is refused with its name', () => {
  const cases: Array<[string, object]> = [
    ['segmentBytesMax', { segmentBytesMax: 2 ** 31 }],
    ['segmentBytesMax', { segmentBytesMax: 10 }],
    ['segmentMs', { segmentMs: 0 }],
    ['retentionMs', { retentionMs: -2 }],
    ['retentionBytes', { retentionBytes: 1.5 }],
    ['indexIntervalBytes', { indexIntervalBytes: 0 }],
    ['batchBytesMax', { batchBytesMax: 2 ** 31 }],
    ['flushPolicy.intervalMs', { flushPolicy: { kind: 'interval', intervalMs: 0 } }],
  ];
  for (const [name, config] of cases) {
    assert.throws(() => resolvePartitionLogConfig(config), (err: unknown) => configError(err) && (err as Error).message.includes(name), name);
  }
  assert.equal(resolvePartitionLogConfig({ retentionMs: -1, retentionBytes: -1 }).retentionMs, -1);
});
