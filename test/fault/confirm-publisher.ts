// A continuous amqplib confirm-mode publisher for the interop kill -9 test: for each sequence
// number it publishes one persistent message to a stream queue (default exchange) and one to a
// direct exchange bound to a Kafka topic, and records which publishes the broker confirmed
// (basic.ack), from amqplib's per-publish callbacks. It keeps a bounded number of publishes in
// flight and runs until the channel closes (the broker is killed under it).
import type { ConfirmChannel } from 'amqplib';

export type Destination = 'stream' | 'topic';

export interface PublishTargets {
  stream: string;
  exchange: string;
  /** Routing keys of the exchange's bindings; sequence number `seq` uses `keys[seq % keys.length]`. */
  keys: readonly string[];
}

/** The body of publish `seq` to `dest`; its padding varies the record sizes and is checked on read. */
export function bodyOf(dest: Destination, seq: number): string {
  return `${dest}:${seq}:${'p'.repeat(seq % 61)}`;
}

/** Parses a body written by bodyOf; throws when the bytes are not one it could have written. */
export function parseBody(dest: Destination, body: string): number {
  const m = /^(stream|topic):(\d+):(p*)$/.exec(body);
  if (m === null || m[1] !== dest) throw new Error(`${dest} record with a body no publish wrote: ${JSON.stringify(body.slice(0, 80))}`);
  const seq = Number(m[2]);
  if (m[3]?.length !== seq % 61) throw new Error(`${dest} record ${seq} has a damaged body: ${JSON.stringify(body.slice(0, 80))}`);
  return seq;
}

export class ConfirmPublisher {
  readonly confirmed: Record<Destination, Set<number>> = { stream: new Set(), topic: new Set() };
  /** Sequence numbers whose publish frames were handed to the socket (confirmed or not). */
  published = 0;
  inFlight = 0;
  /** Publishes the broker answered with basic.nack (none is expected: nothing fails before the kill). */
  readonly nacked: string[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly ch: ConfirmChannel, private readonly targets: PublishTargets, private readonly maxInFlight: number) {
    // amqplib fails every unconfirmed callback with 'channel closed' on close; those publishes
    // stay unconfirmed. The channel's error event comes with the connection's loss.
    ch.on('error', () => undefined);
    ch.on('close', () => {
      this.closed = true;
      this.poke();
    });
  }

  get confirmedTotal(): number {
    return this.confirmed.stream.size + this.confirmed.topic.size;
  }

  /** Publishes until the channel closes. */
  async run(): Promise<void> {
    for (let seq = 0; !this.closed; seq++) {
      while (this.inFlight + 2 > this.maxInFlight && !this.closed) await new Promise<void>((resolve) => { this.wake = resolve; });
      if (this.closed) return;
      let writable: boolean;
      try {
        writable = this.publish('stream', '', this.targets.stream, seq);
        const key = this.targets.keys[seq % this.targets.keys.length] ?? '';
        writable = this.publish('topic', this.targets.exchange, key, seq) && writable;
      } catch {
        return; // the channel closed between the check and the publish
      }
      this.published = seq + 1;
      if (!writable) await new Promise<void>((resolve) => { this.wake = resolve; this.ch.once('drain', () => this.poke()); });
    }
  }

  private publish(dest: Destination, exchange: string, routingKey: string, seq: number): boolean {
    this.inFlight++;
    return this.ch.publish(exchange, routingKey, Buffer.from(bodyOf(dest, seq)), { persistent: true }, (err: unknown) => {
      this.inFlight--;
      if (err === null || err === undefined) this.confirmed[dest].add(seq);
      else if (err instanceof Error && err.message !== 'channel closed') this.nacked.push(`${dest}:${seq} ${err.message}`);
      this.poke();
    });
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
