// One member of a group (Kafka's MemberMetadata): its protocols and assignment, the long polls it
// has open, and its session deadline. Plain state; group.ts and rebalance.ts apply the rules.
import type { Deadline } from './deadline-queue.js';
import type { GroupProtocol, JoinGroupResult, MemberIdentity, SyncGroupResult } from './group-types.js';

const EMPTY = Buffer.alloc(0);

export interface MemberSpec extends MemberIdentity {
  protocolType: string;
  protocols: readonly GroupProtocol[];
}

export class GroupMember {
  /** Changes only when a restarted static member replaces this one (KIP-345). */
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  protocols: readonly GroupProtocol[];
  assignment: Buffer = EMPTY;
  /** The open JoinGroup long poll; non-null means the member has (re)joined this rebalance. */
  joinWaiter: ((result: JoinGroupResult) => void) | null = null;
  /** The open SyncGroup long poll. */
  syncWaiter: ((result: SyncGroupResult) => void) | null = null;
  /** Joined but not yet through a completed join: it expires on the new-member timeout, not the session. */
  isNew = false;
  /** When the session ends unless a heartbeat (or a finished long poll) pushes it on. */
  sessionDeadlineMs = 0;
  /** The member's entry in the deadline queue; it may fire before sessionDeadlineMs and re-queue. */
  sessionTimer: Deadline | null = null;

  constructor(spec: MemberSpec) {
    this.memberId = spec.memberId;
    this.groupInstanceId = spec.groupInstanceId;
    this.clientId = spec.clientId;
    this.clientHost = spec.clientHost;
    this.rebalanceTimeoutMs = spec.rebalanceTimeoutMs;
    this.sessionTimeoutMs = spec.sessionTimeoutMs;
    this.protocolType = spec.protocolType;
    this.protocols = spec.protocols;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.joinWaiter !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncWaiter !== null;
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((p) => p.name === protocolName);
  }

  /** Metadata for `protocolName`; empty if the member does not list it (never the case once chosen). */
  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
  }

  /** The member's first protocol among the candidates (Kafka's MemberMetadata.vote). */
  vote(candidates: ReadonlySet<string>): string | null {
    for (const p of this.protocols) if (candidates.has(p.name)) return p.name;
    return null;
  }

  /** Same protocols, in the same order, with the same bytes: a rejoin that changes nothing. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    for (let i = 0; i < protocols.length; i++) {
      const a = protocols[i] as GroupProtocol;
      const b = this.protocols[i] as GroupProtocol;
      if (a.name !== b.name || !a.metadata.equals(b.metadata)) return false;
    }
    return true;
  }

  /** Distinct protocol names, in order (a list naming one twice counts once). */
  protocolNames(): string[] {
    return [...new Set(this.protocols.map((p) => p.name))];
  }
}
