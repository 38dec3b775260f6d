// Outcomes of group-coordinator calls. A JoinGroup that finds a rebalance, an offset commit from a
// stale generation: these are expected results, returned as values (never thrown), one per request
// or per partition as Kafka returns them. The names are Kafka's error names (KJS
// `src/protocol/error.js`), so protocols/kafka/error-codes.ts maps each one by name; other
// protocols map the few they need.
//
// Thrown errors are kept for what is not an outcome of a request: invalid coordinator options and
// an offsets log the coordinator cannot read (WHARF_ERR_* codes below, listed in docs/errors.md).
import { WharfError } from '../../util/wharf-error.js';

export const GroupError = {
  NONE: 'NONE',
  /** The member id (or the instance id's member) is not in the group: reset the member id and rejoin. */
  UNKNOWN_MEMBER_ID: 'UNKNOWN_MEMBER_ID',
  /** The request carries another generation than the group's: rejoin. */
  ILLEGAL_GENERATION: 'ILLEGAL_GENERATION',
  /** The group is rebalancing: rejoin (Heartbeat, SyncGroup, OffsetCommit during CompletingRebalance). */
  REBALANCE_IN_PROGRESS: 'REBALANCE_IN_PROGRESS',
  /** JoinGroup v4+ without a member id (KIP-394): rejoin with the member id in the result. */
  MEMBER_ID_REQUIRED: 'MEMBER_ID_REQUIRED',
  /** No protocol every member supports, a protocol type other than the group's, or (SyncGroup v5+) a mismatch. */
  INCONSISTENT_GROUP_PROTOCOL: 'INCONSISTENT_GROUP_PROTOCOL',
  /** A newer member took over this group.instance.id (KIP-345): the old instance must stop. */
  FENCED_INSTANCE_ID: 'FENCED_INSTANCE_ID',
  /** The session timeout is outside [sessionTimeoutMinMs, sessionTimeoutMaxMs]. */
  INVALID_SESSION_TIMEOUT: 'INVALID_SESSION_TIMEOUT',
  /** An empty group id on a membership call, or one too long to store. */
  INVALID_GROUP_ID: 'INVALID_GROUP_ID',
  /** DeleteGroups / OffsetDelete for a group the coordinator does not know. */
  GROUP_ID_NOT_FOUND: 'GROUP_ID_NOT_FOUND',
  /** DeleteGroups, OffsetDelete of a non-consumer group, or an offset reset while the group has members. */
  NON_EMPTY_GROUP: 'NON_EMPTY_GROUP',
  /** The group has groupMaxSize members already. */
  GROUP_MAX_SIZE_REACHED: 'GROUP_MAX_SIZE_REACHED',
  /** Kept for the mapping table: open() replays the whole log before it returns, so never returned today. */
  COORDINATOR_LOAD_IN_PROGRESS: 'COORDINATOR_LOAD_IN_PROGRESS',
  /** The coordinator is closed (or closing), or the offsets log failed an append: find the coordinator and retry. */
  COORDINATOR_NOT_AVAILABLE: 'COORDINATOR_NOT_AVAILABLE',
  /** Kept for the mapping table (a cluster sends groups to their coordinator); a single node never returns it. */
  NOT_COORDINATOR: 'NOT_COORDINATOR',
  /** An offset commit for a partition the broker does not have (options.partitionExists). */
  UNKNOWN_TOPIC_OR_PARTITION: 'UNKNOWN_TOPIC_OR_PARTITION',
  /** Commit metadata longer than offsetMetadataBytesMax (Kafka's offset.metadata.max.bytes). */
  OFFSET_METADATA_TOO_LARGE: 'OFFSET_METADATA_TOO_LARGE',
  /** The commit does not fit in one append of the offsets log. */
  INVALID_COMMIT_OFFSET_SIZE: 'INVALID_COMMIT_OFFSET_SIZE',
  /** OffsetDelete of a partition whose topic an active consumer group subscribes to (KIP-496). */
  GROUP_SUBSCRIBED_TO_TOPIC: 'GROUP_SUBSCRIBED_TO_TOPIC',
} as const;

export type GroupError = (typeof GroupError)[keyof typeof GroupError];

export const GroupErrorCode = {
  /** GroupCoordinator.open with an option outside its range. */
  GROUP_CONFIG: 'WHARF_ERR_GROUP_CONFIG',
  /** The offsets log holds a record of a kind or version this Wharf does not read. */
  OFFSETS_LOG_FORMAT: 'WHARF_ERR_OFFSETS_LOG_FORMAT',
  /** A record of the offsets log has a known kind but does not decode. */
  OFFSETS_LOG_CORRUPT: 'WHARF_ERR_OFFSETS_LOG_CORRUPT',
  /** An OffsetStore was used after close(). */
  OFFSET_STORE_CLOSED: 'WHARF_ERR_OFFSET_STORE_CLOSED',
} as const;

export type GroupErrorCode = (typeof GroupErrorCode)[keyof typeof GroupErrorCode];

export function groupError(code: GroupErrorCode, message: string, cause?: unknown): WharfError {
  return new WharfError(code, message, cause === undefined ? undefined : { cause });
}
