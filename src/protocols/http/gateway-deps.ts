// What every part of the HTTP gateway (REST routes, WebSocket, Server-Sent Events) is given by the
// HTTP listener: the broker it drives, the configuration (limits such as httpBodyBytesMax and
// wsBufferedBytesMax) and the logger.
import type { Logger } from 'pino';
import type { Broker } from '../../broker/broker.js';
import type { WharfConfig } from '../../config/config-keys.js';

export interface GatewayDeps {
  readonly broker: Broker;
  readonly config: WharfConfig;
  readonly logger: Logger;
}
