// The one error type of the Kafka codec layer. A session that catches it closes that connection
// (ARCHITECTURE "Bad input"): a frame that cannot be parsed cannot be answered, because the
// correlation id and the response layout both depend on a header we could not trust.
import { WharfError } from '../../../util/wharf-error.js';

export const KafkaCodecErrorCode = {
  /** Bytes that do not parse as the declared request: truncated, bad length, bad varint. */
  MALFORMED: 'WHARF_ERR_KAFKA_MALFORMED',
  /** A frame declares a size above `requestBytesMax` (Kafka's socket.request.max.bytes). */
  FRAME_TOO_LARGE: 'WHARF_ERR_KAFKA_FRAME_TOO_LARGE',
  /** A frame declares a negative size. */
  FRAME_SIZE_INVALID: 'WHARF_ERR_KAFKA_FRAME_SIZE_INVALID',
  /** A value given to an encoder cannot be written at that version: a handler bug, not bad input. */
  UNENCODABLE: 'WHARF_ERR_KAFKA_UNENCODABLE',
} as const;
export type KafkaCodecErrorCode = (typeof KafkaCodecErrorCode)[keyof typeof KafkaCodecErrorCode];

export class KafkaCodecError extends WharfError {
  declare readonly code: KafkaCodecErrorCode;

  constructor(code: KafkaCodecErrorCode, message: string) {
    super(code, message);
    this.name = 'KafkaCodecError';
  }
}

export function malformed(message: string): KafkaCodecError {
  return new KafkaCodecError(KafkaCodecErrorCode.MALFORMED, message);
}

export function unencodable(message: string): KafkaCodecError {
  return new KafkaCodecError(KafkaCodecErrorCode.UNENCODABLE, message);
}
