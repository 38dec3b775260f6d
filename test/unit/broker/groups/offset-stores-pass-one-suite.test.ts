// Runs the OffsetStore suite on the memory store and on the partition-log store (over
// MemoryFileIO), so the coordinator's tests on the memory store speak for the real one too.
import { LogOffsetStore, MemoryOffsetStore, OFFSETS_LOG_NAME, type OffsetStoreEntry } from '../../../../src/broker/groups/index.js';
import { MemoryFileIO } from '../../../../src/log/memory-file-io.js';
import { PartitionLog } from '../../../../src/log/partition-log.js';
import { offsetStoreSuite } from './support/offset-store-conformance.js';

offsetStoreSuite('MemoryOffsetStore', () => {
  const durable: OffsetStoreEntry[] = [];
  let store = new MemoryOffsetStore(durable);
  return Promise.resolve({
    store,
    reopen: async () => {
      await store.close();
      store = new MemoryOffsetStore(durable);
      return store;
    },
  });
});

offsetStoreSuite('LogOffsetStore', async () => {
  const io = new MemoryFileIO();
  const dir = `/data/${OFFSETS_LOG_NAME}`;
  // Small segments, so replay crosses segment boundaries.
  const openLog = (): Promise<PartitionLog> => PartitionLog.open(dir, { segmentBytesMax: 4096 }, { fileIO: io.process() });
  let log = await openLog();
  let store = new LogOffsetStore(log);
  return {
    store,
    reopen: async () => {
      await store.close();
      await log.close();
      log = await openLog();
      store = new LogOffsetStore(log);
      return store;
    },
  };
});
