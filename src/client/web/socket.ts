// The part of the WebSocket interface the client uses. A browser's WebSocket and the `ws`
// package's WebSocket (Node 20 has no global one) both fit it.

/** Handler slots are checked bivariantly, so a socket class with a narrower event type still fits. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface SocketCloseEvent {
  readonly code: number;
  readonly reason: string;
}

export interface SocketMessageEvent {
  readonly data: unknown;
}

export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onmessage: Handler<SocketMessageEvent> | null;
  onclose: Handler<SocketCloseEvent> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** WebSocket.OPEN in every implementation. */
export const SOCKET_OPEN = 1;

/** The global WebSocket of a browser (or of Node 22+), if there is one. */
export function globalWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}
