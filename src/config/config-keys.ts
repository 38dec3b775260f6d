// The one table of Wharf's settings. Flags, WHARF_* environment variables, config-file keys,
// `wharf serve --help` and docs/configuration.md all come from it (a test checks the doc), so a
// setting cannot exist in one place and be missing in another.

export type ValueKind = 'string' | 'port' | 'integer' | 'bytes' | 'duration' | 'flush-policy' | 'enum' | 'boolean';

export interface ConfigKey {
  /** Key in the config file and in WharfConfig. */
  readonly key: keyof WharfConfig;
  /** Long flag without the dashes. */
  readonly flag: string;
  readonly env: string;
  readonly kind: ValueKind;
  readonly defaultValue: string | number | boolean;
  /** Inclusive numeric bounds for integer-like kinds. */
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly description: string;
}

export interface WharfConfig {
  host: string;
  kafkaPort: number;
  amqpPort: number;
  httpPort: number;
  dataDir: string;
  logLevel: string;
  logFormat: string;
  flushPolicy: string;
  segmentBytes: number;
  segmentMs: number;
  retentionMs: number;
  retentionBytes: number;
  retentionCheckIntervalMs: number;
  indexIntervalBytes: number;
  fileHandlesMax: number;
  advertisedHost: string;
  nodeId: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  partitionsMax: number;
  maxMessageBytes: number;
  requestBytesMax: number;
  connectionsMax: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;
  groupSessionTimeoutMinMs: number;
  groupSessionTimeoutMaxMs: number;
  offsetMetadataBytesMax: number;
  amqpFrameMax: number;
  amqpChannelMax: number;
  amqpHeartbeatSec: number;
  amqpUsers: string;
  amqpVhosts: string;
  amqpAckStateIntervalMs: number;
  memoryHighWatermarkBytes: number;
  diskFreeLimitBytes: number;
  httpBodyBytesMax: number;
  wsBufferedBytesMax: number;
}

