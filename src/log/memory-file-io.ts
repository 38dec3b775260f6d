// An in-memory FileIO that remembers what a crash would keep. Each file holds its current bytes
// and, apart from them, the bytes as of its last datasync plus the list of unsynced writes and
// truncations. A directory entry (create, unlink, rename) becomes durable when its directory is
// fsynced. crash() throws away everything unsynced, or keeps a seeded random prefix of each file's
// unsynced writes (a torn write), and invalidates every open handle, as a killed process would.
import { posix } from 'node:path';
import { fileIOError, type FileHandle, type FileIO, type FileStat } from './file-io.js';
import { MemoryFile, seededRandom } from './memory-file.js';

export { seededRandom };

export interface MemoryFileIOOptions {
  /** Seed of the RNG that picks how much of each unsynced tail a crash keeps. */
  seed?: number;
  /** 'immediate' (default) completes each call on a later turn of the event loop, so other work interleaves. */
  completion?: 'immediate' | 'microtask';
}

export interface CrashOptions {
  /** 'none' (default) drops every unsynced byte; 'random-prefix' keeps a seeded random prefix per file. */
  unsynced?: 'none' | 'random-prefix';
}

const normalize = (p: string): string => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);

/** Directory → (name → file): the namespace, kept per directory so listing one is cheap. */
type Namespace = Map<string, Map<string, MemoryFile>>;

export class MemoryFileIO implements FileIO {
  private files: Namespace = new Map();
  /** The namespace as of each directory's last fsync: what a crash keeps. */
  private durableFiles: Namespace = new Map();
  private readonly dirs = new Set<string>(['/']);
  /** Directory → names of its subdirectories. */
  private readonly subdirs = new Map<string, Set<string>>();
  private readonly random: () => number;
  private readonly completion: 'immediate' | 'microtask';
  /** Bumped by crash(): handles from an earlier epoch belong to a dead process. */
  private epoch = 0;

  constructor(options: MemoryFileIOOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.completion = options.completion ?? 'immediate';
  }

  /** Simulates power loss: unsynced bytes and directory entries are lost, open handles die. */
  crash(options: CrashOptions = {}): void {
    this.epoch++;
    const keepPrefix = options.unsynced === 'random-prefix';
    const survivors: Namespace = new Map();
    const seen = new Set<MemoryFile>();
    for (const [dir, entries] of this.durableFiles) {
      if (!this.dirs.has(dir)) continue;
      for (const file of entries.values()) {
        if (seen.has(file)) continue;
        seen.add(file);
        const pending = file.unsyncedUnits();
        file.crash(keepPrefix ? Math.floor(this.random() * (pending + 1)) : 0);
      }
      survivors.set(dir, new Map(entries));
    }
    this.files = survivors;
    this.durableFiles = new Map([...survivors].map(([dir, entries]) => [dir, new Map(entries)]));
  }

