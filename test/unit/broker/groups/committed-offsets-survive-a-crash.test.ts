// Durability of the offsets log: commits made through the coordinator onto a LogOffsetStore over
// MemoryFileIO, a power loss (crash(): unsynced bytes dropped, or a torn random prefix kept) at a
// random acknowledgement, then a restart that replays the log. Every acknowledged commit must be
// back, and nothing but committed values. A failure prints its seed; WHARF_FUZZ_SEED=<seed>
// replays it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCoordinator, GroupError, LogOffsetStore, ManualTime, OFFSETS_LOG_NAME } from '../../../../src/broker/groups/index.js';
import { MemoryFileIO, seededRandom } from '../../../../src/log/memory-file-io.js';
import { PartitionLog } from '../../../../src/log/partition-log.js';
import { formGroup, joinRequest } from './support/group-fixtures.js';

const DIR = `/data/${OFFSETS_LOG_NAME}`;
const PARTITIONS = 6;

async function openCoordinator(io: MemoryFileIO, time: ManualTime): Promise<GroupCoordinator> {
  // Small segments: the crash lands in a log of several segments, and replay crosses them.
  const log = await PartitionLog.open(DIR, { segmentBytesMax: 2048 }, { fileIO: io.process(), nowMs: time.clock });
  return GroupCoordinator.open(new LogOffsetStore(log, { clock: time.clock }), { clock: time.clock, timers: time.timers, initialRebalanceDelayMs: 100, emptyGroupCleanupIntervalMs: 0 });
}

async function crashRun(seed: number): Promise<void> {
  const random = seededRandom(seed);
  const io = new MemoryFileIO({ seed: seed * 13 + 5 });
  const time = new ManualTime();
  const coordinator = await openCoordinator(io, time);
  const acked = new Map<string, number>();
  const attempted = new Map<string, Set<number>>();
  const crashAfterAcks = 1 + Math.floor(random() * 60);
  let acks = 0;
  let crashed = false;
  let nextOffset = 1;
  const inFlight: Array<Promise<unknown>> = [];
  for (let round = 0; round < 40 && !crashed; round++) {
    for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
      const groupId = `group-${Math.floor(random() * 3)}`;
      const offsets = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
        topic: 'orders', partition: Math.floor(random() * PARTITIONS), offset: nextOffset++, leaderEpoch: 1, metadata: `seed ${seed}`,
      }));
      for (const o of offsets) {
        const key = `${groupId}/${o.partition}`;
        if (!attempted.has(key)) attempted.set(key, new Set());
        attempted.get(key)?.add(o.offset);
      }
      inFlight.push(coordinator.commitOffsets({ groupId, generationId: -1, memberId: '', groupInstanceId: null, offsets }).then((result) => {
        result.partitions.forEach((r, i) => {
          const o = offsets[i];
          if (r.error !== GroupError.NONE || o === undefined) return;
          const key = `${groupId}/${o.partition}`;
          acked.set(key, Math.max(acked.get(key) ?? -1, o.offset));
        });
        if (!crashed && result.partitions.every((r) => r.error === GroupError.NONE) && ++acks === crashAfterAcks) {
          crashed = true;
          io.crash({ unsynced: random() < 0.5 ? 'none' : 'random-prefix' });
        }
      }));
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await Promise.allSettled(inFlight);
  if (!crashed) io.crash();

  const restarted = await openCoordinator(io, time);
  for (const [key, offsets] of attempted) {
    const [groupId, partition] = key.split('/');
    const fetched = restarted.fetchOffsets(groupId ?? '', [{ topic: 'orders', partition: Number(partition) }]).partitions[0];
    assert.ok(fetched !== undefined);
    const ackedOffset = acked.get(key);
    if (ackedOffset !== undefined) {
      assert.ok(fetched.offset >= ackedOffset, `seed ${seed}: ${key} acknowledged ${ackedOffset}, found ${fetched.offset} after the crash`);
    }
    if (fetched.offset !== -1) {
      assert.ok(offsets.has(fetched.offset), `seed ${seed}: ${key} came back as ${fetched.offset}, which was never committed`);
      assert.equal(fetched.metadata, `seed ${seed}`);
      assert.equal(fetched.leaderEpoch, 1);
    }
  }
  await restarted.close();
}

test('every acknowledged offset commit survives a crash at any acknowledgement, torn tails included', async () => {
  const only = process.env.WHARF_FUZZ_SEED;
  const seeds = only !== undefined ? [Number(only)] : Array.from({ length: Number(process.env.WHARF_FUZZ_SEEDS ?? 12) }, (_, i) => i + 1);
  for (const seed of seeds) {
    try {
      await crashRun(seed);
    } catch (err) {
      process.stderr.write(`committed-offsets crash fuzz failed with seed ${seed} (WHARF_FUZZ_SEED=${seed} replays it)\n`);
      throw err;
    }
  }
});

test('a Stable group and its assignment come back after a crash right after SyncGroup was answered', async () => {
  const io = new MemoryFileIO();
  const time = new ManualTime();
  const coordinator = await openCoordinator(io, time);
  const { joins, syncs } = await formGroup({ time, coordinator }, [joinRequest({ clientId: 'a' }), joinRequest({ clientId: 'b', groupInstanceId: 'host-b' })]);
  io.crash();
  const restarted = await openCoordinator(io, time);
  const described = restarted.describeGroup('g');
  assert.equal(described.state, 'Stable');
  assert.deepEqual(described.members.map((m) => [m.memberId, m.assignment]), joins.map((j, i) => [j.memberId, syncs[i]?.assignment]));
  // The restarted static member is recognised by its instance id and keeps its assignment.
  const rejoin = await restarted.joinGroup(joinRequest({ clientId: 'b', groupInstanceId: 'host-b' }));
  assert.equal(rejoin.error, GroupError.NONE);
  assert.equal(rejoin.generationId, 1);
  const sync = await restarted.syncGroup({ groupId: 'g', generationId: 1, memberId: rejoin.memberId, groupInstanceId: 'host-b', assignments: [] });
  assert.deepEqual(sync.assignment, syncs[1]?.assignment);
  await restarted.close();
});
