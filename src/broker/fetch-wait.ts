// The waiting half of a long-poll fetch (Kafka's delayed fetch, KIP-74 / max_wait_ms): resolves
// once any watched partition's high watermark passes the offset its reader is at, when the wait
// time is over, or when the reader goes away. Protocol-neutral; the Kafka Fetch handler reads,
// waits here when it has fewer than min_bytes, and reads again.
//
// Node keeps one timer list per distinct duration, so a timer per waiting fetch is cheap; the
// watch listeners are removed on every outcome so a closed connection leaves nothing behind.
import type { PartitionLog } from '../log/partition-log.js';

export interface FetchWatch {
  readonly log: PartitionLog;
  /** The next offset the reader wants; data is there once the high watermark is above it. */
  readonly offset: number;
}

export type FetchWaitOutcome = 'data' | 'timeout' | 'aborted';

export function waitForData(watches: readonly FetchWatch[], maxWaitMs: number, signal: AbortSignal): Promise<FetchWaitOutcome> {
  if (signal.aborted) return Promise.resolve('aborted');
  // Data may have arrived between the read and this call: then there is nothing to wait for.
  for (const w of watches) if (w.log.highWatermark > w.offset) return Promise.resolve('data');
  if (maxWaitMs <= 0) return Promise.resolve('timeout');
  return new Promise<FetchWaitOutcome>((resolve) => {
    const unsubscribes: Array<() => void> = [];
    let settled = false;
    const finish = (outcome: FetchWaitOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      for (const u of unsubscribes) u();
      resolve(outcome);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish('timeout'), maxWaitMs);
    signal.addEventListener('abort', onAbort);
    for (const w of watches) {
      unsubscribes.push(w.log.watch((highWatermark) => {
        if (highWatermark > w.offset) finish('data');
      }));
    }
  });
}
