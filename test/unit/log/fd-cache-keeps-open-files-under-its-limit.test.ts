import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { FdCache } from '../../../src/log/fd-cache.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { CountingFileIO } from './support/counting-file-io.js';
import type { ManyPartitionsInput, ManyPartitionsReport } from './support/many-partitions-worker.js';

async function filesIn(io: MemoryFileIO, names: string[]): Promise<void> {
  await io.mkdirp('/f');
  for (const name of names) await io.writeFileDurable(`/f/${name}`, Buffer.from(name));
}

test('idle handles are reused, and the least recently used one is closed when a slot is needed', async () => {
  const memory = new MemoryFileIO();
  await filesIn(memory, ['a', 'b', 'c']);
  const io = new CountingFileIO(memory);
  const cache = new FdCache(io, 2);
  const size = (path: string): Promise<number> => cache.use(path, (h) => h.size());
  await size('/f/a');
  await size('/f/b');
  await size('/f/a');
  assert.equal(io.count('open'), 2, 'a was reused');
  await size('/f/c'); // evicts b, the least recently used
  assert.equal(io.count('close', '/f/b'), 1);
  assert.equal(io.count('close', '/f/a'), 0);
  assert.equal(io.openMax, 2);
  assert.equal(cache.openCount, 2);
  await cache.closeAll();
  assert.equal(io.openNow, 0);
});

test('a pinned handle is never closed; a caller waits for a slot instead', async () => {
  const memory = new MemoryFileIO();
  await filesIn(memory, ['a', 'b']);
  const io = new CountingFileIO(memory);
  const cache = new FdCache(io, 1);
  let releaseA: () => void = () => undefined;
  const usingA = cache.use('/f/a', () => new Promise<void>((resolve) => (releaseA = resolve)));
  await new Promise((r) => setImmediate(r));
  let bDone = false;
  const usingB = cache.use('/f/b', async (h) => {
    bDone = true;
    return h.size();
  });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  assert.equal(bDone, false, 'b waits while a is pinned');
  assert.equal(io.count('close', '/f/a'), 0);
  releaseA();
  await usingA;
  assert.equal(await usingB, 1);
  assert.equal(io.openMax, 1);
});

test('forget closes a handle once its users finish, and the next use reopens it', async () => {
  const memory = new MemoryFileIO();
  await filesIn(memory, ['a']);
  const io = new CountingFileIO(memory);
  const cache = new FdCache(io, 4);
  await cache.use('/f/a', async () => {
    await cache.forget('/f/a');
    assert.equal(io.count('close', '/f/a'), 0, 'still in use');
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(io.count('close', '/f/a'), 1);
  await cache.use('/f/a', (h) => h.size());
  assert.equal(io.count('open', '/f/a'), 2);
});

test('a failed open frees its slot', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const cache = new FdCache(io, 1);
  await assert.rejects(cache.use('/missing', (h) => h.size()), { code: 'ENOENT' });
  assert.equal(cache.openCount, 0);
});

test('10,000 partitions appended at once with a cache of 64 never hold more than 64 files open', async () => {
  const input: ManyPartitionsInput = { partitions: 10_000, fileHandlesMax: 64 };
  const worker = new Worker(new URL('./support/many-partitions-worker.js', import.meta.url), { workerData: input });
  const report = await new Promise<ManyPartitionsReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.ok(report.openMaxCreating <= 64, `${report.openMaxCreating} open while creating`);
  assert.equal(report.allAppendsAtOffsetZero, true);
  assert.equal(report.sampleBatches, 1);
  assert.ok(report.openMaxAppending <= 64, `${report.openMaxAppending} open while appending to all at once`);
  assert.equal(report.openAfterClose, 0, 'close closed everything');
  assert.equal(report.partitionsRecovered, 10_000);
  assert.equal(report.truncatedBytes, 0);
  assert.ok(report.openMaxRecovering <= 64, `${report.openMaxRecovering} open during openAll`);
});
