// A FileIO wrapper that fails chosen calls with EIO, ENOSPC or any other errno, to test that disk
// errors fail the pending appends, stop writes to the log and never acknowledge lost data.
import { fileIOError, type FileHandle, type FileIO, type FileStat } from './file-io.js';

export type FaultOperation =
  | 'open'
  | 'read'
  | 'writev'
  | 'datasync'
  | 'truncate'
  | 'size'
  | 'close'
  | 'readdir'
  | 'mkdirp'
  | 'unlink'
  | 'rename'
  | 'readFile'
  | 'writeFileDurable'
  | 'fsyncDir'
  | 'exists'
  | 'stat'
  | 'rmrf';

export interface FaultRule {
  operation: FaultOperation;
  /** errno code to throw; default 'EIO'. */
  code?: string;
  /** Only paths containing this text; default every path. */
  pathIncludes?: string;
  /** Let this many matching calls pass first; default 0. */
  skip?: number;
  /** Fail this many matching calls, then pass again; default forever. */
  times?: number;
}

interface ActiveRule {
  operation: FaultOperation;
  code: string;
  pathIncludes: string;
  skip: number;
  times: number;
}

export class FaultyFileIO implements FileIO {
  private readonly inner: FileIO;
  private rules: ActiveRule[] = [];
  /** Number of calls failed so far, by operation. */
  readonly injected = new Map<FaultOperation, number>();

  constructor(inner: FileIO) {
    this.inner = inner;
  }

  inject(rule: FaultRule): void {
    this.rules.push({
      operation: rule.operation,
      code: rule.code ?? 'EIO',
      pathIncludes: rule.pathIncludes ?? '',
      skip: rule.skip ?? 0,
      times: rule.times ?? Infinity,
    });
  }

  clear(): void {
    this.rules = [];
  }

  /** Throws the injected error when a rule matches this call. */
  check(operation: FaultOperation, path: string): void {
    for (const rule of this.rules) {
      if (rule.operation !== operation || rule.times <= 0 || !path.includes(rule.pathIncludes)) continue;
      if (rule.skip > 0) {
        rule.skip--;
        continue;
      }
      rule.times--;
      this.injected.set(operation, (this.injected.get(operation) ?? 0) + 1);
      throw fileIOError(rule.code, operation, path);
    }
  }

  private async guard<T>(operation: FaultOperation, path: string, call: () => Promise<T>): Promise<T> {
    this.check(operation, path);
    return call();
  }

  async open(path: string, options: { create: boolean }): Promise<FileHandle> {
    const handle = await this.guard('open', path, () => this.inner.open(path, options));
    return new FaultyFileHandle(this, handle);
  }

  readdir(dir: string): Promise<string[]> {
    return this.guard('readdir', dir, () => this.inner.readdir(dir));
  }
  mkdirp(dir: string): Promise<void> {
    return this.guard('mkdirp', dir, () => this.inner.mkdirp(dir));
  }
  unlink(path: string): Promise<void> {
    return this.guard('unlink', path, () => this.inner.unlink(path));
  }
  rename(from: string, to: string): Promise<void> {
    return this.guard('rename', from, () => this.inner.rename(from, to));
  }
  readFile(path: string): Promise<Buffer> {
    return this.guard('readFile', path, () => this.inner.readFile(path));
  }
  writeFileDurable(path: string, bytes: Buffer): Promise<void> {
    return this.guard('writeFileDurable', path, () => this.inner.writeFileDurable(path, bytes));
  }
  fsyncDir(dir: string): Promise<void> {
    return this.guard('fsyncDir', dir, () => this.inner.fsyncDir(dir));
  }
  exists(path: string): Promise<boolean> {
    return this.guard('exists', path, () => this.inner.exists(path));
  }
  stat(path: string): Promise<FileStat> {
    return this.guard('stat', path, () => this.inner.stat(path));
  }
  rmrf(path: string): Promise<void> {
    return this.guard('rmrf', path, () => this.inner.rmrf(path));
  }
}

class FaultyFileHandle implements FileHandle {
  readonly path: string;
  private readonly io: FaultyFileIO;
  private readonly inner: FileHandle;

  constructor(io: FaultyFileIO, inner: FileHandle) {
    this.io = io;
    this.inner = inner;
    this.path = inner.path;
  }

  async read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number> {
    this.io.check('read', this.path);
    return this.inner.read(buffer, bufferOffset, length, position);
  }
  async writev(buffers: readonly Buffer[], position: number): Promise<void> {
    this.io.check('writev', this.path);
    return this.inner.writev(buffers, position);
  }
  async datasync(): Promise<void> {
    this.io.check('datasync', this.path);
    return this.inner.datasync();
  }
  async truncate(lengthBytes: number): Promise<void> {
    this.io.check('truncate', this.path);
    return this.inner.truncate(lengthBytes);
  }
  async size(): Promise<number> {
    this.io.check('size', this.path);
    return this.inner.size();
  }
  async close(): Promise<void> {
    this.io.check('close', this.path);
    return this.inner.close();
  }
}
