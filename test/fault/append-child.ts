// Child process of the kill -9 test (not a test file itself). It opens the partition log in the
// directory given on the command line with flush policy `always`, runs several concurrent
// appenders so appends share group commits, and writes one line per acknowledged append:
//
//   ready <logStartOffset> <logEndOffset>
//   ack <batchId> <baseOffset> <lastOffset>
//
// stdout is a pipe, and pipe writes are synchronous on Linux, so an `ack` line that was written
// reaches the parent even when the process is killed right after. The parent kills it with
// SIGKILL; if it is never killed it stops after `batchLimit` batches and exits cleanly.
//
// usage: node append-child.js <dir> <firstBatchId> <batchLimit> <appenders> <segmentBytesMax>
import { PartitionLog } from '../../src/log/partition-log.js';
import { buildBatch } from './crash-batches.js';

function intArg(index: number, name: string): number {
  const raw = process.argv[index];
  const value = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    process.stderr.write(`append-child: argument ${name} must be a non-negative integer, got ${String(raw)}\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('append-child: missing <dir>');
  const firstBatchId = intArg(3, 'firstBatchId');
  const batchLimit = intArg(4, 'batchLimit');
  const appenders = intArg(5, 'appenders');
  const segmentBytesMax = intArg(6, 'segmentBytesMax');

  const log = await PartitionLog.open(dir, { segmentBytesMax, retentionMs: -1, flushPolicy: { kind: 'always' } });
  process.stdout.write(`ready ${log.logStartOffset} ${log.logEndOffset}\n`);

  let nextBatchId = firstBatchId;
  const endBatchId = firstBatchId + batchLimit;
  const appender = async (): Promise<void> => {
    while (nextBatchId < endBatchId) {
      const batchId = nextBatchId++;
      const { baseOffset, lastOffset } = await log.append(buildBatch(batchId));
      process.stdout.write(`ack ${batchId} ${baseOffset} ${lastOffset}\n`);
    }
  };
  await Promise.all(Array.from({ length: appenders }, appender));
  await log.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`append-child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
