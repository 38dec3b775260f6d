// Settings of the group coordinator, with Kafka's names and defaults (units last). Checked once
// at open; a value out of range throws WHARF_ERR_GROUP_CONFIG and names the setting.
import { randomUUID } from 'node:crypto';
import { systemTimers, type Clock, type TimerDriver } from './deadline-queue.js';
import { GroupErrorCode, groupError } from './group-errors.js';

export interface GroupCoordinatorOptions {
  /** Milliseconds since the epoch (default Date.now). */
  clock?: Clock;
  /** The one timer behind every deadline (default: unref'd setTimeout). */
  timers?: TimerDriver;
  /**
   * group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for
   * more members, extended by the same again while members keep arriving (up to the rebalance
   * timeout). Kafka defaults to 3000; Wharf to 300, enough for consumers started together to
   * land in one generation without making a lone consumer wait seconds.
   */
  initialRebalanceDelayMs?: number;
  /** group.max.size (Kafka: unlimited; Wharf: 1000). */
  groupMaxSize?: number;
  /** group.min.session.timeout.ms (6000). */
  sessionTimeoutMinMs?: number;
  /** group.max.session.timeout.ms (1800000). */
  sessionTimeoutMaxMs?: number;
  /** How long a new member's JoinGroup may wait before it is dropped (Kafka: 5 minutes, fixed). */
  newMemberJoinTimeoutMs?: number;
  /** offset.metadata.max.bytes (4096): longer commit metadata gets OFFSET_METADATA_TOO_LARGE. */
  offsetMetadataBytesMax?: number;
  /**
   * How often empty groups without offsets are forgotten (offsets.retention.check.interval.ms,
   * 600000); 0 never does.
   */
  emptyGroupCleanupIntervalMs?: number;
  /** Whether the broker has this partition; commits to others get UNKNOWN_TOPIC_OR_PARTITION (default: all exist). */
  partitionExists?: (topic: string, partition: number) => boolean;
  /** Member ids are `${clientId or instance id}-${uuid()}` (default crypto.randomUUID). */
  uuid?: () => string;
  /** Told about failed appends the coordinator cannot report to a request (e.g. an empty generation's metadata). */
  onStoreError?: (error: unknown, action: string) => void;
}

export interface ResolvedGroupCoordinatorOptions {
  clock: Clock;
  timers: TimerDriver;
  initialRebalanceDelayMs: number;
  groupMaxSize: number;
  sessionTimeoutMinMs: number;
  sessionTimeoutMaxMs: number;
  newMemberJoinTimeoutMs: number;
  offsetMetadataBytesMax: number;
  emptyGroupCleanupIntervalMs: number;
  partitionExists: (topic: string, partition: number) => boolean;
  uuid: () => string;
  onStoreError: (error: unknown, action: string) => void;
}

export const GROUP_COORDINATOR_DEFAULTS = {
  initialRebalanceDelayMs: 300,
  groupMaxSize: 1000,
  sessionTimeoutMinMs: 6000,
  sessionTimeoutMaxMs: 1_800_000,
  newMemberJoinTimeoutMs: 300_000,
  offsetMetadataBytesMax: 4096,
  emptyGroupCleanupIntervalMs: 600_000,
} as const;

const INT32_MAX = 0x7fff_ffff;

function checked(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw groupError(GroupErrorCode.GROUP_CONFIG, `group coordinator option ${name}=${value} must be an integer in [${min}, ${max}]`);
  }
  return value;
}

export function resolveGroupCoordinatorOptions(options: GroupCoordinatorOptions): ResolvedGroupCoordinatorOptions {
  const d = GROUP_COORDINATOR_DEFAULTS;
  const sessionTimeoutMinMs = checked('sessionTimeoutMinMs', options.sessionTimeoutMinMs ?? d.sessionTimeoutMinMs, 1, INT32_MAX);
  const sessionTimeoutMaxMs = checked('sessionTimeoutMaxMs', options.sessionTimeoutMaxMs ?? d.sessionTimeoutMaxMs, sessionTimeoutMinMs, INT32_MAX);
  return {
    clock: options.clock ?? Date.now,
    timers: options.timers ?? systemTimers,
    initialRebalanceDelayMs: checked('initialRebalanceDelayMs', options.initialRebalanceDelayMs ?? d.initialRebalanceDelayMs, 0, INT32_MAX),
    groupMaxSize: checked('groupMaxSize', options.groupMaxSize ?? d.groupMaxSize, 1, INT32_MAX),
    sessionTimeoutMinMs,
    sessionTimeoutMaxMs,
    newMemberJoinTimeoutMs: checked('newMemberJoinTimeoutMs', options.newMemberJoinTimeoutMs ?? d.newMemberJoinTimeoutMs, 1, INT32_MAX),
    offsetMetadataBytesMax: checked('offsetMetadataBytesMax', options.offsetMetadataBytesMax ?? d.offsetMetadataBytesMax, 0, INT32_MAX),
    emptyGroupCleanupIntervalMs: checked('emptyGroupCleanupIntervalMs', options.emptyGroupCleanupIntervalMs ?? d.emptyGroupCleanupIntervalMs, 0, INT32_MAX),
    partitionExists: options.partitionExists ?? (() => true),
    uuid: options.uuid ?? randomUUID,
    onStoreError: options.onStoreError ?? (() => undefined),
  };
}
