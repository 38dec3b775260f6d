// Worker of the fd-cache test: opens, appends to, closes and reopens many partitions on a
// MemoryFileIO behind a counting FileIO, and posts what it counted. It runs in a worker thread
// because node:test's promise tracking makes the same work several times slower in-process.
import { parentPort, workerData } from 'node:worker_threads';
import { LogManager } from '../../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../../src/log/memory-file-io.js';
import { makeBatch } from '../../../helpers/make-batch.js';
import { CountingFileIO } from './counting-file-io.js';
import { splitBatches } from './log-fixtures.js';

export interface ManyPartitionsInput {
  partitions: number;
  fileHandlesMax: number;
}

export interface ManyPartitionsReport {
  openMaxCreating: number;
  allAppendsAtOffsetZero: boolean;
  sampleBatches: number;
  openMaxAppending: number;
  openAfterClose: number;
  partitionsRecovered: number;
  truncatedBytes: number;
  openMaxRecovering: number;
}

async function run(input: ManyPartitionsInput): Promise<ManyPartitionsReport> {
  const io = new CountingFileIO(new MemoryFileIO({ completion: 'microtask' }));
  const options = { fileIO: io, fileHandlesMax: input.fileHandlesMax, openConcurrency: 64 };
  const manager = new LogManager('/data', options);
  await manager.openAll();
  const names = Array.from({ length: input.partitions }, (_, i) => `topic-${i % 100}.${Math.floor(i / 100)}`);
  for (const name of names) await manager.create(name);
  const openMaxCreating = io.openMax;
  const results = await Promise.all(names.map((name, i) => manager.get(name)?.append(makeBatch({ records: 1 + (i % 3), valueBytes: 16 }))));
  const sample = await manager.get(names[names.length - 1] as string)?.read(0, 1000);
  await manager.close();
  const report = {
    openMaxCreating,
    allAppendsAtOffsetZero: results.every((r) => r?.baseOffset === 0),
    sampleBatches: splitBatches(sample?.bytes ?? Buffer.alloc(0)).length,
    openMaxAppending: io.openMax,
    openAfterClose: io.openNow,
  };
  io.reset();
  const again = new LogManager('/data', options);
  const recovered = await again.openAll();
  await again.close();
  return { ...report, partitionsRecovered: recovered.partitions, truncatedBytes: recovered.truncatedBytes, openMaxRecovering: io.openMax };
}

run(workerData as ManyPartitionsInput).then(
  (report) => parentPort?.postMessage(report),
  (err: unknown) => {
    throw err;
  },
);
