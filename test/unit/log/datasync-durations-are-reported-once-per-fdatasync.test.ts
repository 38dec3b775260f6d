// A log given a DurationSink (the metrics' fsync histogram) reports one duration per fdatasync of
// a segment file, the same count the file system sees, and only those: group-committed appends
// that share a sync are one observation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { PartitionLog } from '../../../src/log/partition-log.js';
import type { DurationSink } from '../../../src/util/duration-sink.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { CountingFileIO } from './support/counting-file-io.js';

class RecordingSink implements DurationSink {
  readonly seconds: number[] = [];
  observe(seconds: number): void {
    this.seconds.push(seconds);
  }
}

test('one observation per fdatasync of a segment file, none for the directory or index files', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const sink = new RecordingSink();
  const log = await PartitionLog.open('/data/p', { flushPolicy: { kind: 'always' } }, { fileIO: io, datasyncDurations: sink });
  io.reset();
  await log.append(makeBatch({ records: 2, valueBytes: 10 }));
  await Promise.all(Array.from({ length: 20 }, () => log.append(makeBatch({ records: 1, valueBytes: 100 }))));
  const syncs = io.countSuffix('datasync', '.log');
  assert.ok(syncs >= 2 && syncs < 21, `group commit shares fsyncs (${syncs})`);
  assert.equal(sink.seconds.length, syncs);
  assert.ok(sink.seconds.every((s) => Number.isFinite(s) && s >= 0));
  await log.close();
});
