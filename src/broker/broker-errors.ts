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
} as const;

export type BrokerErrorCode = (typeof BrokerErrorCode)[keyof typeof BrokerErrorCode];

export function brokerError(code: BrokerErrorCode, message: string): WharfError {
  return new WharfError(code, message);
}
