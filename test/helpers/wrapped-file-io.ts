// A FileIO that is `inner` except for the file handles, which `wrap` may replace (to delay or to
// record fdatasyncs in tests); every directory and whole-file operation goes straight to `inner`.
import type { FileHandle, FileIO } from '../../src/log/file-io.js';

export function withWrappedHandles(inner: FileIO, wrap: (handle: FileHandle) => FileHandle): FileIO {
  return {
    open: async (path, options) => wrap(await inner.open(path, options)),
    readdir: (dir) => inner.readdir(dir),
    mkdirp: (dir) => inner.mkdirp(dir),
    unlink: (path) => inner.unlink(path),
    rename: (from, to) => inner.rename(from, to),
    readFile: (path) => inner.readFile(path),
    writeFileDurable: (path, bytes) => inner.writeFileDurable(path, bytes),
    fsyncDir: (dir) => inner.fsyncDir(dir),
    exists: (path) => inner.exists(path),
    stat: (path) => inner.stat(path),
    rmrf: (path) => inner.rmrf(path),
  };
}
