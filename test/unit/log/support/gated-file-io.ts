// A FileIO wrapper that can hold datasync (or fsyncDir) calls until the test releases them, to look
// at the log between its write and its fsync, or while an fsync is in flight.
import type { FileHandle, FileIO, FileStat } from '../../../../src/log/file-io.js';

export interface GatedFileIOOptions {
  /**
   * 'start' (default) holds a datasync before it reaches the inner FileIO. 'completion' calls the
   * inner datasync at once and holds only its result: like a real fdatasync in flight, it covers
   * what was written before the call (MemoryFileIO applies it then), not what is written while it
   * is held.
   */
  holdAt?: 'start' | 'completion';
}

export type GatedOperation = 'datasync' | 'fsyncDir';

export class GatedFileIO implements FileIO {
  private readonly inner: FileIO;
  private readonly holdAt: 'start' | 'completion';
  private held: Array<() => void> = [];
  private holding = false;
  private holdPathIncludes = '';
  private holdOperation: GatedOperation = 'datasync';
  /** Called as each writev starts, before it reaches the inner FileIO. */
  beforeWritev: (() => void) | null = null;
  private heldWaiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(inner: FileIO, options: GatedFileIOOptions = {}) {
    this.inner = inner;
    this.holdAt = options.holdAt ?? 'start';
  }

  /** From now on `operation` calls (on paths containing `pathIncludes`) wait until released. */
  hold(pathIncludes = '', operation: GatedOperation = 'datasync'): void {
    this.holding = true;
    this.holdPathIncludes = pathIncludes;
    this.holdOperation = operation;
  }

  /** Calls waiting now. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Resolves once at least `count` calls are waiting. */
  whenHeld(count = 1): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  /** Lets every held call continue and stops holding. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  /** Lets the oldest held call continue and keeps holding the later ones. */
  releaseOne(): void {
    const go = this.held.shift();
    if (go === undefined) throw new Error('releaseOne: no call is held');
    go();
  }

  async gate(operation: GatedOperation, path: string): Promise<void> {
    if (!this.holding || operation !== this.holdOperation || !path.includes(this.holdPathIncludes)) return;
    await new Promise<void>((resolve) => {
      this.held.push(resolve);
      const ready = this.heldWaiters.filter((w) => this.held.length >= w.count);
      this.heldWaiters = this.heldWaiters.filter((w) => this.held.length < w.count);
      for (const w of ready) w.resolve();
    });
  }

  async open(path: string, options: { create: boolean }): Promise<FileHandle> {
    const inner = await this.inner.open(path, options);
    return {
      path: inner.path,
      read: (b, o, l, p) => inner.read(b, o, l, p),
      writev: (buffers, position) => {
        this.beforeWritev?.();
        return inner.writev(buffers, position);
      },
      datasync: async () => {
        if (this.holdAt === 'completion') {
          const done = inner.datasync();
          done.catch(() => undefined); // reported by the await below, after the gate
          await this.gate('datasync', inner.path);
          await done;
          return;
        }
        await this.gate('datasync', inner.path);
        await inner.datasync();
      },
      truncate: (n) => inner.truncate(n),
      size: () => inner.size(),
      close: () => inner.close(),
    };
  }
  readdir(dir: string): Promise<string[]> {
    return this.inner.readdir(dir);
  }
  mkdirp(dir: string): Promise<void> {
    return this.inner.mkdirp(dir);
  }
  unlink(path: string): Promise<void> {
    return this.inner.unlink(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  readFile(path: string): Promise<Buffer> {
    return this.inner.readFile(path);
  }
  writeFileDurable(path: string, bytes: Buffer): Promise<void> {
    return this.inner.writeFileDurable(path, bytes);
  }
  async fsyncDir(dir: string): Promise<void> {
    await this.gate('fsyncDir', dir);
    return this.inner.fsyncDir(dir);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  stat(path: string): Promise<FileStat> {
    return this.inner.stat(path);
  }
  rmrf(path: string): Promise<void> {
    return this.inner.rmrf(path);
  }
}
