import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../../src/client/web/reconnect.js';

test('backoff doubles from initialDelayMs up to maxDelayMs, jittered within [ceiling/2, ceiling]', () => {
  const high = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 1);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => high.next()), [100, 200, 400, 800, 1000, 1000]);
  const low = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000 }, () => 0);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => low.next()), [50, 100, 200, 400, 500]);
  low.reset();
  assert.equal(low.attempts, 0);
  assert.equal(low.next(), 50);
});

test('backoff refuses nonsense limits', () => {
  assert.throws(() => new Backoff({ initialDelayMs: 0, maxDelayMs: 10 }), RangeError);
  assert.throws(() => new Backoff({ initialDelayMs: 100, maxDelayMs: 10 }), RangeError);
});
