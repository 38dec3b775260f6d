// /api/groups: Kafka consumer groups with their members, assignments and lag, offset resets (as
// `wharf groups reset-offsets` / kafka-consumer-groups plan them) and deletion.
import { groupLag } from '../../../broker/groups/group-lag.js';
import { GroupError, planOffsetReset, type GroupDescription, type OffsetResetSource, type OffsetResetSpec } from '../../../broker/groups/index.js';
import { offsetForTimestamp } from '../../../broker/offset-for-time.js';
import { describe } from '../payload.js';
import { badRequest, conflict, MgmtError, objectNotFound } from './mgmt-error.js';
import { integer, list, noContent, ok, readJsonObject, topicNamed, type MgmtAnswer, type MgmtRequest, type MgmtRoute } from './mgmt-route.js';
import type { Item } from './pagination.js';

export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

/**
 * Kafka's ConsumerProtocolAssignment (every version starts version int16, then topics: count
 * int32, (name int16-length string, partitions: count int32, int32*)*); null when the bytes are
 * not one. Bounded: every count and length is checked against the bytes left.
 */
export function decodeAssignment(bytes: Buffer): TopicAssignment[] | null {
  if (bytes.length === 0) return [];
  if (bytes.length < 6 || bytes.readInt16BE(0) < 0) return null;
  const count = bytes.readInt32BE(2);
  if (count < 0 || count > (bytes.length - 6) / 6) return null;
  let pos = 6;
  const out: TopicAssignment[] = [];
  for (let i = 0; i < count; i++) {
    if (pos + 2 > bytes.length) return null;
    const length = bytes.readInt16BE(pos);
    pos += 2;
    if (length < 0 || pos + length + 4 > bytes.length) return null;
    const topic = bytes.toString('utf8', pos, pos + length);
    pos += length;
    const n = bytes.readInt32BE(pos);
    pos += 4;
    if (n < 0 || pos + 4 * n > bytes.length) return null;
    const partitions: number[] = [];
    for (let j = 0; j < n; j++, pos += 4) partitions.push(bytes.readInt32BE(pos));
    out.push({ topic, partitions });
  }
  return out;
}

function totalLag(r: MgmtRequest, groupId: string): number | null {
  const lags = groupLag(r.deps.broker.groups, r.deps.broker.topics, groupId);
  let total = 0;
  let known = false;
  for (const l of lags) {
    if (l.lag === null) continue;
    total += l.lag;
    known = true;
  }
  return known ? total : null;
}

function describeOrThrow(r: MgmtRequest, groupId: string): GroupDescription {
  const d = r.deps.broker.groups.describeGroup(groupId);
  if (d.error === GroupError.COORDINATOR_NOT_AVAILABLE) throw new MgmtError(503, 'unavailable', 'the group coordinator is not available (the broker is stopping); retry');
  if (d.error !== GroupError.NONE) throw badRequest(`group '${groupId}': ${d.error}`);
  return d;
}

function listGroups(r: MgmtRequest): Item[] {
  return r.deps.broker.groups.listGroups().map((g) => {
    const d = r.deps.broker.groups.describeGroup(g.groupId);
    return {
      group_id: g.groupId, name: g.groupId, state: g.state, protocol_type: g.protocolType, protocol: d.protocolName,
      members: d.members.length, lag: totalLag(r, g.groupId),
    };
  });
}

function groupDetail(r: MgmtRequest): Item {
  const groupId = r.params[0] as string;
  const d = describeOrThrow(r, groupId);
  const partitions = groupLag(r.deps.broker.groups, r.deps.broker.topics, groupId);
  if (d.state === 'Dead' && partitions.length === 0) throw objectNotFound(`no consumer group '${groupId}'`);
  return {
    group_id: groupId, state: d.state, protocol_type: d.protocolType, protocol: d.protocolName,
    members: d.members.map((m) => ({
      member_id: m.memberId, group_instance_id: m.groupInstanceId, client_id: m.clientId, client_host: m.clientHost,
      assignments: decodeAssignment(m.assignment),
    })),
    partitions: partitions.map((p) => ({ topic: p.topic, partition: p.partition, committed_offset: p.committedOffset, high_watermark: p.highWatermark, lag: p.lag })),
    lag: totalLag(r, groupId),
  };
}

