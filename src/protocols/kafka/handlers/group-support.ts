// What the consumer-group handlers share. The coordinator (src/broker/groups/) answers with Kafka's
// own error names, so turning them into codes is a lookup by name (a unit test checks that every
// GroupError is a Kafka name). JoinGroup and SyncGroup are long polls: they answer at once when
// their connection closes or the listener shuts down, so a stopping broker never waits out a
// rebalance timeout (the coordinator keeps counting the member until its session ends, as Kafka).
import type { GroupError } from '../../../broker/groups/index.js';
import { KafkaErrorCode } from '../error-codes.js';
import type { RequestContext } from './handler.js';

export function groupErrorCode(error: GroupError): number {
  return KafkaErrorCode[error];
}

/** A member's host as Kafka reports it in DescribeGroups: `/address` (Java's InetAddress.toString). */
export function clientHostOf(ctx: RequestContext): string {
  const address = ctx.connection.remoteAddress;
  const colon = address.lastIndexOf(':');
  return `/${colon > 0 ? address.slice(0, colon) : address}`;
}

/** The coordinator's answer, or `onClose()` as soon as the connection's signal aborts. */
export function answerUnlessClosed<T>(pending: Promise<T>, signal: AbortSignal, onClose: () => T): Promise<T> {
  if (signal.aborted) return Promise.resolve(onClose());
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => resolve(onClose());
    signal.addEventListener('abort', abort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}

/** Groups a flat per-partition list (in request order) back into Kafka's topic → partitions shape. */
export function byTopic<P extends { topic: string }, R>(partitions: readonly P[], toResult: (p: P) => R): Array<{ name: string; partitions: R[] }> {
  const out: Array<{ name: string; partitions: R[] }> = [];
  const index = new Map<string, { name: string; partitions: R[] }>();
  for (const p of partitions) {
    let topic = index.get(p.topic);
    if (topic === undefined) {
      topic = { name: p.topic, partitions: [] };
      index.set(p.topic, topic);
      out.push(topic);
    }
    topic.partitions.push(toResult(p));
  }
  return out;
}
