// The protocol header a client opens with (AMQP 0-9-1 §4.2.2): "AMQP" 0 0 9 1. On anything else
// the server writes its own header and closes the socket, which tells the client the version it
// speaks. Old 0-9 clients send "AMQP" 1 1 0 9 and are refused the same way, as RabbitMQ does.

/** The 0-9-1 header; also what the server writes back to a client that sent another. */
export const PROTOCOL_HEADER: Buffer = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);
export const PROTOCOL_HEADER_BYTES = 8;

export type ProtocolHeaderCheck = 'ok' | 'wrong-protocol' | 'need-more-bytes';

/**
 * Classifies the first bytes of a connection. 'need-more-bytes' only while what arrived is a
 * prefix of the 0-9-1 header, so an HTTP request or TLS hello is refused at its first byte.
 * On 'ok' the frames start at byte 8 of the stream.
 */
export function checkProtocolHeader(bytes: Buffer): ProtocolHeaderCheck {
  const n = Math.min(bytes.length, PROTOCOL_HEADER_BYTES);
  for (let i = 0; i < n; i++) if (bytes[i] !== PROTOCOL_HEADER[i]) return 'wrong-protocol';
  return n === PROTOCOL_HEADER_BYTES ? 'ok' : 'need-more-bytes';
}
