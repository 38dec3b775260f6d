import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileIO } from '../../../src/log/memory-file-io.js';

async function fileWith(io: MemoryFileIO, path: string, synced: string, unsynced: string): Promise<void> {
  await io.mkdirp('/d');
  const h = await io.open(path, { create: true });
  await io.fsyncDir('/d');
  await h.writev([Buffer.from(synced)], 0);
  await h.datasync();
  await h.writev([Buffer.from(unsynced)], synced.length);
}

test('a crash drops unsynced bytes and truncations and keeps synced ones', async () => {
  const io = new MemoryFileIO();
  await fileWith(io, '/d/f', 'durable', '+lost');
  assert.equal(io.peek('/d/f')?.toString(), 'durable+lost');
  io.crash();
  assert.equal(io.peek('/d/f')?.toString(), 'durable');
  const h = await io.open('/d/f', { create: false });
  await h.truncate(3);
  io.crash();
  assert.equal(io.peek('/d/f')?.toString(), 'durable', 'an unsynced truncation is undone');
});

test('a crash with random-prefix keeps a seeded prefix of the unsynced bytes', async () => {
  const kept = new Set<string>();
  for (let seed = 1; seed <= 30; seed++) {
    const io = new MemoryFileIO({ seed });
    await fileWith(io, '/d/f', 'AAAA', 'BBBBBBBBBB');
    io.crash({ unsynced: 'random-prefix' });
    const after = io.peek('/d/f')?.toString() ?? '';
    assert.ok('AAAABBBBBBBBBB'.startsWith(after) && after.startsWith('AAAA'), after);
    kept.add(after);
    const replay = new MemoryFileIO({ seed });
    await fileWith(replay, '/d/f', 'AAAA', 'BBBBBBBBBB');
    replay.crash({ unsynced: 'random-prefix' });
    assert.equal(replay.peek('/d/f')?.toString(), after, 'same seed, same crash');
  }
  assert.ok(kept.size > 3, 'different seeds tear at different places');
});

test('directory entries are durable only after fsyncDir', async () => {
  const io = new MemoryFileIO();
  await io.mkdirp('/d');
  await (await io.open('/d/new', { create: true })).datasync();
  await io.writeFileDurable('/d/old', Buffer.from('x'));
  await io.unlink('/d/old');
  io.crash();
  assert.equal(await io.exists('/d/new'), false, 'created, directory not synced: gone');
  assert.equal(await io.exists('/d/old'), true, 'unlinked, directory not synced: back');
  await io.unlink('/d/old');
  await io.fsyncDir('/d');
  io.crash();
  assert.equal(await io.exists('/d/old'), false);
});

test('handles from before a crash are dead, and a call in flight fails', async () => {
  const io = new MemoryFileIO();
  await fileWith(io, '/d/f', 'x', '');
  const h = await io.open('/d/f', { create: false });
  const inFlight = h.datasync();
  io.crash();
  await assert.rejects(inFlight, { code: 'EIO' });
  await assert.rejects(h.size(), { code: 'EBADF' });
});
