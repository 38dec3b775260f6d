// AMQP reply codes and how the broker model's errors map to them. Channel-level codes close the
// channel (channel.close); connection-level ones close the connection (protocol-matrix §3.7).
import { BrokerErrorCode } from '../../broker/broker-errors.js';
import { isWharfError } from '../../util/wharf-error.js';

export const ReplyCode = {
  REPLY_SUCCESS: 200,
  CONTENT_TOO_LARGE: 311,
  NO_ROUTE: 312,
  NO_CONSUMERS: 313,
  CONNECTION_FORCED: 320,
  INVALID_PATH: 402,
  ACCESS_REFUSED: 403,
  NOT_FOUND: 404,
  RESOURCE_LOCKED: 405,
  PRECONDITION_FAILED: 406,
  FRAME_ERROR: 501,
  SYNTAX_ERROR: 502,
  COMMAND_INVALID: 503,
  CHANNEL_ERROR: 504,
  UNEXPECTED_FRAME: 505,
  RESOURCE_ERROR: 506,
  NOT_ALLOWED: 530,
  NOT_IMPLEMENTED: 540,
  INTERNAL_ERROR: 541,
} as const;

export type ReplyCode = (typeof ReplyCode)[keyof typeof ReplyCode];

const NAMES = new Map<number, string>(Object.entries(ReplyCode).map(([name, code]) => [code, name]));

export function replyCodeName(code: number): string {
  return NAMES.get(code) ?? 'INTERNAL_ERROR';
}

/** Channel errors are 403-406 (and 311/313); everything else closes the connection. */
export function isChannelLevel(code: number): boolean {
  return (code >= 403 && code <= 406) || code === 311 || code === 313;
}

/** RabbitMQ's close text: the code's name, " - ", then the detail. */
export function replyText(code: number, detail: string): string {
  const text = `${replyCodeName(code)} - ${detail}`;
  // reply-text is a shortstr.
  return Buffer.byteLength(text) > 255 ? Buffer.from(text).subarray(0, 255).toString('utf8') : text;
}

/** An error that must close the channel or connection with a reply code. */
export class AmqpCloseError extends Error {
  readonly replyCode: number;
  constructor(replyCode: number, detail: string) {
    super(detail);
    this.name = 'AmqpCloseError';
    this.replyCode = replyCode;
  }
}

const FROM_BROKER = new Map<string, number>([
  [BrokerErrorCode.NOT_FOUND, ReplyCode.NOT_FOUND],
  [BrokerErrorCode.PRECONDITION_FAILED, ReplyCode.PRECONDITION_FAILED],
  [BrokerErrorCode.RESOURCE_LOCKED, ReplyCode.RESOURCE_LOCKED],
  [BrokerErrorCode.ACCESS_REFUSED, ReplyCode.ACCESS_REFUSED],
  [BrokerErrorCode.NOT_ALLOWED, ReplyCode.NOT_ALLOWED],
  [BrokerErrorCode.INVALID_ARGUMENT, ReplyCode.PRECONDITION_FAILED],
  [BrokerErrorCode.RESOURCE_ERROR, ReplyCode.RESOURCE_ERROR],
  [BrokerErrorCode.NOT_IMPLEMENTED, ReplyCode.NOT_IMPLEMENTED],
]);

/** The reply code for an error thrown by the broker model or the codec; unknown errors are 541. */
export function replyCodeFor(err: unknown): number {
  if (err instanceof AmqpCloseError) return err.replyCode;
  if (isWharfError(err)) {
    const mapped = FROM_BROKER.get(err.code);
    if (mapped !== undefined) return mapped;
    const attached = (err as { replyCode?: unknown }).replyCode;
    if (typeof attached === 'number') return attached;
  }
  return ReplyCode.INTERNAL_ERROR;
}
