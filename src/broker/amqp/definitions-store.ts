// Durable AMQP definitions (durable exchanges, durable non-exclusive queues, bindings between
// durable ends) as one neutral JSON document in the metadata store. A declare resolves only after
// a write that includes it is durable. Writes never overlap; changes made while one is in flight
// share the next write, so a burst of declares costs two writes, not one per declare.
import type { MetadataStore } from '../../cluster/metadata-store.js';
import { ERR_METADATA_CORRUPT } from '../../cluster/metadata-store.js';
import type { JsonTable } from '../../formats/amqp/field-table.js';
import { WharfError } from '../../util/wharf-error.js';

export const DEFINITIONS_DOCUMENT = 'amqp-definitions';

export interface ExchangeRecord {
  name: string;
  type: string;
  autoDelete: boolean;
  internal: boolean;
  arguments: JsonTable;
}

export interface QueueRecord {
  name: string;
  /** Stable id: the queue's log and ack-state names derive from it. */
  id: number;
  autoDelete: boolean;
  arguments: JsonTable;
}

export interface BindingRecord {
  source: string;
  /** 'topic': a Kafka topic (x-destination-type=topic, docs/interop.md). */
  destinationKind: 'queue' | 'exchange' | 'topic';
  destination: string;
  routingKey: string;
  arguments: JsonTable;
}

export interface VhostRecord {
  name: string;
  exchanges: ExchangeRecord[];
  queues: QueueRecord[];
  bindings: BindingRecord[];
}

export interface DefinitionsDocument {
  version: 1;
  /** Next durable queue id; ids are never reused, so a deleted queue's leftovers cannot be adopted. */
  nextQueueId: number;
  vhosts: VhostRecord[];
}

export function emptyDefinitions(): DefinitionsDocument {
  return { version: 1, nextQueueId: 1, vhosts: [] };
}

function corrupt(what: string): WharfError {
  return new WharfError(ERR_METADATA_CORRUPT, `metadata document '${DEFINITIONS_DOCUMENT}' is damaged (${what}); restore it from a backup or remove it to start without durable AMQP definitions`);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

function checkList<T>(list: unknown, what: string, check: (item: Record<string, unknown>) => boolean): T[] {
  if (!Array.isArray(list)) throw corrupt(`${what} is not a list`);
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null || !check(item as Record<string, unknown>)) throw corrupt(`bad entry in ${what}`);
  }
  return list as T[];
}

/** Checks the document's shape; argument tables are checked when they are decoded. */
export function parseDefinitions(doc: unknown): DefinitionsDocument {
  if (doc === undefined) return emptyDefinitions();
  if (typeof doc !== 'object' || doc === null) throw corrupt('not an object');
  const d = doc as Record<string, unknown>;
  if (d.version !== 1) throw corrupt(`unknown version ${String(d.version)}`);
  if (typeof d.nextQueueId !== 'number' || !Number.isSafeInteger(d.nextQueueId) || d.nextQueueId < 1) throw corrupt('bad nextQueueId');
  const vhosts = checkList<VhostRecord>(d.vhosts, 'vhosts', (v) => isString(v.name));
  for (const v of vhosts) {
    checkList<ExchangeRecord>(v.exchanges, `exchanges of vhost '${v.name}'`, (x) => isString(x.name) && isString(x.type) && isBool(x.autoDelete) && isBool(x.internal));
    checkList<QueueRecord>(v.queues, `queues of vhost '${v.name}'`, (q) => isString(q.name) && typeof q.id === 'number' && Number.isSafeInteger(q.id) && q.id >= 0 && isBool(q.autoDelete));
    checkList<BindingRecord>(v.bindings, `bindings of vhost '${v.name}'`, (b) => isString(b.source) && (b.destinationKind === 'queue' || b.destinationKind === 'exchange' || b.destinationKind === 'topic') && isString(b.destination) && isString(b.routingKey));
  }
  return { version: 1, nextQueueId: d.nextQueueId, vhosts };
}

export class DefinitionsStore {
  private readonly store: MetadataStore;
  private readonly snapshot: () => DefinitionsDocument;
  private inFlight: Promise<void> | undefined = undefined;
  private queued: Promise<void> | undefined = undefined;
  /** The last write failed: the stored document may be behind memory. */
  private behind = false;

  /** `snapshot` builds the whole document from the live model when a write starts. */
  constructor(store: MetadataStore, snapshot: () => DefinitionsDocument) {
    this.store = store;
    this.snapshot = snapshot;
  }

  async load(): Promise<DefinitionsDocument> {
    return parseDefinitions(await this.store.read(DEFINITIONS_DOCUMENT));
  }

  /** Resolves once a write that started after this call (so holds every change made so far) is durable. */
  persist(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    if (this.inFlight === undefined) return this.start();
    const queued = this.inFlight.then(noop, noop).then(() => {
      this.queued = undefined;
      return this.start();
    });
    this.queued = queued;
    return queued;
  }

  /**
   * Resolves when changes already made are durable: the pending write, if any. An equivalent
   * redeclare of a durable entity waits on this, so its declare-ok never comes before the entity
   * is on disk.
   */
  settled(): Promise<void> {
    if (this.behind) return this.persist();
    return this.queued ?? this.inFlight ?? Promise.resolve();
  }

  private start(): Promise<void> {
    const doc = this.snapshot();
    const flight: Promise<void> = this.store.write(DEFINITIONS_DOCUMENT, doc).then(
      () => {
        this.behind = false;
        if (this.inFlight === flight) this.inFlight = undefined;
      },
      (err: unknown) => {
        this.behind = true;
        if (this.inFlight === flight) this.inFlight = undefined;
        throw err;
      },
    );
    this.inFlight = flight;
    return flight;
  }
}

function noop(): void {}
