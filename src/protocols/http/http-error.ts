// HTTP errors of the gateway and the one table from Wharf's protocol-neutral error codes to HTTP
// statuses (STYLE 8.4). Routes throw HttpError for bad requests; whatever the broker throws goes
// through httpErrorFor, here and nowhere else. Every error answers the same JSON body:
// {"error": {"code": "not_found", "message": "no queue 'jobs' in vhost '/'"}}.
// Log and records codes are spelled out because protocols/ may not import log/.
import { BrokerErrorCode } from '../../broker/broker-errors.js';
import { ProducerErrorCode } from '../../broker/producer-errors.js';
import { AmqpErrorCode } from '../../formats/amqp/amqp-format-error.js';
import { RecordsErrorCode } from '../../records/records-error.js';
import { isWharfError } from '../../util/wharf-error.js';

/** The `code` strings an error body can carry (docs/gateway.md lists them). */
export const HttpErrorCode = {
  BAD_REQUEST: 'bad_request',
  NOT_FOUND: 'not_found',
  METHOD_NOT_ALLOWED: 'method_not_allowed',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  UNKNOWN_TOPIC: 'unknown_topic',
  UNKNOWN_PARTITION: 'unknown_partition',
  OFFSET_OUT_OF_RANGE: 'offset_out_of_range',
  MESSAGE_TOO_LARGE: 'message_too_large',
  PRECONDITION_FAILED: 'precondition_failed',
  RESOURCE_LOCKED: 'resource_locked',
  ACCESS_REFUSED: 'access_refused',
  CONFLICT: 'conflict',
  /** A queue refused a publish (x-overflow reject-publish). */
  REJECTED: 'rejected',
  /** A WebSocket group subscription names a consumer group that has active (Kafka) members. */
  GROUP_IN_USE: 'group_in_use',
  STORAGE_ERROR: 'storage_error',
  UNAVAILABLE: 'unavailable',
  INTERNAL_ERROR: 'internal_error',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  /** Extra response headers (Allow on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: HttpErrorCode, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export interface HttpErrorBody {
  error: { code: HttpErrorCode; message: string };
}

export function errorBody(err: HttpError): HttpErrorBody {
  return { error: { code: err.code, message: err.message } };
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, HttpErrorCode.BAD_REQUEST, message);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, HttpErrorCode.NOT_FOUND, message);
}

type Mapping = readonly [status: number, code: HttpErrorCode];

const TABLE: ReadonlyMap<string, Mapping> = new Map<string, Mapping>([
  [BrokerErrorCode.NOT_FOUND, [404, HttpErrorCode.NOT_FOUND]],
  [BrokerErrorCode.UNKNOWN_TOPIC, [404, HttpErrorCode.UNKNOWN_TOPIC]],
  [BrokerErrorCode.UNKNOWN_PARTITION, [404, HttpErrorCode.UNKNOWN_PARTITION]],
  // A vhost that does not exist (the AMQP model answers NOT_ALLOWED, as connection.open does).
  [BrokerErrorCode.NOT_ALLOWED, [404, HttpErrorCode.NOT_FOUND]],
  [BrokerErrorCode.INVALID_TOPIC, [400, HttpErrorCode.BAD_REQUEST]],
  [BrokerErrorCode.INVALID_PARTITIONS, [400, HttpErrorCode.BAD_REQUEST]],
  [BrokerErrorCode.INVALID_ARGUMENT, [400, HttpErrorCode.BAD_REQUEST]],
  // The request is well formed but the state of the resource refuses it (in use, not equivalent).
  [BrokerErrorCode.PRECONDITION_FAILED, [409, HttpErrorCode.PRECONDITION_FAILED]],
  [BrokerErrorCode.TOPIC_EXISTS, [409, HttpErrorCode.CONFLICT]],
  // An exclusive queue of another connection.
  [BrokerErrorCode.RESOURCE_LOCKED, [409, HttpErrorCode.RESOURCE_LOCKED]],
  [BrokerErrorCode.ACCESS_REFUSED, [403, HttpErrorCode.ACCESS_REFUSED]],
  [BrokerErrorCode.RESOURCE_ERROR, [503, HttpErrorCode.UNAVAILABLE]],
  // What a stream queue refuses (a get, a purge): the request cannot work on that queue.
  [BrokerErrorCode.NOT_IMPLEMENTED, [400, HttpErrorCode.BAD_REQUEST]],
  [BrokerErrorCode.MESSAGE_TOO_LARGE, [413, HttpErrorCode.MESSAGE_TOO_LARGE]],
  [ProducerErrorCode.INVALID_PRODUCER_BATCH, [400, HttpErrorCode.BAD_REQUEST]],
  // The AMQP property codec: a header value the wire cannot carry, bytes that do not parse.
  [AmqpErrorCode.MALFORMED, [400, HttpErrorCode.BAD_REQUEST]],
  [AmqpErrorCode.UNENCODABLE, [400, HttpErrorCode.BAD_REQUEST]],
  // Records codec (src/records/records-error.ts).
  [RecordsErrorCode.INVALID, [400, HttpErrorCode.BAD_REQUEST]],
  [RecordsErrorCode.TOO_LARGE, [413, HttpErrorCode.MESSAGE_TOO_LARGE]],
  // Log (src/log/log-errors.ts).
  ['WHARF_ERR_BATCH_TOO_LARGE', [413, HttpErrorCode.MESSAGE_TOO_LARGE]],
  ['WHARF_ERR_OFFSET_OUT_OF_RANGE', [400, HttpErrorCode.OFFSET_OUT_OF_RANGE]],
  ['WHARF_ERR_LOG_IO', [503, HttpErrorCode.STORAGE_ERROR]],
  // The partition or queue closed under the request (shutdown, topic deleted): retry later.
  ['WHARF_ERR_LOG_CLOSED', [503, HttpErrorCode.UNAVAILABLE]],
]);

export interface MappedHttpError {
  readonly error: HttpError;
  /** False for errors with no entry: a Wharf bug or an unexpected failure, worth a log line. */
  readonly expected: boolean;
}

/** The HTTP error for anything a route or a broker call threw. */
export function httpErrorFor(err: unknown): MappedHttpError {
  if (err instanceof HttpError) return { error: err, expected: true };
  if (isWharfError(err)) {
    const mapped = TABLE.get(err.code);
    if (mapped !== undefined) return { error: new HttpError(mapped[0], mapped[1], err.message), expected: true };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error: new HttpError(500, HttpErrorCode.INTERNAL_ERROR, `internal error: ${message}`), expected: false };
}

/** The Wharf codes this table maps, for a test that keeps it in step with docs/errors.md. */
export function mappedWharfCodes(): string[] {
  return [...TABLE.keys()];
}
