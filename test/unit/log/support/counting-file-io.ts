// A FileIO wrapper that counts calls by operation and by file, and the descriptors open at once
// (calls that open one of their own, like readFile or fsyncDir, count while they run).
import type { FileHandle, FileIO, FileStat } from '../../../../src/log/file-io.js';

export class CountingFileIO implements FileIO {
  readonly inner: FileIO;
  /** `${operation}` → calls. */
  readonly calls = new Map<string, number>();
  /** `${operation} ${path}` → calls. */
  readonly callsByPath = new Map<string, number>();
  openNow = 0;
  openMax = 0;

  constructor(inner: FileIO) {
    this.inner = inner;
  }

  count(operation: string, path?: string): number {
    return path === undefined ? (this.calls.get(operation) ?? 0) : (this.callsByPath.get(`${operation} ${path}`) ?? 0);
  }

  /** Calls of `operation` on paths ending with `suffix`. */
  countSuffix(operation: string, suffix: string): number {
    let n = 0;
    for (const [key, value] of this.callsByPath) if (key.startsWith(`${operation} `) && key.endsWith(suffix)) n += value;
    return n;
  }

  reset(): void {
    this.calls.clear();
    this.callsByPath.clear();
    this.openMax = this.openNow;
  }

  note(operation: string, path: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    const key = `${operation} ${path}`;
    this.callsByPath.set(key, (this.callsByPath.get(key) ?? 0) + 1);
  }

  opened(): void {
    this.openNow++;
    if (this.openNow > this.openMax) this.openMax = this.openNow;
  }

  closed(): void {
    this.openNow--;
  }

  private async transient<T>(operation: string, path: string, call: () => Promise<T>): Promise<T> {
    this.note(operation, path);
    this.opened();
    try {
      return await call();
    } finally {
      this.closed();
    }
  }

  async open(path: string, options: { create: boolean }): Promise<FileHandle> {
    this.note('open', path);
    this.opened();
    try {
      return new CountingFileHandle(this, await this.inner.open(path, options));
    } catch (err) {
      this.closed();
      throw err;
    }
  }
  readdir(dir: string): Promise<string[]> {
    return this.transient('readdir', dir, () => this.inner.readdir(dir));
  }
  mkdirp(dir: string): Promise<void> {
    this.note('mkdirp', dir);
    return this.inner.mkdirp(dir);
  }
  unlink(path: string): Promise<void> {
    this.note('unlink', path);
    return this.inner.unlink(path);
  }
  rename(from: string, to: string): Promise<void> {
    this.note('rename', from);
    return this.inner.rename(from, to);
  }
  readFile(path: string): Promise<Buffer> {
    return this.transient('readFile', path, () => this.inner.readFile(path));
  }
  writeFileDurable(path: string, bytes: Buffer): Promise<void> {
    return this.transient('writeFileDurable', path, () => this.inner.writeFileDurable(path, bytes));
  }
  fsyncDir(dir: string): Promise<void> {
    return this.transient('fsyncDir', dir, () => this.inner.fsyncDir(dir));
  }
  exists(path: string): Promise<boolean> {
    this.note('exists', path);
    return this.inner.exists(path);
  }
  stat(path: string): Promise<FileStat> {
    this.note('stat', path);
    return this.inner.stat(path);
  }
  rmrf(path: string): Promise<void> {
    this.note('rmrf', path);
    return this.inner.rmrf(path);
  }
}

class CountingFileHandle implements FileHandle {
  readonly path: string;
  private readonly io: CountingFileIO;
  private readonly inner: FileHandle;
  private isClosed = false;

  constructor(io: CountingFileIO, inner: FileHandle) {
    this.io = io;
    this.inner = inner;
    this.path = inner.path;
  }

  read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number> {
    this.io.note('read', this.path);
    return this.inner.read(buffer, bufferOffset, length, position);
  }
  writev(buffers: readonly Buffer[], position: number): Promise<void> {
    this.io.note('writev', this.path);
    return this.inner.writev(buffers, position);
  }
  datasync(): Promise<void> {
    this.io.note('datasync', this.path);
    return this.inner.datasync();
  }
  truncate(lengthBytes: number): Promise<void> {
    this.io.note('truncate', this.path);
    return this.inner.truncate(lengthBytes);
  }
  size(): Promise<number> {
    this.io.note('size', this.path);
    return this.inner.size();
  }
  async close(): Promise<void> {
    this.io.note('close', this.path);
    if (!this.isClosed) {
      this.isClosed = true;
      this.io.closed();
    }
    return this.inner.close();
  }
}
