// Where a subscription's deliveries go: a WebSocket session or a Server-Sent Events response.
// Subscriptions know nothing of the transport; they ask the sink whether it can take more and
// hand it plain JSON-ready objects (docs/gateway.md gives their shapes).

export interface DeliverySink {
  /** Identifies the sink to exclusive queues; negative, so it never equals an AMQP connection's id. */
  readonly connectionId: number;
  /** False once the sink is closing or its transport asks to wait (a full write buffer). */
  writable(): boolean;
  /**
   * Sends one frame. `written` runs once its bytes were handed to the network (or the transport
   * failed): auto-ack subscriptions count their in-flight deliveries with it.
   */
  send(frame: object, written?: () => void): void;
  /** A fresh delivery tag, unique on this sink. */
  nextTag(): number;
  /** A subscription ended on the broker's side (queue deleted, partition gone, read failed). */
  subscriptionEnded(id: string | number, frame: object): void;
}

// -2 is the REST routes' id (rest/queue-get.ts).
let lastConnectionId = -2;

/** Connection ids of gateway sessions: -3, -4, … (AMQP connections count up from 1; -1 means "none"). */
export function gatewayConnectionId(): number {
  lastConnectionId = lastConnectionId <= -0x3fff_ffff ? -3 : lastConnectionId - 1;
  return lastConnectionId;
}
