// Where an HTTP-produced record goes when it names no partition: a keyed record to
// murmur2(key) mod partitions, Kafka's DefaultPartitioner (the same key lands in the same
// partition whichever Kafka client, `wharf produce` or the gateway produced it); records without
// a key go round-robin, per topic. The hash is the CLI client's, which a test checks against Kafka.
import type { Topic } from '../../../broker/topics.js';
import { murmur2, toPositive } from '../../../util/murmur2.js';

export class TopicPartitioner {
  private next = 0;

  partitionFor(key: Buffer | null, partitionCount: number): number {
    if (key !== null) return toPositive(murmur2(key)) % partitionCount;
    const p = this.next % partitionCount;
    this.next = p + 1;
    return p;
  }
}

const partitioners = new WeakMap<Topic, TopicPartitioner>();

/** The round-robin state of `topic`, kept as long as the topic object lives. */
export function topicPartitioner(topic: Topic): TopicPartitioner {
  let p = partitioners.get(topic);
  if (p === undefined) {
    p = new TopicPartitioner();
    partitioners.set(topic, p);
  }
  return p;
}
