// Frame layout (AMQP 0-9-1 §4.2.3): type octet, channel short, payload size long, payload, then
// the frame-end octet 0xCE. Sizes here are what every encoder and the frame reader share.

export const FrameType = { METHOD: 1, HEADER: 2, BODY: 3, HEARTBEAT: 8 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_END = 0xce;
/** type + channel + size. */
export const FRAME_HEADER_BYTES = 7;
/** Header plus frame-end: a frame's payload may be at most frameMax - 8 bytes. */
export const FRAME_OVERHEAD_BYTES = 8;
/** The spec's FRAME-MIN-SIZE: the frame size allowed before tuning, and the least frame-max a peer may ask for. */
export const FRAME_MIN_SIZE = 4096;

/** A heartbeat frame: type 8, channel 0, empty payload (§4.2.7). */
export const HEARTBEAT_FRAME: Buffer = Buffer.from([FrameType.HEARTBEAT, 0, 0, 0, 0, 0, 0, FRAME_END]);

export function writeFrameHeader(buf: Buffer, offset: number, type: number, channel: number, payloadBytes: number): void {
  buf[offset] = type;
  buf.writeUInt16BE(channel, offset + 1);
  buf.writeUInt32BE(payloadBytes, offset + 3);
}
