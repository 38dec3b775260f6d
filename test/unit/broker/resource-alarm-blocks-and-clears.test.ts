import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceAlarm } from '../../../src/broker/resource-alarm.js';
import { silentLogger } from '../../../src/observability/logger.js';

test('memory and disk alarms turn on past their limits, tell listeners once per change, and clear', async () => {
  let rss = 100;
  let free = 10_000;
  const alarm = new ResourceAlarm({
    memoryHighWatermarkBytes: 1000, diskFreeLimitBytes: 5000, dataDir: '.', logger: silentLogger(), checkIntervalMs: 3_600_000,
    readRss: () => rss, readDiskFree: () => Promise.resolve(free),
  });
  const seen: Array<[boolean, string]> = [];
  alarm.onChange((blocked, reason) => seen.push([blocked, reason]));
  try {
    await alarm.check();
    assert.equal(alarm.blocked, false);
    rss = 2000;
    await alarm.check();
    await alarm.check();
    assert.equal(alarm.reason, 'low on memory');
    free = 10;
    await alarm.check();
    assert.equal(alarm.reason, 'low on memory and disk');
    rss = 10;
    await alarm.check();
    assert.equal(alarm.reason, 'low on disk');
    free = 1_000_000;
    await alarm.check();
    assert.equal(alarm.blocked, false);
    assert.deepEqual(seen, [[true, 'low on memory'], [false, '']]);
  } finally {
    alarm.close();
  }
});

test('a watermark of 0 means 40% of the machine memory', () => {
  const alarm = new ResourceAlarm({ memoryHighWatermarkBytes: 0, diskFreeLimitBytes: 0, dataDir: '.', logger: silentLogger(), checkIntervalMs: 3_600_000 });
  try {
    assert.ok(alarm.memoryLimitBytes > 0);
  } finally {
    alarm.close();
  }
});
