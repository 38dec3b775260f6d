// Where committed offsets and group metadata live across restarts. The coordinator appends
// entries and, once at open, replays them all; latest wins per key, a null value deletes it
// (a tombstone). Two implementations run one shared suite (test/unit/broker/groups/
// offset-store-conformance.ts): MemoryOffsetStore for tests and LogOffsetStore on a PartitionLog.
//
// Contract:
// - append(entries) resolves once the entries are durable (for LogOffsetStore: acknowledged by
//   the partition log under its flush policy, fdatasync'd under `always`), and all of one append
//   survive a crash together or not at all.
// - appends resolve (or reject) in the order they were called, so applying each result as it
//   resolves rebuilds the same state replay would.
// - replay(visit) hands every durable entry to `visit`, oldest first. Buffers handed out are
//   the store's own (not views of a read buffer), so the caller may keep them.
import type { MemberIdentity } from './group-types.js';

export interface OffsetValue {
  offset: number;
  /** -1 when the client sent none. */
  leaderEpoch: number;
  /** Kafka stores a null metadata as ''. */
  metadata: string;
  commitTimestampMs: number;
}

export interface StoredMember extends MemberIdentity {
  /** The member's metadata for the group's protocol. */
  subscription: Buffer;
  assignment: Buffer;
}

/** What a group needs to come back Stable (or Empty) after a restart, as Kafka's GroupMetadataValue. */
export interface StoredGroup {
  protocolType: string;
  generationId: number;
  protocolName: string | null;
  leaderId: string | null;
  stateTimestampMs: number;
  members: StoredMember[];
}

export type OffsetStoreEntry =
  | { kind: 'offset'; groupId: string; topic: string; partition: number; value: OffsetValue | null }
  | { kind: 'group'; groupId: string; value: StoredGroup | null };

export interface OffsetStoreReplay {
  /** Entries handed to the visitor. */
  entries: number;
  /** Bytes read (0 for a store without bytes). */
  bytes: number;
}

export interface OffsetStore {
  /** Hands every durable entry to `visit`, oldest first. Call before the first append. */
  replay(visit: (entry: OffsetStoreEntry) => void): Promise<OffsetStoreReplay>;
  /** Appends the entries as one unit; resolves when they are durable. Rejects with a WharfError. */
  append(entries: readonly OffsetStoreEntry[]): Promise<void>;
  /** Waits for appends in flight, then refuses new ones. Does not close what the store was built on. */
  close(): Promise<void>;
}
