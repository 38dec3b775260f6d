// Idempotent producers (KIP-98) for a broker: the durable producer-id counter that InitProducerId
// draws from, and the producer state of each partition that Produce checks. Partition state is
// keyed by the PartitionLog object, so a deleted and re-created topic starts empty and a reopened
// log rebuilds its state from what it holds.
import type { MetadataStore } from '../cluster/metadata-store.js';
import type { PartitionLog } from '../log/partition-log.js';
import { ProducerIdAllocator } from './producer-ids.js';
import { PartitionProducers } from './producer-state-partition.js';
import type { ProducerStateOptions } from './producer-state.js';

export class Idempotence {
  readonly producerIds: ProducerIdAllocator;
  private readonly options: ProducerStateOptions;
  private readonly partitions = new WeakMap<PartitionLog, PartitionProducers>();

  constructor(store: MetadataStore, options: ProducerStateOptions = {}) {
    this.producerIds = new ProducerIdAllocator(store);
    this.options = options;
  }

  /** The producer state of the partition whose log is `log` (created empty, loaded on first use). */
  partition(log: PartitionLog): PartitionProducers {
    let producers = this.partitions.get(log);
    if (producers === undefined) {
      producers = new PartitionProducers(log, this.options);
      this.partitions.set(log, producers);
    }
    return producers;
  }
}
