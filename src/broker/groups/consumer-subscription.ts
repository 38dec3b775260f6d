// The topics a member of a 'consumer' group subscribes to. Member metadata is opaque to the
// broker except for this one use, which Kafka's coordinator makes too: OffsetDelete must refuse
// partitions of topics an active group consumes (GROUP_SUBSCRIBED_TO_TOPIC, KIP-496).
//
// Every version of Kafka's ConsumerProtocolSubscription starts with the v0 layout
//   version int16 | topics: count int32, then (length int16 | UTF-8)* | ...
// so reading that prefix works for all of them, present and future (as Kafka reads it). Bounded:
// each count and length is checked against the bytes left.

/** Protocol type of Kafka consumer groups (the only one whose metadata the coordinator reads). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Reads the subscribed topics; null when the bytes are not a consumer subscription. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  if (metadata.length < 6) return null;
  const version = metadata.readInt16BE(0);
  if (version < 0) return null;
  const count = metadata.readInt32BE(2);
  // Each topic takes at least its two length bytes: a larger count cannot be honest.
  if (count < 0 || count > (metadata.length - 6) / 2) return null;
  const topics: string[] = [];
  let pos = 6;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > metadata.length) return null;
    const length = metadata.readInt16BE(pos);
    pos += 2;
    if (length < 0 || pos + length > metadata.length) return null;
    topics.push(metadata.toString('utf8', pos, pos + length));
    pos += length;
  }
  return topics;
}
