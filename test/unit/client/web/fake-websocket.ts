// An in-memory WebSocket for the client's unit tests: it records what the client sends (parsed)
// and lets the test play the server (open, send ops, close, refuse).
import type { SocketCloseEvent, SocketMessageEvent, WebSocketConstructor, WebSocketLike } from '../../../../src/client/web/socket.js';

export type SentOp = Record<string, unknown> & { op: string };

export class FakeWebSocket implements WebSocketLike {
  readyState = 0; // CONNECTING
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: SocketMessageEvent) => void) | null = null;
  onclose: ((event: SocketCloseEvent) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: SentOp[] = [];
  closedBy: { code: number; reason: string } | undefined = undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: send on a socket that is not open');
    this.sent.push(JSON.parse(data) as SentOp);
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    this.closedBy = { code, reason };
    queueMicrotask(() => this.serverClose(code, reason));
  }

  // ---- the test plays the server ----

  serverOpen(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSend(op: Record<string, unknown>): void {
    this.onmessage?.({ data: JSON.stringify(op) });
  }

  serverSendRaw(data: unknown): void {
    this.onmessage?.({ data });
  }

  serverClose(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  /** A connection that fails before opening: error, then close, as browsers and `ws` do. */
  serverRefuse(): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code: 1006, reason: '' });
  }

  /** The ops sent so far with this name, oldest first. */
  ops(name: string): SentOp[] {
    return this.sent.filter((o) => o.op === name);
  }
}

/** A WebSocket class for one test, and the sockets the client made with it, oldest first. */
export function fakeSockets(): { WebSocket: WebSocketConstructor; sockets: FakeWebSocket[]; last(): FakeWebSocket } {
  const sockets: FakeWebSocket[] = [];
  class TestWebSocket extends FakeWebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return {
    WebSocket: TestWebSocket,
    sockets,
    last() {
      const s = sockets.at(-1);
      if (s === undefined) throw new Error('the client made no socket');
      return s;
    },
  };
}
