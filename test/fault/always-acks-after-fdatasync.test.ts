// What kill -9 cannot show: the page cache survives a killed process, so an acknowledgement sent
// before fdatasync would pass the crash test. Here a FileIO wrapper around the real NodeFileIO
// records, per file, which bytes each writev put where and how far the completed fdatasyncs
// reach; every acknowledged append under flush policy `always` must lie inside that durable prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileIO, type FileHandle, type FileIO } from '../../src/log/file-io.js';
import { LOG_SUFFIX } from '../../src/log/layout.js';
import { PartitionLog } from '../../src/log/partition-log.js';
import { buildBatch } from './crash-batches.js';
import { withWrappedHandles } from '../helpers/wrapped-file-io.js';

/** Where each written buffer ended up, and how much of each file completed fdatasyncs cover. */
class SyncTracker {
  readonly writtenEnd = new Map<string, number>();
  readonly syncedEnd = new Map<string, number>();
  /** Buffer → [path, end position] of the writev that wrote it. */
  readonly placed = new WeakMap<Buffer, [string, number]>();
  writevCalls = 0;
  /** fdatasyncs of segment log files (index files are synced at roll and close too). */
  datasyncCalls = 0;
}

function trackedHandle(inner: FileHandle, tracker: SyncTracker): FileHandle {
  return {
    path: inner.path,
    read: (buffer, bufferOffset, length, position) => inner.read(buffer, bufferOffset, length, position),
    async writev(buffers, position) {
      await inner.writev(buffers, position);
      tracker.writevCalls++;
      let end = position;
      for (const b of buffers) {
        end += b.length;
        tracker.placed.set(b, [inner.path, end]);
      }
      tracker.writtenEnd.set(inner.path, Math.max(tracker.writtenEnd.get(inner.path) ?? 0, end));
    },
    async datasync() {
      // Only bytes whose write completed before the sync started are covered by it.
      const covered = tracker.writtenEnd.get(inner.path) ?? 0;
      await inner.datasync();
      if (inner.path.endsWith(LOG_SUFFIX)) tracker.datasyncCalls++;
      tracker.syncedEnd.set(inner.path, Math.max(tracker.syncedEnd.get(inner.path) ?? 0, covered));
    },
    async truncate(lengthBytes) {
      await inner.truncate(lengthBytes);
      for (const m of [tracker.writtenEnd, tracker.syncedEnd]) m.set(inner.path, Math.min(m.get(inner.path) ?? 0, lengthBytes));
    },
    size: () => inner.size(),
    close: () => inner.close(),
  };
}

function trackedFileIO(tracker: SyncTracker): FileIO {
  return withWrappedHandles(new NodeFileIO(), (h) => trackedHandle(h, tracker));
}

test('flush policy always: concurrent appends are acknowledged only inside the fdatasynced prefix, sharing syncs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-ack-sync-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tracker = new SyncTracker();
  // Small segments, so some acknowledgements follow a roll to a new file.
  const log = await PartitionLog.open(dir, { segmentBytesMax: 64 * 1024, flushPolicy: { kind: 'always' } }, { fileIO: trackedFileIO(tracker) });
  const APPENDERS = 16;
  const APPENDS_EACH = 25;
  let acknowledged = 0;
  const appender = async (a: number): Promise<void> => {
    for (let i = 0; i < APPENDS_EACH; i++) {
      const batch = buildBatch(a * APPENDS_EACH + i);
      const { baseOffset } = await log.append(batch);
      // The log writes the appended buffer itself (zero-copy); if that ever changes, this lookup must too.
      const placed = tracker.placed.get(batch);
      assert.ok(placed !== undefined, `the buffer of the append at offset ${baseOffset} was written by a writev`);
      const [path, end] = placed;
      const synced = tracker.syncedEnd.get(path) ?? 0;
      assert.ok(synced >= end, `append at offset ${baseOffset} acknowledged with its bytes up to ${end} of ${path} but only ${synced} fdatasynced`);
      acknowledged++;
    }
  };
  await Promise.all(Array.from({ length: APPENDERS }, (_, a) => appender(a)));
  await log.close();
  assert.equal(acknowledged, APPENDERS * APPENDS_EACH);
  t.diagnostic(`${acknowledged} appends, ${tracker.writevCalls} writev, ${tracker.datasyncCalls} fdatasync of segment files`);
  assert.ok(tracker.datasyncCalls < acknowledged / 2, `group commit shares fdatasyncs: ${tracker.datasyncCalls} for ${acknowledged} appends`);
});
