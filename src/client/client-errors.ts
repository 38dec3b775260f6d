// Errors of the Kafka client used by the command-line tools. Each says what to do, since the
// CLI prints the message as it is (main.ts adds the code).
import { kafkaError } from '../protocols/kafka/error-codes.js';
import { WharfError } from '../util/wharf-error.js';

export const ClientErrorCode = {
  /** The TCP connection to the bootstrap address could not be opened. */
  CONNECT: 'WHARF_ERR_CLIENT_CONNECT',
  /** The broker closed the connection (or it broke) while requests were waiting for answers. */
  DISCONNECTED: 'WHARF_ERR_CLIENT_DISCONNECTED',
  /** No answer within the request timeout. */
  TIMEOUT: 'WHARF_ERR_CLIENT_TIMEOUT',
  /** The broker's bytes do not parse, or an answer came back out of order. */
  PROTOCOL: 'WHARF_ERR_CLIENT_PROTOCOL',
  /** The broker does not advertise an API version this client can speak. */
  UNSUPPORTED_API: 'WHARF_ERR_CLIENT_UNSUPPORTED_API',
  /** The broker answered with a Kafka error code (its name is in the message and in `kafkaErrorName`). */
  BROKER_ERROR: 'WHARF_ERR_CLIENT_BROKER_ERROR',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class ClientError extends WharfError {
  declare readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ClientError';
  }
}

/** A Kafka error code in an answer, kept as data so callers can react to a given error. */
export class BrokerError extends ClientError {
  readonly kafkaErrorCode: number;
  readonly kafkaErrorName: string;
  readonly retriable: boolean;

  constructor(kafkaErrorCode: number, message: string) {
    const info = kafkaError(kafkaErrorCode);
    super(ClientErrorCode.BROKER_ERROR, message);
    this.name = 'BrokerError';
    this.kafkaErrorCode = kafkaErrorCode;
    this.kafkaErrorName = info?.name ?? `error code ${kafkaErrorCode}`;
    this.retriable = info?.retriable ?? false;
  }
}

/** Kafka's name for a code ("UNKNOWN_TOPIC_OR_PARTITION"), or "error code N" for one we do not know. */
export function kafkaErrorName(code: number): string {
  return kafkaError(code)?.name ?? `error code ${code}`;
}

/**
 * Throws a BrokerError when `errorCode` is not NONE. `what` names the operation ("creating topic
 * orders"); the broker's own message, when it sent one, follows, then a hint for common codes:
 * hints that name a command or flag always, generic ones only when the broker said nothing.
 */
export function checkErrorCode(errorCode: number, what: string, brokerMessage: string | null = null): void {
  if (errorCode === 0) return;
  const name = kafkaErrorName(errorCode);
  const hasMessage = brokerMessage !== null && brokerMessage !== '';
  const hint = HINTS[name];
  const showHint = hint !== undefined && (hint.always || !hasMessage);
  throw new BrokerError(errorCode, `${what} failed with ${name}${hasMessage ? `: ${brokerMessage}` : ''}${showHint ? `; ${hint.text}` : ''}`);
}

const HINTS: Readonly<Record<string, { readonly text: string; readonly always: boolean }>> = {
  UNKNOWN_TOPIC_OR_PARTITION: { text: 'check the name with `wharf topics list`, or create it with `wharf topics create NAME`', always: true },
  TOPIC_ALREADY_EXISTS: { text: 'pick another name, or pass --if-not-exists to accept the existing topic', always: true },
  MESSAGE_TOO_LARGE: { text: 'send shorter lines, lower --batch-bytes, or raise the topic\'s max.message.bytes', always: true },
  RECORD_LIST_TOO_LARGE: { text: 'lower --batch-bytes', always: true },
  OFFSET_OUT_OF_RANGE: { text: 'start inside the partition (see `wharf topics describe NAME`), or use --from beginning|end', always: true },
  UNSUPPORTED_COMPRESSION_TYPE: { text: 'choose another --compression', always: true },
  INVALID_TOPIC_EXCEPTION: { text: 'topic names are 1-249 characters of letters, digits, ".", "_" and "-"', always: false },
  INVALID_PARTITIONS: { text: 'give a partition count of at least 1 (and, when adding partitions, more than the topic has)', always: false },
  INVALID_CONFIG: { text: 'see `wharf topics describe NAME` for the configs a topic has', always: false },
  LEADER_NOT_AVAILABLE: { text: 'the topic is being created; try again in a moment', always: false },
  POLICY_VIOLATION: { text: 'the broker refused the request by policy', always: false },
  NON_EMPTY_GROUP: { text: 'the group still has active members: stop its consumers first (`wharf groups describe GROUP` lists them)', always: true },
  GROUP_ID_NOT_FOUND: { text: 'see the groups there are with `wharf groups list`', always: true },
  NOT_COORDINATOR: { text: 'the bootstrap broker does not coordinate this group; pass the coordinator\'s address with --bootstrap', always: true },
  COORDINATOR_NOT_AVAILABLE: { text: 'the broker is starting or stopping; try again in a moment', always: false },
  COORDINATOR_LOAD_IN_PROGRESS: { text: 'the broker is still loading committed offsets; try again in a moment', always: false },
  INCONSISTENT_GROUP_PROTOCOL: { text: 'the group\'s members use an assignor this client does not offer (wharf offers range); use another group id', always: true },
  GROUP_MAX_SIZE_REACHED: { text: 'the group has as many members as the broker allows (groupMaxSize)', always: true },
};
