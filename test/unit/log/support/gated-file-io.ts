// A FileIO wrapper that can hold datasync calls until the test releases them, to look at the
// log between its write and its fsync.
import type { FileHandle, FileIO, FileStat } from '../../../../src/log/file-io.js';

export class GatedFileIO implements FileIO {
  private readonly inner: FileIO;
  private held: Array<() => void> = [];
  private holding = false;
  private onHeld: (() => void) | null = null;

  constructor(inner: FileIO) {
    this.inner = inner;
  }

  /** From now on datasync calls wait until release(). */
  hold(): void {
    this.holding = true;
  }

  /** Resolves once a datasync call is waiting. */
  whenHeld(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onHeld = resolve;
    });
  }

  /** Lets every held datasync continue and stops holding. */
  release(): void {
    this.holding = false;
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  async gate(): Promise<void> {
    if (!this.holding) return;
    await new Promise<void>((resolve) => {
      this.held.push(resolve);
      const notify = this.onHeld;
      this.onHeld = null;
      notify?.();
    });
  }

  async open(path: string, options: { create: boolean }): Promise<FileHandle> {
    const inner = await this.inner.open(path, options);
    return {
      path: inner.path,
      read: (b, o, l, p) => inner.read(b, o, l, p),
      writev: (buffers, position) => inner.writev(buffers, position),
      datasync: async () => {
        await this.gate();
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
  fsyncDir(dir: string): Promise<void> {
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
