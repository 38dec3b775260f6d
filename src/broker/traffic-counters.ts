// Monotonic traffic counts kept on the model objects themselves: plain number fields bumped on
// the data path (no allocation, no labels), read at scrape time by /metrics and sampled into
// rates by the management API. Counts start at zero when the broker starts, like Prometheus
// counters; a deleted queue or topic takes its counts with it.

/** One AMQP queue's message counts. */
export class QueueCounters {
  /** Messages the queue accepted from a publish (or a dead-letter route). */
  published = 0;
  /** Deliveries to consumers and basic.get answers, first deliveries and redeliveries alike. */
  delivered = 0;
  /** Of `delivered`, those sent with redelivered=true. */
  redelivered = 0;
  /** Deliveries settled by the consumer's ack, or by no-ack on delivery. */
  acked = 0;
}

/** One topic partition's traffic: what producers appended and what readers were sent. */
export class PartitionCounters {
  recordsIn = 0;
  bytesIn = 0;
  recordsOut = 0;
  bytesOut = 0;
}
