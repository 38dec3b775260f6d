// Client connections of every protocol, for the management API: who is connected, from where, as
// which user, with which channels, and a way to close one. Listeners register a connection when
// they accept its socket and unregister it when it is gone; the registry only holds references
// and never touches a socket itself, so it stays protocol-neutral (close is the listener's
// callback: AMQP answers connection.close 320 CONNECTION_FORCED, Kafka drops the socket).
import type { FieldTable } from '../formats/amqp/field-types.js';

export type ConnectionProtocol = 'AMQP 0-9-1' | 'Kafka';

/** One consumer on a channel (AMQP basic.consume). */
export interface ConsumerSnapshot {
  readonly tag: string;
  readonly queue: string;
  readonly ackRequired: boolean;
  readonly exclusive: boolean;
  /** Per-consumer prefetch; 0 is unlimited. */
  readonly prefetchCount: number;
}

/** A channel's state at the moment it is read. */
export interface ChannelSnapshot {
  readonly number: number;
  readonly consumerCount: number;
  readonly unackedCount: number;
  /** basic.qos prefetch count (the per-consumer one when set, else the global one); 0 is unlimited. */
  readonly prefetchCount: number;
  readonly globalPrefetchCount: number;
  readonly confirm: boolean;
  readonly transactional: boolean;
  readonly consumers: readonly ConsumerSnapshot[];
}

/** What a listener tells the registry about one of its connections: a plain object (it is copied with spread). */
export interface ConnectionSource {
  readonly protocol: ConnectionProtocol;
  readonly peerHost: string;
  readonly peerPort: number;
  /** The listener's own address for this connection. */
  readonly host: string;
  readonly port: number;
  /** '' until the client has authenticated (or for protocols without users yet). */
  user(): string;
  /** '' when the protocol has no vhosts or the client has not opened one. */
  vhost(): string;
  /** AMQP client-properties; Kafka's client.id as `client_id`; empty when unknown. */
  clientProperties(): FieldTable;
  channels(): ChannelSnapshot[];
  /** Closes the connection with `reason` (shown to the client where the protocol can carry it). */
  close(reason: string): void;
}

/** Client properties of a protocol whose clients only name themselves (Kafka's client.id): `{client_id}`, or empty for ''. */
export function clientIdProperties(clientId: string): FieldTable {
  return clientId === '' ? new Map() : new Map([['client_id', { tag: 'S', value: Buffer.from(clientId, 'utf8') }]]);
}

export interface ClientConnection extends ConnectionSource {
  /** Unique while the connection lives: "peer:port -> host:port", as RabbitMQ names connections. */
  readonly name: string;
  readonly connectedAtMs: number;
}

export class ConnectionRegistry {
  private readonly byName = new Map<string, ClientConnection>();
  private readonly nowMs: () => number;

  constructor(nowMs: () => number = Date.now) {
    this.nowMs = nowMs;
  }

  /** Adds a connection; returns the function that removes it (call it once the socket is gone). */
  register(source: ConnectionSource): () => void {
    const name = `${source.peerHost}:${source.peerPort} -> ${source.host}:${source.port}`;
    const entry: ClientConnection = { ...source, name, connectedAtMs: this.nowMs() };
    this.byName.set(name, entry);
    return () => {
      if (this.byName.get(name) === entry) this.byName.delete(name);
    };
  }

  get(name: string): ClientConnection | undefined {
    return this.byName.get(name);
  }

  list(): ClientConnection[] {
    return [...this.byName.values()];
  }

  get size(): number {
    return this.byName.size;
  }
}
