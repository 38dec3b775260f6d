// The AMQP 0-9-1 wire codec: pure functions between bytes and typed frames and methods.
export * from './frame-constants.js';
export * from './frame-reader.js';
export * from './protocol-header.js';
export * from './method-spec.js';
export type * from './method-types.js';
export * from './method-codec.js';
export * from './content-frames.js';
export * from './ack-frames.js';
