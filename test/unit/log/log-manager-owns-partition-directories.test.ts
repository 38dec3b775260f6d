import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, validateLogName } from '../../../src/log/log-manager.js';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import type { PartitionLog } from '../../../src/log/partition-log.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { readEverything } from './support/log-fixtures.js';

const code = (c: string) => (err: unknown): boolean => isWharfError(err, c);

test('partition names are [A-Za-z0-9._~-]+ and never . or ..', () => {
  for (const ok of ['orders-0', 'a', 'Topic_1.2~x', '...', '.hidden']) validateLogName(ok);
  for (const bad of ['', '.', '..', 'a/b', '../x', 'a b', 'é', 'x+deleting', 'a'.repeat(256)]) {
    assert.throws(() => validateLogName(bad), code('WHARF_ERR_INVALID_LOG_NAME'), JSON.stringify(bad));
  }
});

test('create, get, delete and openAll with recovery reports', async () => {
  const io = new MemoryFileIO();
  const manager = new LogManager('/data', { fileIO: io, defaults: { segmentBytesMax: 4096 } });
  assert.equal((await manager.openAll()).partitions, 0);
  const a = await manager.create('orders-0');
  const b = await manager.create('orders-1', { flushPolicy: { kind: 'never' } });
  assert.equal(a.config.segmentBytesMax, 4096);
  assert.equal(b.config.flushPolicy.kind, 'never');
  await assert.rejects(manager.create('orders-0'), code('WHARF_ERR_LOG_EXISTS'));
  await assert.rejects(manager.create('../etc'), code('WHARF_ERR_INVALID_LOG_NAME'));
  await a.append(makeBatch({ records: 3, valueBytes: 10 }));
  await b.append(makeBatch({ records: 1, valueBytes: 10 }));
  assert.equal(manager.get('orders-0'), a);
  assert.deepEqual(manager.names(), ['orders-0', 'orders-1']);
  await manager.delete('orders-1');
  assert.equal(manager.get('orders-1'), undefined);
  assert.equal(await io.exists('/data/orders-1'), false);
  await assert.rejects(manager.delete('orders-1'), code('WHARF_ERR_UNKNOWN_LOG'));
  await manager.close();
  await assert.rejects(manager.create('x'), code('WHARF_ERR_LOG_CLOSED'));

  // An interrupted delete and a crash: openAll finishes the one and recovers the other.
  await io.mkdirp('/data/gone+deleting');
  await io.writeFileDurable('/data/gone+deleting/partition.meta', Buffer.from('x'));
  await io.writeFileDurable('/data/not a partition', Buffer.from('ignored'));
  const again = new LogManager('/data', { fileIO: io });
  const recovered = await again.openAll();
  assert.equal(recovered.partitions, 1);
  assert.equal(recovered.reports[0]?.name, 'orders-0');
  assert.equal(recovered.reports[0]?.recovery.cleanShutdown, true);
  assert.equal(await io.exists('/data/gone+deleting'), false);
  const orders = again.get('orders-0');
  assert.equal(orders?.logEndOffset, 3);
  await orders?.append(makeBatch({ records: 1, valueBytes: 10 }));
  io.crash();
  const third = new LogManager('/data', { fileIO: io });
  const afterCrash = await third.openAll();
  assert.equal(afterCrash.reports[0]?.recovery.cleanShutdown, false);
  assert.equal(third.get('orders-0')?.logEndOffset, 4);
  await third.close();
});

test('openAll names every truncation by partition', async () => {
  const io = new MemoryFileIO();
  const manager = new LogManager('/data', { fileIO: io });
  await manager.openAll();
  const log = await manager.create('p');
  await log.append(makeBatch({ records: 1, valueBytes: 100 }));
  io.crash();
  const path = '/data/p/00000000000000000000.log';
  io.poke(path, Buffer.concat([io.peek(path) as Buffer, Buffer.alloc(30, 7)]));
  const again = new LogManager('/data', { fileIO: io });
  const recovered = await again.openAll();
  assert.equal(recovered.truncatedBytes, 30);
  assert.equal(recovered.truncations[0]?.name, 'p');
  assert.equal(recovered.truncations[0]?.offset, 1);
  await again.close();
});

test('a retention pass covers every partition with its own config', async () => {
  const io = new MemoryFileIO();
  const manager = new LogManager('/data', {
    fileIO: io,
    defaults: { segmentBytesMax: 1024, retentionMs: 1000 },
    configFor: (name) => (name === 'keep' ? { retentionMs: -1 } : undefined),
    retentionCheckIntervalMs: 0,
  });
  await manager.openAll();
  for (const name of ['keep', 'trim']) {
    const log = await manager.create(name, name === 'keep' ? { retentionMs: -1 } : {});
    for (let i = 0; i < 6; i++) await log.append(makeBatch({ records: 1, valueBytes: 400, timestampMs: 1000 + i }));
  }
  const result = await manager.applyRetention(1_000_000);
  assert.equal(result.errors.length, 0);
  assert.ok(result.deletedSegments >= 2);
  assert.equal(manager.get('keep')?.logStartOffset, 0);
  assert.ok((manager.get('trim')?.logStartOffset ?? 0) > 0);
  assert.equal((await readEverything(manager.get('keep') as PartitionLog)).length, 6);
  manager.startRetention(); // interval 0: no timer, no error
  await manager.close();
});
