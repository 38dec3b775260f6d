// The `/ws` endpoint of the HTTP gateway (docs/gateway.md "WebSocket"). The HTTP listener hands
// it upgrade requests; each accepted socket becomes a WsSession. One interval timer serves the
// heartbeats of every socket: each tick pings, and a socket that did not answer the previous ping
// (nor sent anything) is cut.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { BadInputLog } from '../../bad-input-log.js';
import type { GatewayDeps } from '../gateway-deps.js';
import { WsSession } from './ws-session.js';

export const WS_HEARTBEAT_INTERVAL_MS_DEFAULT = 30_000;

export interface WsGatewayOptions {
  /** Ping interval; a socket silent for two of them is closed. Tests shorten it. */
  heartbeatIntervalMs?: number;
}

export interface WsGateway {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001) after giving back what it held. */
  close(): Promise<void>;
  /** Open sockets, for metrics and tests. */
  readonly sessionCount: number;
}

export function createWsGateway(deps: GatewayDeps, options: WsGatewayOptions = {}): WsGateway {
  // A frame may be as large as an HTTP body; ws answers a larger one with close code 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.httpBodyBytesMax, clientTracking: false, perMessageDeflate: false });
  const sessions = new Set<WsSession>();
  const badInput = new BadInputLog(deps.logger, { protocol: 'http' });
  let closing = false;
  const heartbeat = setInterval(() => {
    for (const s of sessions) s.heartbeat();
  }, options.heartbeatIntervalMs ?? WS_HEARTBEAT_INTERVAL_MS_DEFAULT);
  heartbeat.unref();

  return {
    handleUpgrade(req, socket, head) {
      if (closing) {
        socket.destroy();
        return;
      }
      socket.on('error', () => undefined); // a reset during the handshake; ws destroys the socket
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (closing) {
          ws.terminate();
          return;
        }
        const session = new WsSession(ws, {
          deps, badInput, remoteAddress: req.socket.remoteAddress ?? '',
          onClosed: (s) => sessions.delete(s),
        });
        sessions.add(session);
      });
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      for (const s of [...sessions]) s.shutdown();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    get sessionCount() {
      return sessions.size;
    },
  };
}
