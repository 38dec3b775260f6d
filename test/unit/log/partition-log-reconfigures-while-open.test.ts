import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';
import { isWharfError } from '../../../src/util/wharf-error.js';
import { makeBatch } from '../../helpers/make-batch.js';
import { CountingFileIO } from './support/counting-file-io.js';
import { openLog } from './support/log-fixtures.js';

test('reconfigure changes segment size, retention and flush policy of an open log', async () => {
  const io = new CountingFileIO(new MemoryFileIO());
  const log = await openLog(io, '/data/p', { config: { retentionMs: -1 } });
  for (let i = 0; i < 4; i++) await log.append(makeBatch({ records: 1, valueBytes: 600 }));
  assert.equal(log.segmentCount, 1);
  log.reconfigure({ segmentBytesMax: 1024, retentionBytes: 0 });
  for (let i = 0; i < 4; i++) await log.append(makeBatch({ records: 1, valueBytes: 600 }));
  assert.ok(log.segmentCount >= 4, 'the smaller segment size applies to the next appends');
  assert.ok((await log.applyRetention(0)).deletedSegments >= 3);
  log.reconfigure({ flushPolicy: { kind: 'never' } });
  io.reset();
  await log.append(makeBatch({ records: 1, valueBytes: 1 }));
  assert.equal(io.countSuffix('datasync', '.log'), 0);
  assert.throws(() => log.reconfigure({ segmentMs: 0 }), (err: unknown) => isWharfError(err, 'WHARF_ERR_LOG_CONFIG'));
  assert.equal(log.config.segmentBytesMax, 1024, 'a refused change changes nothing');
  await log.close();
});
