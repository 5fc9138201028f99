import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SavedFile {
  key: string;
  bytes: number;
  sha256: string;
}

// #region file-store
/**
 * Where uploads go. The HTTP layer hands over a stream and never sees a buffer; an S3 version
 * would pass the same stream as the `Body` of `@aws-sdk/lib-storage`'s `Upload`.
 */
export interface FileStore {
  /** Consumes `content` to the end, or rejects and keeps nothing of it. */
  save(key: string, content: Readable): Promise<SavedFile>;
}

/** Writes to `<key>.<uuid>.part` and renames on success, so a reader never sees a partial file. */
export class DiskStore implements FileStore {
  constructor(readonly directory: string) {}

  async save(key: string, content: Readable): Promise<SavedFile> {
    if (!/^[\w-]+$/.test(key)) throw new TypeError(`unsafe storage key: ${key}`);
    const target = join(this.directory, key);
    const partial = `${target}.${randomUUID()}.part`;
    const hash = createHash('sha256');
    let bytes = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      // Stryker disable next-line ObjectLiteral: the .part name holds a fresh randomUUID, so no file is ever there for 'wx' to refuse
      await pipeline(content, measure, createWriteStream(partial, { flags: 'wx' }));
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return { key, bytes, sha256: hash.digest('hex') };
  }
}
// #endregion file-store
