// basic.ack / basic.nack from the server: publisher confirms (RabbitMQ's confirm extension), sent
// once per confirmed publish or range, so they are fixed-size frames written directly.
import { unencodable } from '../../../formats/amqp/amqp-format-error.js';
import { FRAME_END, FrameType, writeFrameHeader } from './frame-constants.js';

const TWO_32 = 4294967296;
/** header 7 + class/method 4 + delivery-tag 8 + bits 1 + frame-end 1. */
const ACK_FRAME_BYTES = 21;

function confirmFrame(channel: number, methodIdInClass: number, deliveryTag: number, bits: number): Buffer {
  if (!Number.isSafeInteger(deliveryTag) || deliveryTag < 0) throw unencodable(`delivery-tag ${deliveryTag} is not a non-negative safe integer`);
  const buf = Buffer.allocUnsafe(ACK_FRAME_BYTES);
  writeFrameHeader(buf, 0, FrameType.METHOD, channel, ACK_FRAME_BYTES - 8);
  buf.writeUInt16BE(60, 7);
  buf.writeUInt16BE(methodIdInClass, 9);
  buf.writeUInt32BE(Math.floor(deliveryTag / TWO_32), 11);
  buf.writeUInt32BE(deliveryTag % TWO_32, 15);
  buf[19] = bits;
  buf[20] = FRAME_END;
  return buf;
}

export function encodeBasicAck(channel: number, deliveryTag: number, multiple: boolean): Buffer {
  return confirmFrame(channel, 80, deliveryTag, multiple ? 1 : 0);
}

/** requeue is meaningless from the server (confirms), so it is written as the spec's default, true. */
export function encodeBasicNack(channel: number, deliveryTag: number, multiple: boolean, requeue = true): Buffer {
  return confirmFrame(channel, 120, deliveryTag, (multiple ? 1 : 0) | (requeue ? 2 : 0));
}
