// Where broker metadata (topic definitions, later queues, exchanges, bindings) lives. Single-node
// mode keeps each document as a JSON file written atomically and durably; cluster mode will put
// the same documents in etcd behind this interface.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { WharfError } from '../util/wharf-error.js';

export const ERR_METADATA_CORRUPT = 'WHARF_ERR_METADATA_CORRUPT';

export interface MetadataStore {
  /** The document stored under `name`, or undefined when there is none. */
  read(name: string): Promise<unknown>;
  /** Replaces the document; durable when the promise resolves. */
  write(name: string, document: unknown): Promise<void>;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

export class FileMetadataStore implements MetadataStore {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  private path(name: string): string {
    if (!NAME_PATTERN.test(name)) throw new Error(`metadata document name ${name} is not a plain lowercase name`);
    return join(this.dir, `${name}.json`);
  }

  async read(name: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(this.path(name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new WharfError(ERR_METADATA_CORRUPT, `metadata file ${this.path(name)} is not valid JSON (${(err as Error).message}); restore it from a backup or remove it to start without that metadata`);
    }
  }

  async write(name: string, document: unknown): Promise<void> {
    const target = this.path(name);
    const tmp = `${target}.tmp`;
    await mkdir(this.dir, { recursive: true });
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(document, null, 2)}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    // The rename is durable only once the directory entry is.
    const dirHandle = await open(this.dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}

/** Keeps documents in memory: for tests of the broker model. */
export class MemoryMetadataStore implements MetadataStore {
  private readonly docs = new Map<string, string>();

  async read(name: string): Promise<unknown> {
    const text = this.docs.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  }

  async write(name: string, document: unknown): Promise<void> {
    this.docs.set(name, JSON.stringify(document));
  }
}