  /**
   * A FileIO for one process lifetime: the same files, but every call fails once crash() has run,
   * so a log object left over from before a crash cannot touch what the restarted one sees.
   */
  process(): FileIO {
    return new MemoryProcessFileIO(this, this.epoch);
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  /** Current bytes of a file (a copy), for tests that corrupt or inspect files. */
  peek(path: string): Buffer | undefined {
    const file = this.lookup(path);
    return file === undefined ? undefined : Buffer.from(file.data.subarray(0, file.length));
  }

  /** Replaces a file's bytes as if they were synced, for tests that damage files on purpose. */
  poke(path: string, bytes: Buffer): void {
    const file = this.lookup(path);
    if (file === undefined) throw fileIOError('ENOENT', 'poke', path);
    file.data = Buffer.from(bytes);
    file.length = bytes.length;
    file.durable = Buffer.from(bytes);
    file.durableLength = bytes.length;
    file.unsynced = [];
  }

  open(path: string, options: { create: boolean }): Promise<FileHandle> {
    return this.settle(() => {
      const p = normalize(path);
      let file = this.lookup(p);
      if (file === undefined) {
        if (!options.create) throw fileIOError('ENOENT', 'open', path);
        this.requireDir(posix.dirname(p), 'open', path);
        if (this.dirs.has(p)) throw fileIOError('EISDIR', 'open', path);
        file = new MemoryFile();
        this.put(this.files, p, file);
      }
      return new MemoryFileHandle(this, p, file, this.epoch);
    });
  }

  readdir(dir: string): Promise<string[]> {
    return this.settle(() => {
      const d = normalize(dir);
      this.requireDir(d, 'scandir', dir);
      const names = [...(this.files.get(d)?.keys() ?? []), ...(this.subdirs.get(d) ?? [])];
      return names.sort();
    });
  }

  mkdirp(dir: string): Promise<void> {
    return this.settle(() => {
      let d = normalize(dir);
      while (!this.dirs.has(d)) {
        if (this.lookup(d) !== undefined) throw fileIOError('EEXIST', 'mkdir', dir);
        this.addDir(d);
        d = posix.dirname(d);
      }
    });
  }

  unlink(path: string): Promise<void> {
    return this.settle(() => {
      if (!this.remove(this.files, normalize(path))) throw fileIOError('ENOENT', 'unlink', path);
    });
  }

  rename(from: string, to: string): Promise<void> {
    return this.settle(() => {
      const f = normalize(from);
      const t = normalize(to);
      const file = this.lookup(f);
      if (file !== undefined) {
        this.requireDir(posix.dirname(t), 'rename', to);
        this.remove(this.files, f);
        this.put(this.files, t, file);
        return;
      }
      if (!this.dirs.has(f)) throw fileIOError('ENOENT', 'rename', from);
      // Directory renames are durable at once here (a simplification the log does not rely on).
      for (const d of [...this.dirs]) {
        if (d !== f && !d.startsWith(f + '/')) continue;
        const moved = t + d.slice(f.length);
        this.removeDir(d);
        this.addDir(moved);
        for (const ns of [this.files, this.durableFiles]) {
          const entries = ns.get(d);
          ns.delete(d);
          if (entries !== undefined) ns.set(moved, entries);
        }
      }
    });
  }

  readFile(path: string): Promise<Buffer> {
    return this.settle(() => {
      const file = this.lookup(path);
      if (file === undefined) throw fileIOError('ENOENT', 'open', path);
      return Buffer.from(file.data.subarray(0, file.length));
    });
  }

  writeFileDurable(path: string, bytes: Buffer): Promise<void> {
    return this.settle(() => {
      const p = normalize(path);
      this.requireDir(posix.dirname(p), 'open', path);
      const file = new MemoryFile();
      file.write(bytes, 0);
      file.durable = Buffer.from(bytes);
      file.durableLength = bytes.length;
      this.put(this.files, p, file);
      this.put(this.durableFiles, p, file);
    });
  }

  fsyncDir(dir: string): Promise<void> {
    return this.settle(() => {
      const d = normalize(dir);
      this.requireDir(d, 'fsync', dir);
      this.durableFiles.set(d, new Map(this.files.get(d) ?? []));
    });
  }

  exists(path: string): Promise<boolean> {
    return this.settle(() => {
      const p = normalize(path);
      return this.lookup(p) !== undefined || this.dirs.has(p);
    });
  }

  stat(path: string): Promise<FileStat> {
    return this.settle(() => {
      const p = normalize(path);
      const file = this.lookup(p);
      if (file !== undefined) return { sizeBytes: file.length, isDirectory: false };
      if (this.dirs.has(p)) return { sizeBytes: 0, isDirectory: true };
      throw fileIOError('ENOENT', 'stat', path);
    });
  }

  rmrf(path: string): Promise<void> {
    return this.settle(() => {
      const p = normalize(path);
      this.remove(this.files, p);
      this.remove(this.durableFiles, p);
      for (const d of [...this.dirs]) {
        if (d !== p && !d.startsWith(p + '/')) continue;
        this.removeDir(d);
        this.files.delete(d);
        this.durableFiles.delete(d);
      }
    });
  }

  /** Runs `apply` now (the effect is immediate, like a syscall) and reports on a later turn. */
  settle<T>(apply: () => T, epoch = this.epoch): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let value: T;
      try {
        if (epoch !== this.epoch) throw fileIOError('EBADF', 'crashed', 'handle from before crash()');
        value = apply();
      } catch (err) {
        reject(err);
        return;
      }
      const finish = (): void => {
        if (epoch !== this.epoch) reject(fileIOError('EIO', 'crashed', 'process crashed before the call returned'));
        else resolve(value);
      };
      if (this.completion === 'immediate') setImmediate(finish);
      else queueMicrotask(finish);
    });
  }

  private addDir(dir: string): void {
    this.dirs.add(dir);
    if (dir === '/') return;
    const parent = posix.dirname(dir);
    let names = this.subdirs.get(parent);
    if (names === undefined) {
      names = new Set();
      this.subdirs.set(parent, names);
    }
    names.add(posix.basename(dir));
  }

  private removeDir(dir: string): void {
    this.dirs.delete(dir);
    this.subdirs.get(posix.dirname(dir))?.delete(posix.basename(dir));
  }

  private lookup(path: string): MemoryFile | undefined {
    const p = normalize(path);
    return this.files.get(posix.dirname(p))?.get(posix.basename(p));
  }

  private put(ns: Namespace, path: string, file: MemoryFile): void {
    const dir = posix.dirname(path);
    let entries = ns.get(dir);
    if (entries === undefined) {
      entries = new Map();
      ns.set(dir, entries);
    }
    entries.set(posix.basename(path), file);
  }

  private remove(ns: Namespace, path: string): boolean {
    return ns.get(posix.dirname(path))?.delete(posix.basename(path)) ?? false;
  }

  private requireDir(dir: string, syscall: string, path: string): void {
    if (!this.dirs.has(dir)) throw fileIOError('ENOENT', syscall, path);
  }
}

