// Producer ids for InitProducerId (KIP-98), from a durable counter in the metadata store: the
// 'producer-ids' document holds the first id not yet reserved. Ids are reserved in blocks of
// PRODUCER_ID_BLOCK_SIZE (as Kafka's ProducerIdManager takes blocks of 1000 from ZooKeeper or the
// KRaft controller): the new end of the block is written durably before the first id of the block
// is handed out, so a restart, even after kill -9, starts from a fresh block and never reuses an
// id. At most one block of ids is skipped per restart.
import assert from 'node:assert';
import { ERR_METADATA_CORRUPT, type MetadataStore } from '../cluster/metadata-store.js';
import { WharfError } from '../util/wharf-error.js';

export const PRODUCER_IDS_DOCUMENT = 'producer-ids';
export const PRODUCER_ID_BLOCK_SIZE = 1000;

interface ProducerIdsDocument {
  version: 1;
  /** Every id below this may have been handed out; the next block starts here. */
  nextBlockStart: number;
}

export class ProducerIdAllocator {
  private readonly store: MetadataStore;
  private readonly blockSize: number;
  /** The next id to hand out, and the end (exclusive) of the reserved block. */
  private next = 0;
  private blockEnd = 0;
  private lane: Promise<unknown> = Promise.resolve();

  constructor(store: MetadataStore, blockSize: number = PRODUCER_ID_BLOCK_SIZE) {
    assert(Number.isSafeInteger(blockSize) && blockSize >= 1, 'producer ids: blockSize must be a positive integer');
    this.store = store;
    this.blockSize = blockSize;
  }

  /** A producer id never handed out before by this data directory. */
  allocate(): Promise<number> {
    const run = this.lane.then(async () => {
      if (this.next >= this.blockEnd) await this.reserveBlock();
      return this.next++;
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  /** Reads the stored counter and reserves the block after it; on failure nothing changes. */
  private async reserveBlock(): Promise<void> {
    const start = parseDocument(await this.store.read(PRODUCER_IDS_DOCUMENT));
    const end = start + this.blockSize;
    assert(Number.isSafeInteger(end), 'producer ids: the id space is exhausted');
    const doc: ProducerIdsDocument = { version: 1, nextBlockStart: end };
    await this.store.write(PRODUCER_IDS_DOCUMENT, doc);
    this.next = start;
    this.blockEnd = end;
  }
}

function parseDocument(doc: unknown): number {
  if (doc === undefined) return 0;
  const start = typeof doc === 'object' && doc !== null ? (doc as Partial<ProducerIdsDocument>).nextBlockStart : undefined;
  if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) {
    throw new WharfError(
      ERR_METADATA_CORRUPT,
      `metadata document ${PRODUCER_IDS_DOCUMENT} has no valid nextBlockStart (${JSON.stringify(doc)}); restore it from a backup, or set it above every producer id ever issued (never lower it: producers would collide)`,
    );
  }
  return start;
}
