// The data directory: its layout and the lock that keeps a second broker out of it.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WharfError } from '../util/wharf-error.js';

export const ERR_DATA_DIR_LOCKED = 'WHARF_ERR_DATA_DIR_LOCKED';
export const ERR_DATA_DIR_UNUSABLE = 'WHARF_ERR_DATA_DIR_UNUSABLE';

export const LOCK_FILE = 'wharf.lock';
/** Partition logs (topic partitions, queues) live under this folder, one directory each. */
export const LOGS_DIR = 'logs';
/** Broker metadata (topic and queue definitions, offsets) lives under this folder. */
export const META_DIR = 'meta';

export interface DataDirPaths {
  root: string;
  logs: string;
  meta: string;
  lock: string;
}

export function dataDirPaths(dir: string): DataDirPaths {
  const root = resolve(dir);
  return { root, logs: join(root, LOGS_DIR), meta: join(root, META_DIR), lock: join(root, LOCK_FILE) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Set when a lock left by a process that no longer runs (e.g. after kill -9) was taken over. */
  readonly staleOwnerPid: number | undefined;
  release(): void;
}

/**
 * Creates the data directory and takes its lock. The lock file holds the owner's pid; a lock whose
 * pid no longer runs is stale (the broker was killed) and is taken over.
 */
export function lockDataDir(paths: DataDirPaths): DataDirLock {
  try {
    mkdirSync(paths.logs, { recursive: true });
    mkdirSync(paths.meta, { recursive: true });
  } catch (err) {
    throw new WharfError(ERR_DATA_DIR_UNUSABLE, `cannot create data directory ${paths.root}: ${(err as Error).message}; choose another with --data-dir`);
  }
  let staleOwnerPid: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(paths.lock, 'wx');
      writeSync(fd, `${process.pid}\n`);
      fsyncSync(fd);
      closeSync(fd);
      let released = false;
      return {
        path: paths.lock,
        staleOwnerPid,
        release() {
          if (released) return;
          released = true;
          try {
            unlinkSync(paths.lock);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WharfError(ERR_DATA_DIR_UNUSABLE, `cannot create lock file ${paths.lock}: ${(err as Error).message}`);
      }
    }
    let owner = Number.NaN;
    try {
      owner = Number.parseInt(readFileSync(paths.lock, 'utf8').trim(), 10);
    } catch {
      // Vanished between open and read: try again.
    }
    if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
      throw new WharfError(
        ERR_DATA_DIR_LOCKED,
        `data directory ${paths.root} is in use by another Wharf broker (pid ${owner}); stop that broker or start this one with another --data-dir`,
      );
    }
    staleOwnerPid = Number.isInteger(owner) ? owner : undefined;
    try {
      unlinkSync(paths.lock);
    } catch {
      // Someone else removed it first; the next open decides.
    }
  }
  throw new WharfError(ERR_DATA_DIR_LOCKED, `could not take the lock ${paths.lock}; another broker may be starting on ${paths.root}`);
}
