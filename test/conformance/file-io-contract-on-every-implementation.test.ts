// The FileIO contract the log relies on, checked on the real filesystem and on MemoryFileIO.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileIO, type FileIO } from '../../src/log/file-io.js';
import { MemoryFileIO } from '../../src/log/memory-file-io.js';

type Env = (t: TestContext) => { io: FileIO; root: string };

const implementations: Array<[string, Env]> = [
  ['NodeFileIO', (t) => {
    const root = mkdtempSync(join(tmpdir(), 'wharf-fileio-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    return { io: new NodeFileIO(), root };
  }],
  ['MemoryFileIO', () => ({ io: new MemoryFileIO(), root: '/tmp/wharf-fileio' })],
];

for (const [name, makeEnv] of implementations) {
  describe(`FileIO contract on ${name}`, () => {
    test('positional writev and read, size and truncate', async (t) => {
      const { io, root } = makeEnv(t);
      await io.mkdirp(root);
      await assert.rejects(io.open(`${root}/f`, { create: false }), { code: 'ENOENT' });
      const h = await io.open(`${root}/f`, { create: true });
      await h.writev([Buffer.from('hello '), Buffer.from('world')], 0);
      await h.writev([Buffer.from('W')], 6);
      assert.equal(await h.size(), 11);
      const buf = Buffer.alloc(20);
      assert.equal(await h.read(buf, 0, 20, 0), 11);
      assert.equal(buf.subarray(0, 11).toString(), 'hello World');
      assert.equal(await h.read(buf, 0, 5, 11), 0, 'reading at the end returns 0');
      await h.truncate(5);
      await h.datasync();
      assert.equal(await h.size(), 5);
      await h.close();
      const again = await io.open(`${root}/f`, { create: true });
      assert.equal(await again.size(), 5, 'create never truncates');
      await again.close();
    });

    test('writev of more buffers than IOV_MAX writes them all', async (t) => {
      const { io, root } = makeEnv(t);
      await io.mkdirp(root);
      const h = await io.open(`${root}/many`, { create: true });
      const buffers = Array.from({ length: 3000 }, (_, i) => Buffer.from([i & 0xff, (i >> 8) & 0xff]));
      await h.writev(buffers, 0);
      assert.equal(await h.size(), 6000);
      const back = Buffer.alloc(6000);
      await h.read(back, 0, 6000, 0);
      assert.deepEqual(back, Buffer.concat(buffers));
      await h.close();
    });

    test('directories: mkdirp, readdir, exists, stat, rename, unlink, rmrf', async (t) => {
      const { io, root } = makeEnv(t);
      await io.mkdirp(`${root}/a/b`);
      await io.mkdirp(`${root}/a/b`);
      await io.writeFileDurable(`${root}/a/x`, Buffer.from('1'));
      await io.writeFileDurable(`${root}/a/x`, Buffer.from('22'));
      assert.deepEqual((await io.readFile(`${root}/a/x`)).toString(), '22');
      assert.deepEqual(await io.readdir(`${root}/a`), ['b', 'x'], 'no temporary file is left');
      assert.deepEqual(await io.stat(`${root}/a/x`), { sizeBytes: 2, isDirectory: false });
      assert.equal((await io.stat(`${root}/a/b`)).isDirectory, true);
      await io.rename(`${root}/a/x`, `${root}/a/b/y`);
      assert.equal(await io.exists(`${root}/a/x`), false);
      assert.equal(await io.exists(`${root}/a/b/y`), true);
      await io.fsyncDir(`${root}/a/b`);
      await io.rename(`${root}/a`, `${root}/c`);
      assert.equal((await io.readFile(`${root}/c/b/y`)).toString(), '22');
      await io.unlink(`${root}/c/b/y`);
      await assert.rejects(io.unlink(`${root}/c/b/y`), { code: 'ENOENT' });
      await assert.rejects(io.readFile(`${root}/c/b/y`), { code: 'ENOENT' });
      await assert.rejects(io.stat(`${root}/nope`), { code: 'ENOENT' });
      await io.rmrf(`${root}/c`);
      await io.rmrf(`${root}/c`);
      assert.equal(await io.exists(`${root}/c`), false);
    });

    test('an unlinked file stays readable through a handle opened before', async (t) => {
      const { io, root } = makeEnv(t);
      await io.mkdirp(root);
      await io.writeFileDurable(`${root}/g`, Buffer.from('still here'));
      const h = await io.open(`${root}/g`, { create: false });
      await io.unlink(`${root}/g`);
      const buf = Buffer.alloc(10);
      assert.equal(await h.read(buf, 0, 10, 0), 10);
      assert.equal(buf.toString(), 'still here');
      await h.close();
    });
  });
}
