// Where `wharf produce` sends a record when no --partition is given. A keyed record goes to
// murmur2(key) mod partitions, the hash and mapping of Kafka's Java DefaultPartitioner
// (Utils.murmur2 then toPositive), so the same key lands in the same partition whether Java,
// librdkafka's murmur2 partitioner, kafkajs's DefaultPartitioner or this tool produced it.
// Records without a key go round-robin, one partition after the other.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Kafka's 32-bit murmur2 of `data` as a signed int32 (Utils.murmur2 in the Java client). */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last 1-3 bytes, as the Java switch falls through case 3, 2, 1.
  const tail = length % 4;
  if (tail === 3) h ^= (data[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (data[whole + 1] as number) << 8;
  if (tail >= 1) {
    h ^= data[whole] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fff_ffff;
}

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