function resetSpec(to: unknown): OffsetResetSpec {
  if (to === 'earliest') return { kind: 'earliest' };
  if (to === 'latest') return { kind: 'latest' };
  if (typeof to === 'object' && to !== null && !Array.isArray(to)) {
    const o = to as Record<string, unknown>;
    if (o.offset !== undefined) return { kind: 'to-offset', offset: integer(o.offset, 'to.offset', 0, Number.MAX_SAFE_INTEGER, 0) };
    if (o.timestamp !== undefined) return { kind: 'datetime', timestampMs: integer(o.timestamp, 'to.timestamp', 0, Number.MAX_SAFE_INTEGER, 0) };
    if (o.shift_by !== undefined) return { kind: 'shift-by', delta: integer(o.shift_by, 'to.shift_by', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0) };
  }
  throw badRequest(`to must be "earliest", "latest", {"offset": N}, {"timestamp": MS} or {"shift_by": N}, not ${describe(to)}`);
}

async function resetOffsets(r: MgmtRequest): Promise<MgmtAnswer> {
  const groupId = r.params[0] as string;
  const body = await readJsonObject(r, 'the reset body');
  if (typeof body.topic !== 'string' || body.topic === '') throw badRequest('topic is required: the topic whose offsets to reset');
  const topic = topicNamed(r, body.topic);
  const spec = resetSpec(body.to);
  const all = topic.partitions.map((_, p) => p);
  let partitions = all;
  if (body.partitions !== undefined && body.partitions !== null) {
    if (!Array.isArray(body.partitions)) throw badRequest('partitions must be an array of partition numbers');
    partitions = body.partitions.map((p, i) => integer(p, `partitions[${i}]`, 0, all.length - 1, 0));
  }
  const d = describeOrThrow(r, groupId);
  if (d.members.length > 0) throw conflict(`group '${groupId}' has ${d.members.length} active member(s) (${d.state}); stop its consumers before resetting offsets`);
  const committed = r.deps.broker.groups.fetchOffsets(groupId, partitions.map((partition) => ({ topic: topic.name, partition })));
  const source: OffsetResetSource = {
    bounds: (tp) => {
      const log = topic.partitions[tp.partition];
      return { logStartOffset: log?.logStartOffset ?? 0, logEndOffset: log?.highWatermark ?? 0 };
    },
    offsetForTimestamp: async (tp, ms) => {
      const log = topic.partitions[tp.partition];
      return log === undefined ? null : ((await offsetForTimestamp(log, ms))?.offset ?? null);
    },
  };
  const current = (tp: { partition: number }): number => committed.partitions.find((c) => c.partition === tp.partition)?.offset ?? -1;
  const plan = await planOffsetReset(spec, partitions.map((partition) => ({ topic: topic.name, partition })), current, source);
  const problems = plan.filter((p) => p.problem !== null).map((p) => p.problem);
  if (problems.length > 0) throw badRequest(problems.join('; '));
  const result = await r.deps.broker.groups.resetOffsets(groupId, plan.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.offset })));
  if (result.error === GroupError.NON_EMPTY_GROUP) throw conflict(`group '${groupId}' has active members; stop its consumers before resetting offsets`);
  if (result.error !== GroupError.NONE) throw new MgmtError(503, 'unavailable', `resetting the offsets of group '${groupId}' failed: ${result.error}`);
  const failed = result.partitions.filter((p) => p.error !== GroupError.NONE);
  if (failed.length > 0) throw new MgmtError(503, 'unavailable', `resetting failed for ${failed.map((p) => `${p.topic}-${p.partition}: ${p.error}`).join(', ')}`);
  return ok({ group_id: groupId, partitions: plan.map((p) => ({ topic: p.topic, partition: p.partition, previous_offset: current(p), offset: p.offset })) });
}

async function deleteGroup(r: MgmtRequest): Promise<MgmtAnswer> {
  const groupId = r.params[0] as string;
  const [result] = await r.deps.broker.groups.deleteGroups([groupId]);
  const error = result?.error ?? GroupError.NONE;
  if (error === GroupError.GROUP_ID_NOT_FOUND) throw objectNotFound(`no consumer group '${groupId}'`);
  if (error === GroupError.NON_EMPTY_GROUP) throw conflict(`group '${groupId}' has active members; stop its consumers before deleting it`);
  if (error === GroupError.INVALID_GROUP_ID) throw badRequest(`'${groupId}' is not a valid group id`);
  if (error !== GroupError.NONE) throw new MgmtError(503, 'unavailable', `deleting group '${groupId}' failed: ${error}`);
  return noContent();
}

export const GROUP_ROUTES: readonly MgmtRoute[] = [
  { pattern: ['api', 'groups'], methods: { GET: (r) => list(listGroups(r)) } },
  { pattern: ['api', 'groups', ':id'], methods: { GET: (r) => ok(groupDetail(r)), DELETE: deleteGroup } },
  { pattern: ['api', 'groups', ':id', 'reset-offsets'], methods: { POST: resetOffsets } },
];
