// `wharf/client`: a small client for Wharf's WebSocket gateway (docs/gateway.md, "Client library").
// Browser-safe: no Node modules and no dependencies; in Node 20 pass `ws`'s WebSocket to connect().
export { connect, WharfClient, type ConnectOptions, type PublishOptions, type RequestOptions, type ClientEvents } from './wharf-client.js';
export { Subscription, type SubscribeOptions, type QueueSubscribeOptions, type TopicSubscribeOptions, type GroupSubscribeOptions, type DeliveryHandler } from './subscription.js';
export { Delivery, type DeliveryKind } from './message.js';
export { WharfClientError, isWharfClientError, type ClientErrorCode } from './client-error.js';
export type { MessageProperties, PayloadEncoding } from './protocol.js';
export type { WebSocketLike, WebSocketConstructor } from './socket.js';
export type { BackoffOptions } from './reconnect.js';
