// Groups ⇄ OffsetStore entries: the StoredGroup written when a generation is settled (the leader's
// assignment, an empty generation, a replaced static member), and the replay that rebuilds every
// group at open. Replay keeps the last value per key and drops a key at its tombstone, so it
// builds what the coordinator held when the last acknowledged append resolved.
import { Group } from './group.js';
import { GroupMember } from './group-member.js';
import type { OffsetStoreEntry, StoredGroup } from './offset-store.js';
import type { MemberIdentity } from './group-types.js';

/** The group as stored: members with their subscription and `assignments` (or their current assignment). */
export function storedGroupOf(group: Group, assignments: ReadonlyMap<string, Buffer> | null): StoredGroup {
  const protocol = group.protocolName;
  const empty = Buffer.alloc(0);
  return {
    protocolType: group.protocolType ?? '',
    generationId: group.generationId,
    protocolName: protocol,
    leaderId: group.leaderId,
    stateTimestampMs: group.stateTimestampMs,
    members: [...group.members.values()].map((m) => ({
      ...identityOf(m),
      subscription: protocol === null ? empty : m.metadataFor(protocol),
      assignment: assignments?.get(m.memberId) ?? m.assignment,
    })),
  };
}

/** Collects replayed entries, then builds the groups (Stable with members, Empty without). */
export class GroupReplay {
  private readonly groups = new Map<string, Group>();
  private readonly metadata = new Map<string, StoredGroup | null>();
  private readonly nowMs: number;

  constructor(nowMs: number) {
    this.nowMs = nowMs;
  }

  readonly visit = (entry: OffsetStoreEntry): void => {
    const group = this.groupFor(entry.groupId);
    if (entry.kind === 'offset') group.setOffset(entry.topic, entry.partition, entry.value);
    else this.metadata.set(entry.groupId, entry.value);
  };

  /** The groups that hold offsets or metadata; a deleted group (tombstoned) is gone. */
  finish(): Map<string, Group> {
    const out = new Map<string, Group>();
    for (const [groupId, group] of this.groups) {
      const stored = this.metadata.get(groupId) ?? null;
      if (stored === null && !group.hasOffsets) continue;
      if (stored !== null) restoreMetadata(group, stored);
      out.set(groupId, group);
    }
    return out;
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined) this.groups.set(groupId, (group = new Group(groupId, this.nowMs)));
    return group;
  }
}

function restoreMetadata(group: Group, stored: StoredGroup): void {
  group.generationId = stored.generationId;
  group.protocolType = stored.protocolType === '' ? null : stored.protocolType;
  group.protocolName = stored.protocolName;
  group.stateTimestampMs = stored.stateTimestampMs;
  const protocol = stored.protocolName;
  if (protocol !== null) {
    for (const m of stored.members) {
      const member = new GroupMember({
        ...identityOf(m),
        protocolType: stored.protocolType,
        protocols: [{ name: protocol, metadata: m.subscription }],
      });
      member.assignment = m.assignment;
      group.add(member, null);
    }
  }
  if (stored.leaderId !== null && group.has(stored.leaderId)) group.leaderId = stored.leaderId;
  // A group comes back as it was last stored: settled with its members, or empty (Kafka's load).
  group.state = group.size > 0 ? 'Stable' : 'Empty';
  group.subscribedTopics = group.computeSubscribedTopics();
}

/** The identity fields alone, so nothing else of a live member or a stored one is copied across. */
function identityOf(m: MemberIdentity): MemberIdentity {
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    sessionTimeoutMs: m.sessionTimeoutMs,
  };
}
