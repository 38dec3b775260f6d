// The shared partition-log suite on the real filesystem and on the in-memory FileIO.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileIO } from '../../src/log/file-io.js';
import { MemoryFileIO } from '../../src/log/memory-file-io.js';
import { definePartitionLogSuite } from './partition-log-suite.js';

definePartitionLogSuite('NodeFileIO', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'wharf-log-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return { io: new NodeFileIO(), dir: join(root, 'partition-0') };
});

definePartitionLogSuite('MemoryFileIO', async () => ({ io: new MemoryFileIO(), dir: '/data/partition-0' }));
