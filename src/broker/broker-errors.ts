// Protocol-neutral outcomes of the broker model. Each protocol maps these codes to its own wire
// errors in one table (protocols/kafka/error-codes.ts, later protocols/amqp/reply-codes.ts).
import { WharfError } from '../util/wharf-error.js';

export const BrokerErrorCode = {
  UNKNOWN_TOPIC: 'WHARF_ERR_UNKNOWN_TOPIC',
  UNKNOWN_PARTITION: 'WHARF_ERR_UNKNOWN_PARTITION',
  TOPIC_EXISTS: 'WHARF_ERR_TOPIC_EXISTS',
  INVALID_TOPIC: 'WHARF_ERR_INVALID_TOPIC',
  INVALID_PARTITIONS: 'WHARF_ERR_INVALID_PARTITIONS',
  MESSAGE_TOO_LARGE: 'WHARF_ERR_MESSAGE_TOO_LARGE',
  // The AMQP model's outcomes, named after the AMQP reply codes they map to (protocols/amqp).
  NOT_FOUND: 'WHARF_ERR_NOT_FOUND',
  PRECONDITION_FAILED: 'WHARF_ERR_PRECONDITION_FAILED',
  RESOURCE_LOCKED: 'WHARF_ERR_RESOURCE_LOCKED',
  ACCESS_REFUSED: 'WHARF_ERR_ACCESS_REFUSED',
  NOT_ALLOWED: 'WHARF_ERR_NOT_ALLOWED',
  INVALID_ARGUMENT: 'WHARF_ERR_INVALID_ARGUMENT',
  RESOURCE_ERROR: 'WHARF_ERR_RESOURCE_ERROR',
  NOT_IMPLEMENTED: 'WHARF_ERR_NOT_IMPLEMENTED',
} as const;

export type BrokerErrorCode = (typeof BrokerErrorCode)[keyof typeof BrokerErrorCode];

export function brokerError(code: BrokerErrorCode, message: string): WharfError {
  return new WharfError(code, message);
}
