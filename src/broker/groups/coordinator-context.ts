// What the request files (join-group.ts, member-requests.ts, offset-commits.ts, group-admin.ts)
// share: the groups, the settings, the deadline queue, the rebalance rules and the store. Owned by
// GroupCoordinator; one object, so each request file is a set of plain functions over it.
import type { ResolvedGroupCoordinatorOptions } from './coordinator-options.js';
import type { DeadlineQueue } from './deadline-queue.js';
import type { Group } from './group.js';
import type { GroupProtocol } from './group-types.js';
import type { Rebalancer } from './rebalance.js';
import type { StoreWriter } from './store-writer.js';

export interface CoordinatorContext {
  readonly groups: Map<string, Group>;
  readonly options: ResolvedGroupCoordinatorOptions;
  readonly deadlines: DeadlineQueue;
  readonly rebalancer: Rebalancer;
  readonly writer: StoreWriter;
  isClosed(): boolean;
}

/** Kafka strings carry an int16 length; the offsets log keys group ids and topics the same way. */
export const KEY_STRING_BYTES_MAX = 0x7fff;

/**
 * Membership calls need a non-empty group id; offset and admin calls accept '' (Kafka keeps it
 * for old clients). Every id must fit the offsets log's key.
 */
export function isValidGroupId(groupId: string, allowEmpty: boolean): boolean {
  if (groupId === '' && !allowEmpty) return false;
  return Buffer.byteLength(groupId, 'utf8') <= KEY_STRING_BYTES_MAX;
}

/**
 * A copy the coordinator owns: request buffers may be views into a large network chunk that a
 * long-lived member record must not pin (copy once, at the ownership boundary).
 */
export function ownedCopy(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

export function ownedProtocols(protocols: readonly GroupProtocol[]): GroupProtocol[] {
  return protocols.map((p) => ({ name: p.name, metadata: ownedCopy(p.metadata) }));
}
