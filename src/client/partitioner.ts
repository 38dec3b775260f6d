// Where `wharf produce` sends a record when no --partition is given. A keyed record goes to
// murmur2(key) mod partitions, the hash and mapping of Kafka's Java DefaultPartitioner
// (Utils.murmur2 then toPositive), so the same key lands in the same partition whether Java,
// librdkafka's murmur2 partitioner, kafkajs's DefaultPartitioner or this tool produced it.
// Records without a key go round-robin, one partition after the other.

import { murmur2, toPositive } from '../util/murmur2.js';

export { murmur2, toPositive };

export class Partitioner {
  private next = 0;

  constructor(readonly partitionCount: number) {
    if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partitionCount ${partitionCount} must be at least 1`);
  }

  partitionFor(key: Buffer | null): number {
    if (key !== null) return toPositive(murmur2(key)) % this.partitionCount;
    const p = this.next;
    this.next = p + 1 === this.partitionCount ? 0 : p + 1;
    return p;
  }
}
