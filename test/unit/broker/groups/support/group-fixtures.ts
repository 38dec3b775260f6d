// Shared by the group-coordinator tests: a coordinator on a MemoryOffsetStore with a manual clock,
// request builders with sensible defaults, consumer subscriptions as clients encode them, and a
// helper that takes a set of members through JoinGroup and SyncGroup to a Stable generation.
import assert from 'node:assert/strict';
import {
  GroupCoordinator, GroupError, ManualTime, MemoryOffsetStore, type GroupCoordinatorOptions, type JoinGroupRequest, type JoinGroupResult,
  type OffsetStore, type SyncGroupResult,
} from '../../../../../src/broker/groups/index.js';

export const INITIAL_DELAY_MS = 100;
export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export interface Harness {
  time: ManualTime;
  store: MemoryOffsetStore;
  coordinator: GroupCoordinator;
}

export interface HarnessOptions extends GroupCoordinatorOptions {
  store?: MemoryOffsetStore;
  time?: ManualTime;
}

/** A coordinator with a manual clock, predictable member ids and no background cleanup. */
export async function openHarness(options: HarnessOptions = {}): Promise<Harness> {
  const time = options.time ?? new ManualTime();
  const store = options.store ?? new MemoryOffsetStore();
  let next = 0;
  const coordinator = await GroupCoordinator.open(store as OffsetStore, {
    initialRebalanceDelayMs: INITIAL_DELAY_MS,
    emptyGroupCleanupIntervalMs: 0,
    uuid: () => `uuid${++next}`,
    ...options,
    clock: time.clock,
    timers: time.timers,
  });
  return { time, store, coordinator };
}

/** ConsumerProtocolSubscription v0 as clients send it: version, topics, user data (null). */
export function subscription(topics: readonly string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) {
    const name = Buffer.from(t, 'utf8');
    parts.push(Buffer.from([name.length >> 8, name.length & 0xff]), name);
  }
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

function int32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
}

export function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['orders']) }],
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: REBALANCE_MS,
    requireKnownMemberId: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...overrides,
  };
}

/** A promise whose outcome can be checked without awaiting it (to assert a long poll is still open). */
export interface Tracked<T> {
  promise: Promise<T>;
  readonly settled: boolean;
  readonly value: T;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  let settled = false;
  let value: T | undefined;
  void promise.then((v) => {
    settled = true;
    value = v;
  });
  return {
    promise,
    get settled() {
      return settled;
    },
    get value() {
      assert.ok(settled, 'promise has not settled');
      return value as T;
    },
  };
}

/** Lets promise callbacks and the memory store's setImmediate settlements run. */
export async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function assignmentFor(memberId: string, generationId: number): Buffer {
  return Buffer.from(`${memberId}@${generationId}`);
}

export interface StableGroup {
  generationId: number;
  leaderId: string;
  joins: JoinGroupResult[];
  syncs: SyncGroupResult[];
}

/**
 * Joins every request (in order, all in one rebalance), completes the join phase by moving time
 * past the initial delay (and its extensions), then has the leader assign `assignmentFor(member, generation)` to each
 * member and every member sync. Returns the join and sync results in request order.
 */
export async function formGroup(h: Pick<Harness, 'time' | 'coordinator'>, requests: readonly JoinGroupRequest[]): Promise<StableGroup> {
  const pending = requests.map((r) => track(h.coordinator.joinGroup(r)));
  // Members joining during the initial delay extend it (once per delay), so step until all are in.
  for (let step = 0; step < requests.length + 1 && !pending.every((p) => p.settled); step++) {
    h.time.advance(INITIAL_DELAY_MS);
    await turns(1);
  }
  const joins = await Promise.all(pending.map((p) => p.promise));
  for (const j of joins) assert.equal(j.error, GroupError.NONE, `join failed: ${j.error}`);
  return syncAll(h, requests[0]?.groupId ?? 'g', joins);
}

/** Every member of a completed join syncs; the leader sends `assignmentFor` for each member. */
export async function syncAll(h: Pick<Harness, 'coordinator'>, groupId: string, joins: readonly JoinGroupResult[]): Promise<StableGroup> {
  const first = joins[0];
  assert.ok(first !== undefined);
  const { generationId, leaderId } = first;
  const leader = joins.find((j) => j.memberId === leaderId);
  assert.ok(leader !== undefined, 'the leader is among the joined members');
  const assignments = leader.members.map((m) => ({ memberId: m.memberId, assignment: assignmentFor(m.memberId, generationId) }));
  const syncs = await Promise.all(joins.map((j) => h.coordinator.syncGroup({
    groupId, generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, assignments: j.memberId === leaderId ? assignments : [],
  })));
  return { generationId, leaderId, joins: [...joins], syncs };
}
