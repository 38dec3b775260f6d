import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineQueue, type TimerDriver } from '../../../../src/broker/groups/deadline-queue.js';
import { GroupCoordinator, GroupError, ManualTime, MemoryOffsetStore } from '../../../../src/broker/groups/index.js';
import { seededRandom } from '../../../../src/log/memory-file-io.js';

/** ManualTime's driver, counting how many timers are armed at once. */
function countingTimers(time: ManualTime): { driver: TimerDriver; armedMax: () => number } {
  let armed = 0;
  let armedMax = 0;
  const live = new Set<unknown>();
  return {
    driver: {
      set: (fire, delayMs) => {
        armed++;
        armedMax = Math.max(armedMax, armed);
        const handle = time.timers.set(() => {
          live.delete(handle);
          armed--;
          fire();
        }, delayMs);
        live.add(handle);
        return handle;
      },
      clear: (handle) => {
        if (live.delete(handle)) armed--;
        time.timers.clear(handle);
      },
    },
    armedMax: () => armedMax,
  };
}

test('thousands of deadlines fire in (time, schedule) order, each at its own time, from one armed timer', () => {
  const time = new ManualTime(0);
  const { driver, armedMax } = countingTimers(time);
  const queue = new DeadlineQueue(time.clock, driver);
  const random = seededRandom(7);
  const fired: Array<{ id: number; atMs: number; firedAtMs: number }> = [];
  const expected: Array<{ id: number; atMs: number }> = [];
  const cancelled = new Set<number>();
  const handles = [];
  for (let id = 0; id < 3000; id++) {
    const atMs = Math.floor(random() * 10_000);
    handles.push(queue.schedule(atMs, () => fired.push({ id, atMs, firedAtMs: time.nowMs })));
    expected.push({ id, atMs });
  }
  for (let id = 0; id < 3000; id += 7) {
    queue.cancel(handles[id] ?? null);
    cancelled.add(id);
  }
  time.advance(10_000);
  const want = expected.filter((e) => !cancelled.has(e.id)).sort((a, b) => a.atMs - b.atMs || a.id - b.id).map((e) => e.id);
  assert.deepEqual(fired.map((f) => f.id), want);
  for (const f of fired) assert.equal(f.firedAtMs, f.atMs, 'fired exactly at its deadline');
  assert.equal(armedMax(), 1, 'one timer serves every deadline');
  assert.equal(queue.size, 0);
  assert.equal(time.pendingTimers, 0, 'nothing armed once the queue is empty');
});

test('a deadline scheduled from inside a firing one, earlier than the armed timer, re-arms it', () => {
  const time = new ManualTime(0);
  const queue = new DeadlineQueue(time.clock, time.timers);
  const log: string[] = [];
  queue.schedule(100, () => {
    log.push('a@100');
    queue.schedule(150, () => log.push('c@150'));
  });
  queue.schedule(1000, () => log.push('b@1000'));
  time.advance(200);
  assert.deepEqual(log, ['a@100', 'c@150']);
  queue.close();
  time.advance(2000);
  assert.deepEqual(log, ['a@100', 'c@150'], 'close drops what is left');
});

test('with the real clock and timers (the broker default), a join completes once the initial delay passes', async () => {
  const coordinator = await GroupCoordinator.open(new MemoryOffsetStore(), { initialRebalanceDelayMs: 0 });
  const result = await coordinator.joinGroup({
    groupId: 'g', memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, requireKnownMemberId: false, clientId: 'real', clientHost: '/127.0.0.1',
  });
  assert.equal(result.error, GroupError.NONE);
  assert.equal(result.generationId, 1);
  await coordinator.close();
});
