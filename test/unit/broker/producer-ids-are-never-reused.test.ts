// The producer-id counter behind InitProducerId (producer-ids.ts): ids come in blocks reserved
// durably before use, so a restart (a new allocator on the same metadata) never hands one out twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRODUCER_IDS_DOCUMENT, ProducerIdAllocator } from '../../../src/broker/producer-ids.js';
import { MemoryMetadataStore, type MetadataStore } from '../../../src/cluster/metadata-store.js';
import { isWharfError } from '../../../src/util/wharf-error.js';

/** A metadata store whose next `failures` writes fail, as a full disk would. */
class FlakyStore implements MetadataStore {
  readonly inner = new MemoryMetadataStore();
  failures = 0;
  writes = 0;

  read(name: string): Promise<unknown> {
    return this.inner.read(name);
  }

  async write(name: string, document: unknown): Promise<void> {
    this.writes++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('ENOSPC: no space left on device');
    }
    await this.inner.write(name, document);
  }
}

test('ids are handed out in order from blocks whose end is stored before their first id', async () => {
  const store = new FlakyStore();
  const ids = new ProducerIdAllocator(store, 3);
  const got: number[] = [];
  for (let i = 0; i < 7; i++) got.push(await ids.allocate());
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(store.writes, 3, 'one write per block');
  assert.deepEqual(await store.read(PRODUCER_IDS_DOCUMENT), { version: 1, nextBlockStart: 9 });
});

test('a restart starts at the next block, so no id is reused', async () => {
  const store = new MemoryMetadataStore();
  const before = new ProducerIdAllocator(store);
  const first = [await before.allocate(), await before.allocate()];
  assert.deepEqual(first, [0, 1]);
  const after = new ProducerIdAllocator(store); // the broker restarted (or was killed) after two ids
  assert.equal(await after.allocate(), 1000);
  const third = new ProducerIdAllocator(store);
  assert.equal(await third.allocate(), 2000);
});

test('concurrent requests get distinct ids', async () => {
  const ids = new ProducerIdAllocator(new MemoryMetadataStore(), 4);
  const got = await Promise.all(Array.from({ length: 25 }, () => ids.allocate()));
  assert.equal(new Set(got).size, 25);
  assert.deepEqual([...got].sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i));
});

test('a failed reservation hands out nothing; the next request reserves again', async () => {
  const store = new FlakyStore();
  const ids = new ProducerIdAllocator(store, 2);
  assert.deepEqual([await ids.allocate(), await ids.allocate()], [0, 1]);
  store.failures = 1;
  await assert.rejects(ids.allocate(), /ENOSPC/);
  assert.equal(await ids.allocate(), 2);
  assert.deepEqual(await store.read(PRODUCER_IDS_DOCUMENT), { version: 1, nextBlockStart: 4 });
});

test('a damaged counter document is refused, never guessed', async () => {
  for (const doc of [{ version: 1 }, { nextBlockStart: -5 }, { nextBlockStart: 1.5 }, 'ten', null]) {
    const store = new MemoryMetadataStore();
    await store.write(PRODUCER_IDS_DOCUMENT, doc);
    await assert.rejects(new ProducerIdAllocator(store).allocate(), (err: unknown) => isWharfError(err, 'WHARF_ERR_METADATA_CORRUPT'), JSON.stringify(doc));
  }
});
