// The errors of the AMQP 0-9-1 codecs. Each carries the AMQP reply code the session closes the
// connection (or channel) with, and the class/method it happened in when known, so the session
// can fill connection.close's class-id/method-id without knowing how the bytes were read.
import { WharfError } from '../../util/wharf-error.js';

export const AmqpErrorCode = {
  /** Bytes that do not parse: a length past the end, an unknown field tag, trailing bytes. */
  MALFORMED: 'WHARF_ERR_AMQP_MALFORMED',
  /** A frame the framing layer refuses: too large, bad frame-end octet, unknown frame type. */
  FRAME: 'WHARF_ERR_AMQP_FRAME',
  /** A class-id/method-id pair Wharf does not know. */
  UNKNOWN_METHOD: 'WHARF_ERR_AMQP_UNKNOWN_METHOD',
  /** A value Wharf was asked to encode that the wire format cannot carry (a Wharf bug or bad user input). */
  UNENCODABLE: 'WHARF_ERR_AMQP_UNENCODABLE',
  /** Shared with the broker model: RabbitMQ answers 406 for an invalid expiration property. */
  PRECONDITION_FAILED: 'WHARF_ERR_PRECONDITION_FAILED',
} as const;
export type AmqpErrorCode = (typeof AmqpErrorCode)[keyof typeof AmqpErrorCode];

/** The reply codes the codecs produce (AMQP 0-9-1 §1.2 constants). */
export const CodecReplyCode = {
  PRECONDITION_FAILED: 406,
  FRAME_ERROR: 501,
  SYNTAX_ERROR: 502,
  NOT_IMPLEMENTED: 540,
  INTERNAL_ERROR: 541,
} as const;

export class AmqpFormatError extends WharfError {
  /** AMQP reply code to close with (connection.close for 5xx, channel.close for 4xx). */
  readonly replyCode: number;
  /** Class and method being decoded, 0 when unknown (connection.close carries them). */
  classId: number;
  methodId: number;

  constructor(code: AmqpErrorCode, message: string, replyCode: number, classId = 0, methodId = 0) {
    super(code, message);
    this.name = 'AmqpFormatError';
    this.replyCode = replyCode;
    this.classId = classId;
    this.methodId = methodId;
  }
}

export function malformed(message: string): AmqpFormatError {
  return new AmqpFormatError(AmqpErrorCode.MALFORMED, message, CodecReplyCode.FRAME_ERROR);
}

export function unencodable(message: string): AmqpFormatError {
  return new AmqpFormatError(AmqpErrorCode.UNENCODABLE, message, CodecReplyCode.INTERNAL_ERROR);
}