class MemoryFileHandle implements FileHandle {
  readonly path: string;
  private readonly io: MemoryFileIO;
  private readonly file: MemoryFile;
  private readonly epoch: number;
  private closed = false;

  constructor(io: MemoryFileIO, path: string, file: MemoryFile, epoch: number) {
    this.io = io;
    this.path = path;
    this.file = file;
    this.epoch = epoch;
  }

  read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number> {
    return this.op('read', () => {
      const n = Math.max(0, Math.min(length, this.file.length - position));
      this.file.data.copy(buffer, bufferOffset, position, position + n);
      return n;
    });
  }

  writev(buffers: readonly Buffer[], position: number): Promise<void> {
    return this.op('write', () => {
      const bytes = Buffer.concat(buffers as Buffer[]);
      this.file.write(bytes, position);
      this.file.unsynced.push({ kind: 'write', position, bytes });
    });
  }

  datasync(): Promise<void> {
    return this.op('fdatasync', () => this.file.sync());
  }

  truncate(lengthBytes: number): Promise<void> {
    return this.op('ftruncate', () => {
      this.file.truncate(lengthBytes);
      this.file.unsynced.push({ kind: 'truncate', lengthBytes });
    });
  }

  size(): Promise<number> {
    return this.op('fstat', () => this.file.length);
  }

  close(): Promise<void> {
    return this.op('close', () => {
      this.closed = true;
    });
  }

  private op<T>(syscall: string, apply: () => T): Promise<T> {
    if (this.closed) return Promise.reject(fileIOError('EBADF', syscall, this.path));
    return this.io.settle(apply, this.epoch);
  }
}

class MemoryProcessFileIO implements FileIO {
  private readonly io: MemoryFileIO;
  private readonly epoch: number;

  constructor(io: MemoryFileIO, epoch: number) {
    this.io = io;
    this.epoch = epoch;
  }

  private call<T>(syscall: string, path: string, fn: () => Promise<T>): Promise<T> {
    if (this.io.currentEpoch !== this.epoch) return Promise.reject(fileIOError('EBADF', syscall, path));
    return fn();
  }

  open(path: string, options: { create: boolean }): Promise<FileHandle> {
    return this.call('open', path, () => this.io.open(path, options));
  }
  readdir(dir: string): Promise<string[]> {
    return this.call('scandir', dir, () => this.io.readdir(dir));
  }
  mkdirp(dir: string): Promise<void> {
    return this.call('mkdir', dir, () => this.io.mkdirp(dir));
  }
  unlink(path: string): Promise<void> {
    return this.call('unlink', path, () => this.io.unlink(path));
  }
  rename(from: string, to: string): Promise<void> {
    return this.call('rename', from, () => this.io.rename(from, to));
  }
  readFile(path: string): Promise<Buffer> {
    return this.call('open', path, () => this.io.readFile(path));
  }
  writeFileDurable(path: string, bytes: Buffer): Promise<void> {
    return this.call('open', path, () => this.io.writeFileDurable(path, bytes));
  }
  fsyncDir(dir: string): Promise<void> {
    return this.call('fsync', dir, () => this.io.fsyncDir(dir));
  }
  exists(path: string): Promise<boolean> {
    return this.call('stat', path, () => this.io.exists(path));
  }
  stat(path: string): Promise<FileStat> {
    return this.call('stat', path, () => this.io.stat(path));
  }
  rmrf(path: string): Promise<void> {
    return this.call('rm', path, () => this.io.rmrf(path));
  }
}
