// The only door from the log to the disk. NodeFileIO is the real one; MemoryFileIO (crashes,
// torn writes) and FaultyFileIO (EIO, ENOSPC) stand in for it in tests, and the conformance suite
// runs the same partition-log tests against each.
import fs from 'node:fs';
import { dirname } from 'node:path';
import { TMP_SUFFIX } from './layout.js';

/** An open file. Positions are absolute; there is no file cursor. */
export interface FileHandle {
  readonly path: string;
  /** Reads up to `length` bytes at `position` into `buffer[bufferOffset..]`; fewer at end of file. */
  read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number>;
  /** Writes every byte of `buffers` at `position` in one call (a short write is retried inside). */
  writev(buffers: readonly Buffer[], position: number): Promise<void>;
  datasync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface FileStat {
  sizeBytes: number;
  isDirectory: boolean;
}

export interface FileIO {
  /** Opens read-write; `create` makes the file when missing (never truncates). */
  open(path: string, options: { create: boolean }): Promise<FileHandle>;
  readdir(dir: string): Promise<string[]>;
  mkdirp(dir: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  /** Writes `<path>.tmp`, fsyncs it, renames it over `path` and fsyncs the directory. */
  writeFileDurable(path: string, bytes: Buffer): Promise<void>;
  fsyncDir(dir: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  stat(path: string): Promise<FileStat>;
  /** Removes a file or a directory tree; no error when it does not exist. */
  rmrf(path: string): Promise<void>;
}

/** An error shaped like Node's system errors (`code`, `syscall`, `path`). */
export interface FileIOError extends Error {
  code: string;
  syscall: string;
  path: string;
}

export function fileIOError(code: string, syscall: string, path: string): FileIOError {
  const err = new Error(`${code}: ${syscall} '${path}'`) as FileIOError;
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  return err;
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

const OPEN_FLAGS = fs.constants.O_RDWR;
const CREATE_FLAGS = fs.constants.O_RDWR | fs.constants.O_CREAT;
const FILE_MODE = 0o644;

/** A file descriptor driven through the callback API: one libuv request per call, no FileHandle objects. */
class NodeFileHandle implements FileHandle {
  readonly path: string;
  private readonly fd: number;

  constructor(path: string, fd: number) {
    this.path = path;
    this.fd = fd;
  }

  read(buffer: Buffer, bufferOffset: number, length: number, position: number): Promise<number> {
    return new Promise((resolve, reject) => {
      fs.read(this.fd, buffer, bufferOffset, length, position, (err, bytesRead) => {
        if (err) reject(err);
        else resolve(bytesRead);
      });
    });
  }

  async writev(buffers: readonly Buffer[], position: number): Promise<void> {
    let total = 0;
    for (const b of buffers) total += b.length;
    let written = await this.writevOnce(buffers, position);
    // Regular files write everything or fail; this loop only runs on an unusual short write.
    let rest = buffers;
    while (written < total) {
      total -= written;
      position += written;
      rest = dropPrefix(rest, written);
      written = await this.writevOnce(rest, position);
    }
  }

  private writevOnce(buffers: readonly Buffer[], position: number): Promise<number> {
    return new Promise((resolve, reject) => {
      fs.writev(this.fd, buffers as Buffer[], position, (err, bytesWritten) => {
        if (err) reject(err);
        else if (bytesWritten === 0 && buffers.length > 0) reject(fileIOError('EIO', 'writev', this.path));
        else resolve(bytesWritten);
      });
    });
  }

  datasync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fdatasync(this.fd, (err) => (err ? reject(err) : resolve()));
    });
  }

  truncate(lengthBytes: number): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.ftruncate(this.fd, lengthBytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  size(): Promise<number> {
    return new Promise((resolve, reject) => {
      fs.fstat(this.fd, (err, stats) => (err ? reject(err) : resolve(stats.size)));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.close(this.fd, (err) => (err ? reject(err) : resolve()));
    });
  }
}

/** The buffers left after skipping `bytes` bytes (views, no copies). */
export function dropPrefix(buffers: readonly Buffer[], bytes: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = bytes;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

export class NodeFileIO implements FileIO {
  open(path: string, options: { create: boolean }): Promise<FileHandle> {
    return new Promise((resolve, reject) => {
      fs.open(path, options.create ? CREATE_FLAGS : OPEN_FLAGS, FILE_MODE, (err, fd) => {
        if (err) reject(err);
        else resolve(new NodeFileHandle(path, fd));
      });
    });
  }

  readdir(dir: string): Promise<string[]> {
    return fs.promises.readdir(dir);
  }

  async mkdirp(dir: string): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true });
  }

  unlink(path: string): Promise<void> {
    return fs.promises.unlink(path);
  }

  rename(from: string, to: string): Promise<void> {
    return fs.promises.rename(from, to);
  }

  readFile(path: string): Promise<Buffer> {
    return fs.promises.readFile(path);
  }

  async writeFileDurable(path: string, bytes: Buffer): Promise<void> {
    const tmp = path + TMP_SUFFIX;
    const handle = await fs.promises.open(tmp, 'w', FILE_MODE);
    try {
      await handle.write(bytes, 0, bytes.length, 0);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, path);
    await this.fsyncDir(dirname(path));
  }

  async fsyncDir(dir: string): Promise<void> {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fs.promises.stat(path);
      return true;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  async stat(path: string): Promise<FileStat> {
    const stats = await fs.promises.stat(path);
    return { sizeBytes: stats.size, isDirectory: stats.isDirectory() };
  }

  rmrf(path: string): Promise<void> {
    return fs.promises.rm(path, { recursive: true, force: true });
  }
}