const GIB = 1024 * 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export const CONFIG_KEYS: readonly ConfigKey[] = [
  { key: 'host', flag: 'host', env: 'WHARF_HOST', kind: 'string', defaultValue: '127.0.0.1',
    description: 'Address every listener binds to. Loopback by default so a development broker is not exposed; use 0.0.0.0 to listen on all interfaces.' },
  { key: 'kafkaPort', flag: 'kafka-port', env: 'WHARF_KAFKA_PORT', kind: 'port', defaultValue: 9092, min: 0, max: 65535,
    description: 'Kafka protocol listener port (0 picks a free port).' },
  { key: 'amqpPort', flag: 'amqp-port', env: 'WHARF_AMQP_PORT', kind: 'port', defaultValue: 5672, min: 0, max: 65535,
    description: 'AMQP 0-9-1 listener port (0 picks a free port).' },
  { key: 'httpPort', flag: 'http-port', env: 'WHARF_HTTP_PORT', kind: 'port', defaultValue: 8080, min: 0, max: 65535,
    description: 'HTTP listener port: REST, WebSocket, console and /metrics (0 picks a free port).' },
  { key: 'dataDir', flag: 'data-dir', env: 'WHARF_DATA_DIR', kind: 'string', defaultValue: './data',
    description: 'Directory holding every log and the broker metadata. One broker per directory (a lock file enforces it).' },
  { key: 'logLevel', flag: 'log-level', env: 'WHARF_LOG_LEVEL', kind: 'enum', defaultValue: 'info',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'Lowest level of log line printed.' },
  { key: 'logFormat', flag: 'log-format', env: 'WHARF_LOG_FORMAT', kind: 'enum', defaultValue: 'auto', choices: ['auto', 'json', 'pretty'],
    description: 'json: one JSON object per line; pretty: human-readable; auto: pretty on a terminal, json otherwise.' },
  { key: 'flushPolicy', flag: 'flush-policy', env: 'WHARF_FLUSH_POLICY', kind: 'flush-policy', defaultValue: 'always',
    description: 'always: an append is acknowledged only after fdatasync (group commit shares one fsync between concurrent appends); interval:MS: fdatasync every MS milliseconds; never: leave flushing to the OS.' },
  { key: 'segmentBytes', flag: 'segment-bytes', env: 'WHARF_SEGMENT_BYTES', kind: 'bytes', defaultValue: GIB, min: 1024, max: 2 * GIB - 1,
    description: 'A partition rolls to a new segment file when the active one would grow past this size (Kafka segment.bytes).' },
  { key: 'segmentMs', flag: 'segment-ms', env: 'WHARF_SEGMENT_MS', kind: 'duration', defaultValue: 7 * DAY_MS, min: 1,
    description: 'A segment older than this rolls at the next append, so time retention can delete it (Kafka segment.ms).' },
  { key: 'retentionMs', flag: 'retention-ms', env: 'WHARF_RETENTION_MS', kind: 'duration', defaultValue: 7 * DAY_MS, min: -1,
    description: 'Sealed segments whose newest record is older than this are deleted; -1 keeps them forever (Kafka retention.ms).' },
  { key: 'retentionBytes', flag: 'retention-bytes', env: 'WHARF_RETENTION_BYTES', kind: 'bytes', defaultValue: -1, min: -1,
    description: 'Oldest sealed segments are deleted while a partition is larger than this; -1 means no size limit (Kafka retention.bytes).' },
  { key: 'retentionCheckIntervalMs', flag: 'retention-check-interval-ms', env: 'WHARF_RETENTION_CHECK_INTERVAL_MS', kind: 'duration',
    defaultValue: 5 * 60 * 1000, min: 100, description: 'How often retention runs over every partition.' },
  { key: 'indexIntervalBytes', flag: 'index-interval-bytes', env: 'WHARF_INDEX_INTERVAL_BYTES', kind: 'bytes', defaultValue: 4096, min: 1, max: 64 * 1024 * 1024,
    description: 'Bytes of log between two entries of the sparse offset and time indexes.' },
  { key: 'fileHandlesMax', flag: 'file-handles-max', env: 'WHARF_FILE_HANDLES_MAX', kind: 'integer', defaultValue: 1024, min: 8, max: 1_000_000,
    description: 'Open segment files kept at most; idle partitions close theirs and reopen on demand.' },
  { key: 'advertisedHost', flag: 'advertised-host', env: 'WHARF_ADVERTISED_HOST', kind: 'string', defaultValue: 'auto',
    description: 'Host name Kafka clients are told to reconnect to (Metadata, FindCoordinator). auto: the bind address, or 127.0.0.1 when binding to all interfaces.' },
  { key: 'nodeId', flag: 'node-id', env: 'WHARF_NODE_ID', kind: 'integer', defaultValue: 0, min: 0, max: 2 ** 31 - 1,
    description: 'This broker\'s node id, reported to Kafka clients as the broker and controller id.' },
  { key: 'autoCreateTopics', flag: 'auto-create-topics', env: 'WHARF_AUTO_CREATE_TOPICS', kind: 'boolean', defaultValue: true,
    description: 'Create a topic when a client asks for metadata of, or produces to, a topic that does not exist (Kafka auto.create.topics.enable).' },
  { key: 'defaultPartitions', flag: 'default-partitions', env: 'WHARF_DEFAULT_PARTITIONS', kind: 'integer', defaultValue: 1, min: 1, max: 10_000,
    description: 'Partition count of auto-created topics and of CreateTopics requests that leave it to the broker (Kafka num.partitions).' },
  { key: 'partitionsMax', flag: 'partitions-max', env: 'WHARF_PARTITIONS_MAX', kind: 'integer', defaultValue: 10_000, min: 1, max: 1_000_000,
    description: 'Most partitions one topic may have.' },
  { key: 'maxMessageBytes', flag: 'max-message-bytes', env: 'WHARF_MAX_MESSAGE_BYTES', kind: 'bytes', defaultValue: 1_048_588, min: 1024, max: 64 * 1024 * 1024,
    description: 'Largest record batch a producer may send, unless a topic sets max.message.bytes (Kafka message.max.bytes).' },
  { key: 'requestBytesMax', flag: 'request-bytes-max', env: 'WHARF_REQUEST_BYTES_MAX', kind: 'bytes', defaultValue: 100 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024,
    description: 'Largest request a client may send; a larger size prefix closes the connection before the body is read (Kafka socket.request.max.bytes).' },
  { key: 'connectionsMax', flag: 'connections-max', env: 'WHARF_CONNECTIONS_MAX', kind: 'integer', defaultValue: 10_000, min: 1, max: 1_000_000,
    description: 'Client connections accepted at once per listener; further ones are closed at once and logged.' },
  // Consumer groups (docs/consumer-groups.md). Defaults are the coordinator's own (GROUP_COORDINATOR_DEFAULTS).
  { key: 'groupInitialRebalanceDelayMs', flag: 'group-initial-rebalance-delay-ms', env: 'WHARF_GROUP_INITIAL_REBALANCE_DELAY_MS', kind: 'duration',
    defaultValue: 300, min: 0, max: 2 ** 31 - 1,
    description: 'How long the first rebalance of an empty consumer group waits for more members, again while members keep arriving (Kafka group.initial.rebalance.delay.ms, default 3000 there; shorter here so a lone consumer starts fast).' },
  { key: 'groupMaxSize', flag: 'group-max-size', env: 'WHARF_GROUP_MAX_SIZE', kind: 'integer', defaultValue: 1000, min: 1, max: 2 ** 31 - 1,
    description: 'Most members one consumer group may have; further ones get GROUP_MAX_SIZE_REACHED (Kafka group.max.size).' },
  { key: 'groupSessionTimeoutMinMs', flag: 'group-session-timeout-min-ms', env: 'WHARF_GROUP_SESSION_TIMEOUT_MIN_MS', kind: 'duration',
    defaultValue: 6000, min: 1, max: 2 ** 31 - 1,
    description: 'Shortest session timeout a group member may ask for; shorter gets INVALID_SESSION_TIMEOUT (Kafka group.min.session.timeout.ms).' },
  { key: 'groupSessionTimeoutMaxMs', flag: 'group-session-timeout-max-ms', env: 'WHARF_GROUP_SESSION_TIMEOUT_MAX_MS', kind: 'duration',
    defaultValue: 1_800_000, min: 1, max: 2 ** 31 - 1,
    description: 'Longest session timeout a group member may ask for; must be at least groupSessionTimeoutMinMs (Kafka group.max.session.timeout.ms).' },
  { key: 'offsetMetadataBytesMax', flag: 'offset-metadata-bytes-max', env: 'WHARF_OFFSET_METADATA_BYTES_MAX', kind: 'bytes', defaultValue: 4096, min: 0, max: 2 ** 31 - 1,
    description: 'Longest metadata string a committed offset may carry; longer gets OFFSET_METADATA_TOO_LARGE (Kafka offset.metadata.max.bytes).' },
  // AMQP 0-9-1 (docs/amqp.md). Defaults are RabbitMQ's, which its clients are tuned for.
  { key: 'amqpFrameMax', flag: 'amqp-frame-max', env: 'WHARF_AMQP_FRAME_MAX', kind: 'bytes', defaultValue: 131_072, min: 4096, max: 16 * 1024 * 1024,
    description: 'Largest AMQP frame offered in connection.tune; clients may negotiate lower. A larger frame closes the connection with 501 FRAME_ERROR.' },
  { key: 'amqpChannelMax', flag: 'amqp-channel-max', env: 'WHARF_AMQP_CHANNEL_MAX', kind: 'integer', defaultValue: 2047, min: 1, max: 65535,
    description: 'Most channels one AMQP connection may open (offered in connection.tune).' },
  { key: 'amqpHeartbeatSec', flag: 'amqp-heartbeat-sec', env: 'WHARF_AMQP_HEARTBEAT_SEC', kind: 'integer', defaultValue: 60, min: 0, max: 65535,
    description: 'Heartbeat interval offered in connection.tune, in seconds; a peer silent for two intervals is disconnected. 0 disables heartbeats.' },
  { key: 'amqpUsers', flag: 'amqp-users', env: 'WHARF_AMQP_USERS', kind: 'string', defaultValue: '',
    description: 'AMQP users as comma-separated name:password[:tag] entries (tag administrator or management). Empty: the single user guest/guest, allowed from loopback only, as in RabbitMQ.' },
  { key: 'amqpVhosts', flag: 'amqp-vhosts', env: 'WHARF_AMQP_VHOSTS', kind: 'string', defaultValue: '/',
    description: 'Comma-separated virtual hosts that exist at start; / always exists.' },
  { key: 'amqpAckStateIntervalMs', flag: 'amqp-ack-state-interval-ms', env: 'WHARF_AMQP_ACK_STATE_INTERVAL_MS', kind: 'duration', defaultValue: 1000, min: 10, max: 60_000,
    description: 'How often a durable queue persists which of its stored messages are acknowledged; after a crash, messages acked within the last interval may be redelivered (flagged redelivered).' },
  { key: 'memoryHighWatermarkBytes', flag: 'memory-high-watermark-bytes', env: 'WHARF_MEMORY_HIGH_WATERMARK_BYTES', kind: 'bytes', defaultValue: 0, min: 0,
    description: 'When the process uses more memory than this, AMQP publishers are blocked (connection.blocked) until it falls below. 0: 40% of the machine\'s memory, as in RabbitMQ.' },
  { key: 'diskFreeLimitBytes', flag: 'disk-free-limit-bytes', env: 'WHARF_DISK_FREE_LIMIT_BYTES', kind: 'bytes', defaultValue: 50 * 1024 * 1024, min: 0,
    description: 'When free space on the data directory\'s disk falls below this, AMQP publishers are blocked until it recovers (RabbitMQ disk_free_limit).' },
  // HTTP and WebSocket gateway (docs/gateway.md).
  { key: 'httpBodyBytesMax', flag: 'http-body-bytes-max', env: 'WHARF_HTTP_BODY_BYTES_MAX', kind: 'bytes', defaultValue: 16 * 1024 * 1024, min: 1024, max: 1024 * 1024 * 1024,
    description: 'Largest HTTP request body; a larger Content-Length gets 413 before the body is read, and a chunked body is cut off with 413 as soon as it passes this.' },
  { key: 'wsBufferedBytesMax', flag: 'ws-buffered-bytes-max', env: 'WHARF_WS_BUFFERED_BYTES_MAX', kind: 'bytes', defaultValue: 4 * 1024 * 1024, min: 64 * 1024, max: 1024 * 1024 * 1024,
    description: 'A WebSocket whose unsent data passes this (the client stopped reading) is closed and its unacknowledged deliveries are requeued.' },
];

export function defaultConfig(): WharfConfig {
  const out: Record<string, string | number | boolean> = {};
  for (const k of CONFIG_KEYS) out[k.key] = k.defaultValue;
  return out as unknown as WharfConfig;
}
