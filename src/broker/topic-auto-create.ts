// Creates topics on first use (Kafka's auto.create.topics.enable), protocol-neutral: Kafka
// Metadata and Produce call it, and later the HTTP gateway can. Concurrent requests for the same
// missing topic share one creation, so two clients asking at once both get the topic rather
// than one of them a TOPIC_EXISTS error.
import { BrokerErrorCode } from './broker-errors.js';
import type { Topic, TopicRegistry } from './topics.js';
import { isWharfError } from '../util/wharf-error.js';

export class TopicAutoCreator {
  private readonly topics: TopicRegistry;
  private readonly partitions: number;
  private readonly creating = new Map<string, Promise<Topic>>();

  /** `partitions` is the partition count of auto-created topics (Kafka num.partitions). */
  constructor(topics: TopicRegistry, partitions: number) {
    this.topics = topics;
    this.partitions = partitions;
  }

  /**
   * The topic, created with the default partition count when missing. Rejects with
   * WHARF_ERR_INVALID_TOPIC for a name that cannot be a topic, or the registry's error.
   */
  ensure(name: string): Promise<Topic> {
    const existing = this.topics.get(name);
    if (existing !== undefined) return Promise.resolve(existing);
    const pending = this.creating.get(name);
    if (pending !== undefined) return pending;
    const created = this.create(name).finally(() => this.creating.delete(name));
    this.creating.set(name, created);
    return created;
  }

  private async create(name: string): Promise<Topic> {
    try {
      return await this.topics.create(name, this.partitions);
    } catch (err) {
      // Someone created it between our check and our turn in the registry's lane (CreateTopics).
      const now = this.topics.get(name);
      if (isWharfError(err, BrokerErrorCode.TOPIC_EXISTS) && now !== undefined) return now;
      throw err;
    }
  }
}
