import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where attachments and packets live. Local disk under STORAGE_DIR today; an object store can
 * implement the same three methods later.
 */
export abstract class Storage {
  abstract put(key: string, data: Buffer): Promise<void>;
  abstract get(key: string): Promise<Readable>;
  abstract remove(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,300}$/;

export class LocalDiskStorage extends Storage {
  constructor(private readonly root: string) {
    super();
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Write beside, then rename: a reader never sees half a file.
    const partial = `${path}.partial-${process.pid}-${Date.now()}`;
    await writeFile(partial, data, { flag: 'wx' });
    await rename(partial, path);
  }

  async get(key: string): Promise<Readable> {
    const path = this.path(key);
    await stat(path);
    return createReadStream(path);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    if (!KEY.test(key) || key.includes('..')) throw new Error(`Invalid storage key ${key}`);
    const path = resolve(this.root, key);
    if (!path.startsWith(resolve(this.root) + sep)) throw new Error(`Storage key escapes the root: ${key}`);
    return join(path);
  }
}
